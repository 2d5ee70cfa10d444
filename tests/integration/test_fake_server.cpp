// The fake Clerk served over HTTP (examples/fake_clerk_http.hpp, and the
// fake_clerk_server program): what reaches the fake, and the command line.
#include "process.hpp"
#include "servers.hpp"

#include <clerk/actor_tokens.hpp>
#include <clerk/client.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/transport/curl.hpp>

#include <doctest/doctest.h>

#include <httplib.h>

#include <chrono>
#include <string>

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
      .expires_in = std::chrono::seconds(600)});
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
  REQUIRE(again.has_error());
  const clerk::api_error* a = again.error().as_api();
  REQUIRE(a != nullptr);
  CHECK(a->status == 400);
  CHECK(a->errors.at(0).code == "actor_token_cannot_be_revoked");
  CHECK(a->clerk_trace_id.size() == 32);  // the fake's, carried over HTTP
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
