// Every transport over HTTPS to the fake Clerk on 127.0.0.1, with a
// certificate made for the test: trusted when the transport is told to trust
// it, refused (before the request is written) when it is not.
#include <clerk/backend.hpp>

#include "certificate.hpp"
#include "servers.hpp"
#include "transports.hpp"

#include <clerk/fakes/fake_clerk.hpp>

#include <doctest/doctest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <optional>
#include <string>

namespace {

constexpr const char* https_key = "sk_test_integration0https0key";

clerk::fakes::fake_clerk fake_with_user() {
  clerk::fakes::fake_clerk fake({.secret_key = https_key});
  fake.add_user("user_1");
  return fake;
}

clerk::config https_config(std::string url) {
  auto c = clerk::config::make({.secret_key = https_key, .base_url = std::move(url)});
  REQUIRE(c.has_value());
  return *c;
}

}  // namespace

TEST_CASE("https works when the transport trusts the server's certificate") {
  clerk_test::test_certificate cert;
  REQUIRE(cert.valid());
  clerk_test::fake_clerk_server server(fake_with_user(), cert.https_server());
  REQUIRE(server.base_url().starts_with("https://127.0.0.1:"));
  auto request = *clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"},
                                       https_config(server.base_url()));

  SUBCASE("curl") {
    clerk::curl_transport curl(clerk::curl_options{.ca_file = cert.pem_path()});
    auto r = curl(request);
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    CHECK(r->status == 200);
  }
  SUBCASE("cpp-httplib") {
    clerk_examples::httplib_transport httplib;
    httplib.ca_file = cert.pem_path();
    auto r = httplib(request);
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    CHECK(r->status == 200);
  }
  SUBCASE("Asio") {
    boost::asio::ssl::context tls(boost::asio::ssl::context::tls_client);
    tls.load_verify_file(cert.pem_path());
    tls.set_verify_mode(boost::asio::ssl::verify_peer);
    auto r = clerk_test::asio_send(request, &tls);
    REQUIRE_MESSAGE(r.has_value(), r.error().message);
    CHECK(r->status == 200);
  }
  CHECK(server.fake().request_count() == 1);
}

TEST_CASE("an untrusted certificate fails the handshake, and the request is known not sent") {
  clerk_test::test_certificate cert;
  REQUIRE(cert.valid());
  clerk_test::fake_clerk_server server(fake_with_user(), cert.https_server());
  auto request = *clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"},
                                       https_config(server.base_url()));

  SUBCASE("curl, with the system's CA store") {
    auto r = clerk::curl_transport{}(request);
    REQUIRE(r.has_error());
    CHECK(r.error().code.value() == CURLE_PEER_FAILED_VERIFICATION);
    CHECK(r.error().request_not_sent);
  }
  SUBCASE("cpp-httplib, with the system's CA store") {
    auto r = clerk_examples::httplib_transport{}(request);
    REQUIRE(r.has_error());
    CHECK(r.error().request_not_sent);
  }
  SUBCASE("Asio, with the system's CA store") {
    auto tls = clerk::make_tls_context();
    auto r = clerk_test::asio_send(request, &tls);
    REQUIRE(r.has_error());
    CHECK(r.error().message.starts_with("TLS handshake"));
    CHECK(r.error().request_not_sent);
  }
  CHECK(server.fake().request_count() == 0);
}

TEST_CASE("Asio verifies the peer whatever the caller's context says: a context only adds trust") {
  // The caller's context loads a CA and sets no verify mode (OpenSSL's
  // default then accepts any certificate).
  clerk_test::test_certificate ca;
  clerk_test::test_certificate impostor;  // self-signed, not `ca`
  REQUIRE(ca.valid());
  REQUIRE(impostor.valid());
  boost::asio::ssl::context trusts_ca(boost::asio::ssl::context::tls_client);
  trusts_ca.load_verify_file(ca.pem_path());

  clerk_test::fake_clerk_server evil(fake_with_user(), impostor.https_server());
  auto to_evil = *clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"},
                                       https_config(evil.base_url()));
  auto refused = clerk_test::asio_send(to_evil, &trusts_ca);
  REQUIRE(refused.has_error());
  CHECK(refused.error().message.starts_with("TLS handshake"));
  CHECK(refused.error().request_not_sent);
  CHECK(evil.fake().request_count() == 0);  // the secret key never went out

  clerk_test::fake_clerk_server good(fake_with_user(), ca.https_server());
  auto to_good = *clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"},
                                       https_config(good.base_url()));
  auto trusted = clerk_test::asio_send(to_good, &trusts_ca);
  REQUIRE_MESSAGE(trusted.has_value(), trusted.error().message);
  CHECK(trusted->status == 200);
}
