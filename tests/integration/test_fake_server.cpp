// The fake Clerk served over HTTP (examples/fake_clerk_http.hpp, and the
// fake_clerk_server program): what reaches the fake, the program run as a
// server, and its command line.
#include "process.hpp"
#include "servers.hpp"

#include <clerk/backend/actor_tokens.hpp>
#include <clerk/client.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/transport/curl.hpp>

#include <doctest/doctest.h>

#include <httplib.h>

#include <chrono>
#include <string>

namespace {

// A second revoke of one actor token: Clerk's 400 with its code. Returns the
// error's details (nullptr when it is not an api_error).
const clerk::api_error* not_revocable(const clerk::result<clerk::actor_token>& again) {
  CHECK(again.has_error());
  const clerk::api_error* a = again.has_error() ? again.error().as_api() : nullptr;
  CHECK(a != nullptr);
  if (a != nullptr) {
    CHECK(a->status == 400);
    CHECK((!a->errors.empty() && a->errors[0].code == "actor_token_cannot_be_revoked"));
  }
  return a;
}

}  // namespace

TEST_CASE("a method the fake does not serve is answered 405, never passed on as GET") {
  clerk::fakes::fake_clerk fake;
  clerk_test::fake_clerk_server server(fake);
  httplib::Client client(server.origin());
  auto head = client.Head("/v1/sign_in_tokens");
  REQUIRE(head);
  CHECK(head->status == 405);
  CHECK(head->get_header_value("Allow") == "GET, POST, PUT, PATCH, DELETE");
  auto options = client.Options("/v1/sign_in_tokens");
  REQUIRE(options);
  CHECK(options->status == 405);
  CHECK(fake.request_count() == 0);
}

TEST_CASE("an actor token is created and revoked over loopback HTTP; a second revoke is a 400") {
  clerk::fakes::fake_clerk fake;
  fake.add_user("user_1");
  clerk_test::fake_clerk_server server(fake);
  auto cfg = clerk::config::make({.secret_key = fake.secret_key(), .base_url = server.base_url()});
  REQUIRE(cfg.has_value());
  const clerk::client client(*cfg, clerk::curl_transport{});
  auto t = client.send(clerk::create_actor_token{
      .user_id = "user_1",
      .actor = {.sub = "user_support", .other_claims = clerk::raw_json(R"({"reason":"ticket 7"})")},
      .expires_in_seconds = std::chrono::seconds(600)});
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
  CHECK(t->id.starts_with("act_"));
  CHECK(t->status == clerk::actor_token_status::pending);
  CHECK(t->actor.sub == "user_support");
  CHECK(t->actor.other_claims.text() == R"({"reason":"ticket 7"})");
  REQUIRE(t->token.has_value());

  auto revoked = client.send(clerk::revoke_actor_token{t->id});
  REQUIRE_MESSAGE(revoked.has_value(), (revoked ? "" : revoked.error().message()));
  CHECK(revoked->id == t->id);
  CHECK(revoked->status == clerk::actor_token_status::revoked);
  CHECK_FALSE(revoked->token.has_value());

  auto again = client.send(clerk::revoke_actor_token{t->id});
  const clerk::api_error* a = not_revocable(again);
  CHECK((a != nullptr && a->clerk_trace_id.size() == 32));  // the fake's, carried over HTTP
  CHECK(fake.request_count() == 3);
}

TEST_CASE("fake_clerk_server refuses a --port beyond 65535, however many digits") {
  for (const char* port : {"65536", "18446744073709559696", "99999999999999999999999"}) {
    CAPTURE(port);
    auto r = clerk_test::run_process(CLERK_FAKE_SERVER_PATH, {"--port", port},
                                     {"PATH=/usr/bin:/bin"}, std::chrono::seconds(10));
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--port wants a number from 0 to 65535") != std::string::npos);
  }
}

TEST_CASE("the fake_clerk_server program serves an actor token's create and revokes on 127.0.0.1") {
  const std::string key = "sk_test_fake0server0program0key0";
  clerk_test::background_process server(CLERK_FAKE_SERVER_PATH, {"--port", "0", "--user", "user_1"},
                                        {"PATH=/usr/bin:/bin", "CLERK_SECRET_KEY=" + key});
  const std::string line = server.first_line(std::chrono::seconds(10));
  const std::string listening = "listening on ";
  REQUIRE(line.starts_with(listening + "http://127.0.0.1:"));
  REQUIRE(line.ends_with("/v1"));
  auto cfg = clerk::config::make({.secret_key = key, .base_url = line.substr(listening.size())});
  REQUIRE_MESSAGE(cfg.has_value(), (cfg ? "" : cfg.error().message()));
  std::string id;
  {  // the client, and with it its open connection, ends before the server
    const clerk::client client(*cfg, clerk::curl_transport{});
    auto t = client.send(
        clerk::create_actor_token{.user_id = "user_1", .actor = {.sub = "user_support"}});
    REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
    id = t->id;
    CHECK(t->status == clerk::actor_token_status::pending);
    CHECK(t->user_id == "user_1");
    auto revoked = client.send(clerk::revoke_actor_token{t->id});
    REQUIRE_MESSAGE(revoked.has_value(), (revoked ? "" : revoked.error().message()));
    CHECK(revoked->status == clerk::actor_token_status::revoked);
    auto again = client.send(clerk::revoke_actor_token{t->id});
    not_revocable(again);
  }

  // SIGTERM stops it cleanly; it logged each request on stderr.
  auto stopped = server.stop();
  CHECK(stopped.exit_code == 0);
  const std::string revoke = "POST /v1/actor_tokens/" + id + "/revoke -> ";
  CHECK(stopped.err.find("POST /v1/actor_tokens -> 200\n") != std::string::npos);
  CHECK(stopped.err.find(revoke + "200\n") != std::string::npos);
  CHECK(stopped.err.find(revoke + "400\n") != std::string::npos);
}
