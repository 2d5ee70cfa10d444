// Every transport (the shipped adapters and the cpp-httplib example) against the fake Clerk and a
// misbehaving server, all on 127.0.0.1.
#include <clerk/backend.hpp>

#include "servers.hpp"
#include "transports.hpp"

#include <clerk/fakes/fake_clerk.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace std::chrono_literals;
using clerk::curl_transport;
using clerk_examples::httplib_transport;
using clerk_test::asio_blocking;

namespace {

constexpr const char* key = "sk_test_integration0transport0key";

clerk::config config_at(std::string base_url, std::chrono::milliseconds timeout = 10s) {
  auto c =
      clerk::config::make({.secret_key = key, .base_url = std::move(base_url), .timeout = timeout});
  REQUIRE(c.has_value());
  return *c;
}

clerk::fakes::fake_clerk fake_with_users() {
  clerk::fakes::fake_clerk fake({.secret_key = key});
  fake.add_user("user_1");
  fake.add_organization("org_1", {"user_1"});
  return fake;
}

}  // namespace

TEST_CASE_TEMPLATE("a token is created, used and revoked through the fake Clerk over loopback", T,
                   curl_transport, httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  clerk_test::fake_clerk_server server(fake_with_users());
  const clerk::client client(config_at(server.base_url()), T{});

  auto a = client.send(clerk::create_sign_in_token{
      .user_id = "user_1", .org_id = "org_1", .expires_in_seconds = 600s});
  REQUIRE_MESSAGE(a.has_value(), a.error().message());
  CHECK(a->status == clerk::sign_in_token_status::pending);
  CHECK(server.fake().consume_ticket(a->token->reveal()));

  auto b = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE_MESSAGE(b.has_value(), b.error().message());
  auto revoked = client.send(clerk::revoke_sign_in_token{b->id});
  REQUIRE_MESSAGE(revoked.has_value(), revoked.error().message());
  CHECK(revoked->status == clerk::sign_in_token_status::revoked);
  CHECK_FALSE(revoked->token.has_value());
  CHECK(server.fake().request_count() == 3);
}

TEST_CASE_TEMPLATE("Clerk's refusals come back as api errors with status, code and trace id", T,
                   curl_transport, httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  clerk_test::fake_clerk_server server(fake_with_users());
  const clerk::client client(config_at(server.base_url()), T{});

  auto unknown = client.send(clerk::create_sign_in_token{.user_id = "user_nobody"});
  REQUIRE(unknown.has_error());
  REQUIRE(unknown.error().as_api() != nullptr);
  CHECK(unknown.error().http_status() == 404);
  CHECK(unknown.error().as_api()->errors.at(0).code == "resource_not_found");
  CHECK(unknown.error().clerk_trace_id().size() == 32);

  auto awkward = client.send(clerk::revoke_sign_in_token{"sit_ a/b%c?d#é"});
  REQUIRE(awkward.has_error());
  CHECK(awkward.error().http_status() == 404);

  const clerk::client wrong_key(
      *clerk::config::make({.secret_key = "sk_test_wrong", .base_url = server.base_url()}), T{});
  auto denied = wrong_key.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(denied.has_error());
  CHECK(denied.error().http_status() == 401);
}

TEST_CASE_TEMPLATE("every header of the description and the body reach the server as built", T,
                   curl_transport, httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  clerk_test::misbehaving_server server;
  auto cfg = config_at(server.base_url("echo"));
  T transport{};

  auto create = clerk::build_request(
      clerk::create_sign_in_token{.user_id = "user_\"é\"", .expires_in_seconds = 60s}, cfg);
  REQUIRE(create.has_value());
  create->headers.add("Prefer", "code=404");  // what the conformance test relies on
  REQUIRE(transport(*create).has_value());

  auto revoke = clerk::build_request(clerk::revoke_sign_in_token{"sit_ a/b%c?d#é"}, cfg);
  REQUIRE(revoke.has_value());
  REQUIRE(transport(*revoke).has_value());

  auto seen = server.seen();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].target == "/echo/v1/sign_in_tokens");
  CHECK(seen[0].body == create->body);
  for (const auto& h : create->headers) {
    CAPTURE(h.name);
    CHECK(seen[0].headers.find(h.name) == h.value);
  }
  CHECK(seen[1].target == "/echo/v1/sign_in_tokens/sit_%20a%2Fb%25c%3Fd%23%C3%A9/revoke");
  CHECK(seen[1].body.empty());
  CHECK(seen[1].headers.find("content-length").value_or("0") == "0");
  for (const auto& h : revoke->headers) {
    CAPTURE(h.name);
    CHECK(seen[1].headers.find(h.name) == h.value);
  }
}

TEST_CASE_TEMPLATE("a redirect is handed back, not followed", T, curl_transport, httplib_transport,
                   asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  clerk_test::misbehaving_server server;
  const clerk::client client(config_at(server.base_url("redirect")), T{});
  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_error());
  REQUIRE(t.error().as_unexpected_response() != nullptr);
  CHECK(t.error().http_status() == 302);
  CHECK(server.seen().size() == 1);  // the secret key went nowhere else
}

TEST_CASE_TEMPLATE("a broken server's answers are parsed into the right errors", T, curl_transport,
                   httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  clerk_test::misbehaving_server server;
  auto send = [&](const char* behaviour) {
    const clerk::client client(config_at(server.base_url(behaviour)), T{});
    return client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  };

  auto html = send("html500");
  REQUIRE(html.has_error());
  REQUIRE(html.error().as_unexpected_response() != nullptr);
  CHECK(html.error().http_status() == 500);
  CHECK(html.error().as_unexpected_response()->content_type.starts_with("text/html"));

  auto limited = send("ratelimit");
  REQUIRE(limited.has_error());
  REQUIRE(limited.error().as_api() != nullptr);
  CHECK(limited.error().http_status() == 429);
  REQUIRE(limited.error().retry_after().has_value());
  CHECK(limited.error().retry_after()->delay({}) == 7s);
  CHECK(limited.error().clerk_trace_id() == "trace_429_limit");

  auto malformed = send("malformed");
  REQUIRE(malformed.has_error());
  REQUIRE(malformed.error().as_unexpected_response() != nullptr);
  CHECK(malformed.error().http_status() == 200);
}

TEST_CASE_TEMPLATE("a refused connection is a transport error, known not sent", T, curl_transport,
                   httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  const clerk_test::closed_port closed;
  const clerk::client client(config_at(closed.base_url()), T{});
  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_error());
  REQUIRE(t.error().as_transport() != nullptr);
  CHECK(t.error().as_transport()->request_not_sent);
  CHECK(t.error().as_transport()->code);
  CHECK_FALSE(t.error().as_transport()->message.empty());
}

TEST_CASE_TEMPLATE("a server that never answers ends in a transport error at the timeout", T,
                   curl_transport, httplib_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  clerk_test::misbehaving_server server;
  const clerk::client client(config_at(server.base_url("hang"), 300ms), T{});
  auto t = client.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(t.has_error());
  REQUIRE(t.error().as_transport() != nullptr);
  // The request was written: a retry could create a second token.
  CHECK_FALSE(t.error().as_transport()->request_not_sent);
}

TEST_CASE("curl failures keep curl's own code and message") {
  clerk_test::misbehaving_server server;
  curl_transport curl;

  const clerk_test::closed_port closed;
  auto refused = clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"},
                                      config_at(closed.base_url()));
  auto r = curl(*refused);
  REQUIRE(r.has_error());
  CHECK(r.error().code.category().name() == std::string("curl"));
  CHECK(r.error().code.value() == CURLE_COULDNT_CONNECT);
  CHECK(r.error().request_not_sent);

  auto hang = clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"},
                                   config_at(server.base_url("hang"), 200ms));
  auto h = curl(*hang);
  REQUIRE(h.has_error());
  CHECK(h.error().code.value() == CURLE_OPERATION_TIMEDOUT);
  CHECK(h.error().message.find("imed out") != std::string::npos);
  CHECK_FALSE(h.error().request_not_sent);

  // https:// to a plain HTTP server: the TLS handshake fails before the
  // request (and its secret key) is written.
  std::string tls_url = server.base_url("echo");
  tls_url.replace(0, 4, "https");
  auto tls =
      clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"}, config_at(tls_url));
  auto s = curl(*tls);
  REQUIRE(s.has_error());
  CHECK(s.error().code.value() == CURLE_SSL_CONNECT_ERROR);
  CHECK(s.error().request_not_sent);
}

TEST_CASE("curl reads a body one byte past the request's limit, and hands it back") {
  clerk_test::misbehaving_server server;
  auto request = *clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"},
                                       config_at(server.base_url("big")));
  request.max_body_bytes = 16;
  auto r = curl_transport{}(request);
  REQUIRE_MESSAGE(r.has_value(), r.error().message);
  CHECK(r->status == 200);
  CHECK(r->body.size() == 17);
}

TEST_CASE("the Asio adapter's client builds, sends with co_await and parses") {
  clerk_test::fake_clerk_server server(fake_with_users());
  boost::asio::io_context io;
  std::optional<clerk::result<clerk::sign_in_token>> out;
  clerk::asio_client client(config_at(server.base_url()),
                            clerk::asio_transport(io.get_executor(), nullptr));
  clerk::create_sign_in_token op{.user_id = "user_1"};
  // No temporaries inside co_await: g++ 12 destroys them twice.
  auto run = [&]() -> boost::asio::awaitable<void> {
    auto r = co_await client.send(op);
    out.emplace(std::move(r));
  };
  boost::asio::co_spawn(io, run, boost::asio::detached);
  io.run();
  REQUIRE(out.has_value());
  REQUIRE_MESSAGE(out->has_value(), out->error().message());
  CHECK((*out)->status == clerk::sign_in_token_status::pending);

  // Invalid input never leaves the process.
  out.reset();
  op.user_id.clear();
  boost::asio::co_spawn(io, run, boost::asio::detached);
  io.restart();
  io.run();
  REQUIRE(out.has_value());
  REQUIRE(out->has_error());
  CHECK(out->error().kind() == clerk::error_kind::invalid_request);
  CHECK(server.fake().request_count() == 1);
}

TEST_CASE_TEMPLATE("an endless stream of headers is cut: a transport error, nothing kept unbounded",
                   T, curl_transport, asio_blocking) {
  CAPTURE(clerk_test::transport_name<T>());
  clerk_test::header_flood_server server;
  auto request = *clerk::build_request(clerk::create_sign_in_token{.user_id = "user_1"},
                                       config_at(server.base_url(), 20s));
  auto r = T{}(request);
  REQUIRE(r.has_error());
  INFO(r.error().message);
  CHECK_FALSE(r.error().request_not_sent);
  // The transport stopped reading and closed the connection long before the
  // server's 256 MiB: what it kept is bounded (the rest is socket buffers).
  CHECK(server.sent() < clerk_test::header_flood_server::cap / 8);
}
