// Every transport over HTTPS to the fake Clerk on 127.0.0.1, with a
// certificate made for the test: trusted when the transport is told to trust
// it, refused (before the request is written) when it is not.
#include <clerk/backend.hpp>

#include "servers.hpp"
#include "transports.hpp"

#include <clerk/fakes/fake_clerk.hpp>

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace {

constexpr const char* key = "sk_test_integration0https0key";

// A self-signed certificate for 127.0.0.1, valid for an hour, and its key,
// written to a PEM file a client can be told to trust.
class test_certificate {
 public:
  test_certificate() {
    key_.reset(EVP_EC_gen("P-256"));
    REQUIRE(key_);
    cert_.reset(X509_new());
    X509* x = cert_.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key_.get());
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    X509_EXTENSION* san =
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    REQUIRE(san != nullptr);
    X509_add_ext(x, san, -1);
    X509_EXTENSION_free(san);
    REQUIRE(X509_sign(x, key_.get(), EVP_sha256()) > 0);

    pem_path_ = std::filesystem::temp_directory_path() /
                ("clerk-test-cert-" + std::to_string(::getpid()) + ".pem");
    std::FILE* f = std::fopen(pem_path_.c_str(), "w");
    REQUIRE(f != nullptr);
    PEM_write_X509(f, x);
    std::fclose(f);
  }
  ~test_certificate() { std::filesystem::remove(pem_path_); }

  std::string pem_path() const { return pem_path_.string(); }

  // An https server with this certificate (cpp-httplib takes its own
  // references to both).
  std::unique_ptr<httplib::Server> https_server() const {
    return std::make_unique<httplib::SSLServer>(cert_.get(), key_.get());
  }

 private:
  struct key_free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  };
  struct cert_free {
    void operator()(X509* c) const { X509_free(c); }
  };
  std::unique_ptr<EVP_PKEY, key_free> key_;
  std::unique_ptr<X509, cert_free> cert_;
  std::filesystem::path pem_path_;
};

clerk::fakes::fake_clerk fake_with_user() {
  clerk::fakes::fake_clerk fake({.secret_key = key});
  fake.add_user("user_1");
  return fake;
}

clerk::config config_at(std::string url) {
  auto c = clerk::config::make({.secret_key = key, .base_url = std::move(url)});
  REQUIRE(c.has_value());
  return *c;
}

}  // namespace

TEST_CASE("https works when the transport trusts the server's certificate") {
  test_certificate cert;
  clerk_test::fake_clerk_server server(fake_with_user(), cert.https_server());
  REQUIRE(server.base_url().starts_with("https://127.0.0.1:"));
  auto request = *clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"},
                                       config_at(server.base_url()));

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
  test_certificate cert;
  clerk_test::fake_clerk_server server(fake_with_user(), cert.https_server());
  auto request = *clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"},
                                       config_at(server.base_url()));

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
