#include <clerk/backend/sign_in_tokens.hpp>

#include "built.hpp"
#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

using namespace std::chrono_literals;
using clerk_test::build_ok;
using clerk_test::build_refused;
using clerk_test::make_config;

TEST_CASE("create builds exactly the request Clerk's SDKs send") {
  auto r = build_ok(clerk::create_sign_in_token{
      .user_id = "user_2xyz", .org_id = "org_2abc", .expires_in_seconds = 3600s});
  clerk::http_request golden;
  golden.method = clerk::http_method::post;
  golden.url = "https://api.clerk.com/v1/sign_in_tokens";
  golden.headers = clerk_test::golden_headers(true);
  golden.body = R"({"user_id":"user_2xyz","org_id":"org_2abc","expires_in_seconds":3600})";
  golden.timeout = 30s;
  golden.follow_redirects = false;
  golden.replayable = false;  // a second send may leave a second live token
  CHECK(r == golden);
}

TEST_CASE("create omits unset optional fields from the body") {
  auto r = build_ok(clerk::create_sign_in_token{.user_id = "user_2xyz"});
  CHECK(r.body == R"({"user_id":"user_2xyz"})");
  auto with_org = build_ok(clerk::create_sign_in_token{.user_id = "u", .org_id = "org_1"});
  CHECK(with_org.body == R"({"user_id":"u","org_id":"org_1"})");
  auto with_expiry =
      build_ok(clerk::create_sign_in_token{.user_id = "u", .expires_in_seconds = 1s});
  CHECK(with_expiry.body == R"({"user_id":"u","expires_in_seconds":1})");
}

TEST_CASE("revoke builds a bodiless POST to the token's revoke path") {
  auto r = build_ok(clerk::revoke_sign_in_token{"sit_2abcDEF"});
  clerk::http_request golden;
  golden.method = clerk::http_method::post;
  golden.url = "https://api.clerk.com/v1/sign_in_tokens/sit_2abcDEF/revoke";
  golden.headers = clerk_test::golden_headers(false);
  golden.replayable = true;  // revoking twice revokes once
  CHECK(r == golden);
  CHECK(r.body.empty());
  CHECK_FALSE(r.headers.find("Content-Type").has_value());
}

TEST_CASE("requests carry the configured base URL, version, user agent and timeout") {
  clerk::options o;
  o.secret_key = "sk_live_abc";
  o.base_url = "http://127.0.0.1:4010/v1/";
  o.api_version = "2025-11-10";
  o.user_agent = "my-app/2.0";
  o.timeout = 1500ms;
  auto cfg = clerk::config::make(o);
  REQUIRE(cfg.has_value());
  auto r = build_ok(clerk::revoke_sign_in_token{"sit_1"}, *cfg);
  CHECK(r.url == "http://127.0.0.1:4010/v1/sign_in_tokens/sit_1/revoke");
  CHECK(r.headers.find("authorization") == "Bearer sk_live_abc");
  CHECK(r.headers.find("clerk-api-version") == "2025-11-10");
  CHECK(r.headers.find("user-agent") == "my-app/2.0");
  CHECK(r.timeout == 1500ms);
}

TEST_CASE("create escapes JSON so the body re-parses to exactly the given values") {
  std::string tricky = "us\"er\\/\xc3\xa9\xf0\x9f\x98\x80 end";
  auto r = build_ok(clerk::create_sign_in_token{.user_id = tricky, .org_id = "o\"rg"});
  boost::system::error_code ec;
  auto v = boost::json::parse(r.body, ec);
  REQUIRE_FALSE(ec);
  CHECK(v.at("user_id").as_string() == tricky);
  CHECK(v.at("org_id").as_string() == "o\"rg");
  CHECK(v.as_object().size() == 2);
}

TEST_CASE("expires_in reaches the wire as a JSON integer up to the largest 64-bit value") {
  constexpr auto big = std::numeric_limits<std::int64_t>::max();
  auto r = build_ok(
      clerk::create_sign_in_token{.user_id = "u", .expires_in_seconds = std::chrono::seconds(big)});
  CHECK(r.body == R"({"user_id":"u","expires_in_seconds":9223372036854775807})");
  auto v = boost::json::parse(r.body);
  CHECK(v.at("expires_in_seconds").as_int64() == big);
}

TEST_CASE("the token id is percent-encoded as exactly one path segment") {
  auto url = [](std::string id) {
    return build_ok(clerk::revoke_sign_in_token{std::move(id)}).url;
  };
  const std::string base = "https://api.clerk.com/v1/sign_in_tokens/";
  CHECK(url("a/b") == base + "a%2Fb/revoke");
  CHECK(url("a?b=c") == base + "a%3Fb%3Dc/revoke");
  CHECK(url("a#frag") == base + "a%23frag/revoke");
  CHECK(url("100%") == base + "100%25/revoke");
  CHECK(url("a b") == base + "a%20b/revoke");
  CHECK(url("\xc3\xa9t\xc3\xa9") == base + "%C3%A9t%C3%A9/revoke");
  CHECK(url("../users") == base + "..%2Fusers/revoke");
  CHECK(url("...") == base + ".../revoke");
  CHECK(url("a-b.c_d~e") == base + "a-b.c_d~e/revoke");
}

TEST_CASE("user_id is required, non-empty, valid UTF-8 and free of control characters") {
  auto e = build_refused(clerk::create_sign_in_token{});
  CHECK(e.field == "user_id");
  CHECK(e.reason == "must not be empty");
  CHECK(build_refused(clerk::create_sign_in_token{.user_id = "u\r\nX-Evil: 1"}).reason ==
        "must not contain control characters");
  CHECK(build_refused(clerk::create_sign_in_token{.user_id = std::string("u\0v", 3)}).field ==
        "user_id");
  CHECK(build_refused(clerk::create_sign_in_token{.user_id = "\xff\xfe"}).reason ==
        "must be valid UTF-8");
  CHECK(build_refused(clerk::create_sign_in_token{.user_id = "\xc0\xaf"}).reason ==
        "must be valid UTF-8");
}

TEST_CASE("org_id, when set, must be a usable id") {
  CHECK(build_refused(clerk::create_sign_in_token{.user_id = "u", .org_id = ""}).field == "org_id");
  CHECK(build_refused(clerk::create_sign_in_token{.user_id = "u", .org_id = "o\n"}).field ==
        "org_id");
  CHECK(
      build_refused(clerk::create_sign_in_token{.user_id = "u", .org_id = "\xed\xa0\x80"}).field ==
      "org_id");
}

TEST_CASE("expires_in must be at least one second") {
  for (auto s : {0s, -1s, std::chrono::seconds(std::numeric_limits<std::int64_t>::min())}) {
    auto e = build_refused(clerk::create_sign_in_token{.user_id = "u", .expires_in_seconds = s});
    CHECK(e.field == "expires_in_seconds");
    CHECK(e.reason == "must be at least 1 second");
  }
}

TEST_CASE("the token id is required and cannot escape its path segment") {
  CHECK(build_refused(clerk::revoke_sign_in_token{""}).field == "sign_in_token_id");
  CHECK(build_refused(clerk::revoke_sign_in_token{"."}).reason == "must not be \".\" or \"..\"");
  CHECK(build_refused(clerk::revoke_sign_in_token{".."}).field == "sign_in_token_id");
  CHECK(build_refused(clerk::revoke_sign_in_token{"sit_1\r\n"}).reason ==
        "must not contain control characters");
  CHECK(build_refused(clerk::revoke_sign_in_token{"sit_\x80"}).reason == "must be valid UTF-8");
}

TEST_CASE("operations say whether a blind retry is safe, and their requests carry it") {
  CHECK_FALSE(clerk::detail::operation_info_of<clerk::create_sign_in_token>.idempotent);
  CHECK(clerk::detail::operation_info_of<clerk::revoke_sign_in_token>.idempotent);
  auto create = clerk::build_request(clerk::create_sign_in_token{"user_1"}, make_config());
  auto revoke = clerk::build_request(clerk::revoke_sign_in_token{"sit_1"}, make_config());
  REQUIRE(create.has_value());
  REQUIRE(revoke.has_value());
  CHECK_FALSE(create->replayable);
  CHECK(revoke->replayable);
}
