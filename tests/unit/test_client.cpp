#include <clerk/client.hpp>

#include "support.hpp"

#include <clerk/backend/sign_in_tokens.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

using clerk_test::json_response;
using clerk_test::make_config;

namespace {

// Records what it was asked to send and answers with a canned response.
struct recording_transport {
  std::vector<clerk::http_request> sent;
  clerk::transport_result answer;

  clerk::transport_result operator()(const clerk::http_request& r) {
    sent.push_back(r);
    return answer;
  }
};

}  // namespace

static_assert(clerk::transport<std::reference_wrapper<recording_transport>>);
static_assert(!clerk::transport<recording_transport>, "a non-const callable needs std::ref");
static_assert(!clerk::transport<int>);
static_assert(clerk::operation<clerk::create_sign_in_token>);
static_assert(clerk::operation<clerk::revoke_sign_in_token>);

TEST_CASE("create is one call: the built request goes out and the answer comes back parsed") {
  recording_transport t{{}, json_response(200, clerk_test::sample_token_json())};
  const clerk::client client(make_config(), std::ref(t));
  auto token = client.send(clerk::create_sign_in_token{.user_id = "user_2xyz"});
  REQUIRE(token.has_value());
  CHECK(token->id == "sit_2abcDEF");
  REQUIRE(t.sent.size() == 1);
  CHECK(t.sent[0] == *clerk::build_request(clerk::create_sign_in_token{.user_id = "user_2xyz"},
                                           client.config()));
}

TEST_CASE("revoke is one call through a plain lambda") {
  auto transport = [](const clerk::http_request& r) -> clerk::transport_result {
    CHECK(r.url == "https://api.clerk.com/v1/sign_in_tokens/sit_%2F1/revoke");
    return json_response(200, clerk_test::sample_token_json("revoked"));
  };
  clerk::client client(make_config(), transport);
  auto token = client.send(clerk::revoke_sign_in_token{"sit_/1"});
  REQUIRE(token.has_value());
  CHECK(token->status == clerk::sign_in_token_status::revoked);
}

TEST_CASE("invalid input is refused and nothing reaches the transport") {
  recording_transport t{{}, json_response(200, clerk_test::sample_token_json())};
  clerk::client client(make_config(), std::ref(t));
  auto r = client.send(clerk::create_sign_in_token{.user_id = ""});
  REQUIRE(r.has_error());
  CHECK(r.error().kind() == clerk::error_kind::invalid_request);
  CHECK(t.sent.empty());
  CHECK(client.send(clerk::revoke_sign_in_token{".."}).has_error());
  CHECK(t.sent.empty());
}

TEST_CASE("a transport failure keeps the transport's own error") {
  recording_transport t{{},
                        clerk::transport_error{std::make_error_code(std::errc::timed_out),
                                               "Operation timed out after 30000 ms", false}};
  clerk::client client(make_config(), std::ref(t));
  auto r = client.send(clerk::revoke_sign_in_token{"sit_1"});
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_transport() != nullptr);
  CHECK(r.error().as_transport()->code == std::errc::timed_out);
  CHECK(r.error().as_transport()->message == "Operation timed out after 30000 ms");
  CHECK(r.error().http_status() == 0);
}

TEST_CASE("an error status is data for the parser, not a transport failure") {
  recording_transport t{
      {},
      json_response(
          404,
          R"({"errors":[{"code":"resource_not_found","message":"not found","long_message":"nf"}]})")};
  clerk::client client(make_config(), std::ref(t));
  auto r = client.send(clerk::revoke_sign_in_token{"sit_missing"});
  REQUIRE(r.has_error());
  CHECK(r.error().kind() == clerk::error_kind::api);
  CHECK(r.error().http_status() == 404);
}

TEST_CASE("the client applies the configured response limits") {
  clerk::options o;
  o.secret_key = clerk_test::test_key;
  o.limits.max_body_bytes = 10;
  auto cfg = clerk::config::make(o);
  REQUIRE(cfg.has_value());
  recording_transport t{{}, json_response(200, clerk_test::sample_token_json())};
  clerk::client client(*cfg, std::ref(t));
  auto r = client.send(clerk::create_sign_in_token{.user_id = "u"});
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_unexpected_response() != nullptr);
  CHECK(r.error().as_unexpected_response()->problem.ends_with("exceeds the limit of 10 bytes"));
}

TEST_CASE("without a policy, the configured timeout reaches the transport uncut, above 60 s too") {
  auto cfg =
      clerk::config::make({.secret_key = clerk_test::test_key, .timeout = std::chrono::minutes(5)});
  REQUIRE(cfg.has_value());
  recording_transport t{{}, json_response(200, clerk_test::sample_token_json())};
  const clerk::client client(*cfg, std::ref(t));
  REQUIRE(client.send(clerk::create_sign_in_token{.user_id = "user_2xyz"}).has_value());
  REQUIRE(t.sent.size() == 1);
  CHECK(t.sent[0].timeout == std::chrono::minutes(5));
}
