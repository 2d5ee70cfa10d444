#include <clerk/http.hpp>

#include "support.hpp"

#include <chrono>
#include <cstddef>
#include <string>

TEST_CASE("header lookup ignores case and returns the first of repeated names") {
  clerk::header_list h;
  h.add("Set-Cookie", "a=1");
  h.add("Content-Type", "application/json");
  h.add("set-cookie", "b=2");
  CHECK(h.find("content-type") == "application/json");
  CHECK(h.find("SET-COOKIE") == "a=1");
  CHECK_FALSE(h.find("Content-Length").has_value());
  REQUIRE(h.size() == 3);
  CHECK(h[2].name == "set-cookie");
  CHECK(h[2].value == "b=2");
}

TEST_CASE("requests and responses compare by value, header order included") {
  clerk::http_request a{.method = clerk::http_method::post,
                        .url = "https://x/y",
                        .headers = {{"A", "1"}, {"B", "2"}}};
  clerk::http_request b = a;
  CHECK(a == b);
  b.headers = {{"B", "2"}, {"A", "1"}};
  CHECK(a != b);
  b = a;
  b.follow_redirects = true;
  CHECK(a != b);
  clerk::http_response r1{200, {{"A", "1"}}, "{}"};
  CHECK(r1 == clerk::http_response{200, {{"A", "1"}}, "{}"});
  CHECK(r1 != clerk::http_response{201, {{"A", "1"}}, "{}"});
}

TEST_CASE("a request written by hand neither follows redirects nor may be replayed") {
  // What a user's own request gets: the safe value of each hint, whatever
  // else is set.
  const clerk::http_request plain{};
  const clerk::http_request written{.method = clerk::http_method::post,
                                    .url = "https://api.clerk.com/v1/sign_in_tokens",
                                    .headers = {{"Authorization", "Bearer sk_test_abc"}},
                                    .body = "{}"};
  for (const auto* r : {&plain, &written}) {
    CHECK_FALSE(r->follow_redirects);
    CHECK_FALSE(r->replayable);
  }
  CHECK(written.timeout == std::chrono::seconds(30));
  CHECK(written.max_body_bytes == (std::size_t{1} << 20));
}

TEST_CASE("methods print as their HTTP names") {
  CHECK(clerk::to_string(clerk::http_method::post) == "POST");
  CHECK(clerk::to_string(clerk::http_method::delete_) == "DELETE");
}

TEST_CASE("a printed request redacts the credential and any token") {
  clerk::http_request r{
      .method = clerk::http_method::post,
      .url = "https://api.clerk.com/v1/sign_in_tokens",
      .headers = {{"Authorization", "Bearer sk_test_Secret999"}, {"Accept", "application/json"}},
      .body = R"({"user_id":"user_1"})"};
  auto s = clerk_test::printed(r);
  CHECK(s ==
        "POST https://api.clerk.com/v1/sign_in_tokens\nAuthorization: Bearer sk_test_[redacted]\n"
        "Accept: application/json\n\n{\"user_id\":\"user_1\"}");
}

TEST_CASE("a printed response redacts tokens and tickets in its body and cookies") {
  clerk::http_response r{
      200, {{"Set-Cookie", "__session=CookieValue42"}}, clerk_test::sample_token_json()};
  auto s = clerk_test::printed(r);
  CHECK(s.find(clerk_test::sample_jwt) == std::string::npos);
  CHECK(s.find("CookieValue42") == std::string::npos);
  CHECK(s.find("\"token\":\"[redacted]\"") != std::string::npos);
  CHECK(s.find("sit_2abcDEF") != std::string::npos);
}

TEST_CASE("headers print by an allow-list: any other value is redacted") {
  clerk::http_response r{503,
                         {{"Content-Type", "application/json"},
                          {"Retry-After", "30"},
                          {"X-Api-Key", "opaque-credential-123"},
                          {"X-Request-Id", "req-42"},
                          {"Location", "https://a.example/next?ticket=TICKET1"}},
                         ""};
  CHECK(clerk_test::printed(r) ==
        "HTTP 503\nContent-Type: application/json\nRetry-After: 30\nX-Api-Key: [redacted]\n"
        "X-Request-Id: [redacted]\nLocation: https://a.example/next?[redacted]");
}

TEST_CASE("method names parse back to their methods, and nothing else does") {
  for (auto m : {clerk::http_method::get, clerk::http_method::post, clerk::http_method::put,
                 clerk::http_method::patch, clerk::http_method::delete_})
    CHECK(clerk::http::parse_method(clerk::to_string(m)) == m);
  CHECK_FALSE(clerk::http::parse_method("post").has_value());
  CHECK_FALSE(clerk::http::parse_method("").has_value());
}
