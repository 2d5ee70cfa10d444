// Sending side of README's "Security and robustness" table: one case a row.
// Each bad value is refused with an invalid_request naming the field, before
// a request is built, so nothing reaches the transport.
#include <clerk/backend/sign_in_tokens.hpp>

#include "support.hpp"

#include <clerk/client.hpp>
#include <clerk/config.hpp>
#include <clerk/detail/wire.hpp>
#include <clerk/error.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

using namespace std::string_literals;

namespace {

// The field an invalid_request names, or "" when `r` is not one.
template <class T>
std::string refused_field(const clerk::result<T>& r) {
  if (!r.has_error() || r.error().kind() != clerk::error_kind::invalid_request)
    return "";
  return r.error().as_invalid_request()->field;
}

std::string config_refuses(clerk::options o) {
  return refused_field(clerk::config::make(std::move(o)));
}

clerk::options valid_options() {
  return clerk::options{.secret_key = clerk_test::test_key};
}

// The field a client refuses `op` for, checking that the transport never ran.
template <class Op>
std::string client_refuses(const Op& op) {
  std::atomic<int> calls{0};
  auto transport = [&calls](const clerk::http_request&) -> clerk::transport_result {
    ++calls;
    return clerk_test::json_response(200, clerk_test::sample_token_json());
  };
  const clerk::client client(clerk_test::make_config(), transport);
  auto r = client.send(op);
  CHECK(calls == 0);
  return refused_field(r);
}

// Control characters every header value and id must refuse.
const std::string controls[] = {"\r"s, "\n"s, "\r\n"s, "\0"s, "\t"s, "\x1b"s, "\x7f"s};

}  // namespace

TEST_CASE("CR, LF or another control character in the secret key is refused") {
  for (const auto& c : controls) {
    auto o = valid_options();
    o.secret_key = "sk_test_abc" + c + "X-Injected: 1";
    CHECK(config_refuses(o) == "secret_key");
  }
  for (std::string key : {""s, "sk_test_ abc"s, "sk_test_\xc3\xa9"s}) {
    auto o = valid_options();
    o.secret_key = key;
    CHECK(config_refuses(o) == "secret_key");
  }
}

TEST_CASE("CR, LF or another control character in the User-Agent is refused") {
  for (const auto& c : controls) {
    auto o = valid_options();
    o.user_agent = "my-app/1.0" + c + "Host: evil.example";
    CHECK(config_refuses(o) == "user_agent");
  }
  for (std::string ua : {""s, " padded"s, "padded "s, "caf\xc3\xa9/1.0"s}) {
    auto o = valid_options();
    o.user_agent = ua;
    CHECK(config_refuses(o) == "user_agent");
  }
}

TEST_CASE("CR, LF or another control character in the API version is refused") {
  for (const auto& c : controls) {
    auto o = valid_options();
    o.api_version = "2026-05-12" + c + "X-Injected: 1";
    CHECK(config_refuses(o) == "api_version");
  }
  auto o = valid_options();
  o.api_version = "";
  CHECK(config_refuses(o) == "api_version");
}

TEST_CASE("a base URL with userinfo is refused") {
  for (std::string url : {"https://user:pass@api.clerk.com/v1"s, "https://@api.clerk.com"s,
                          "https://sk_test_abc@evil.example/v1"s}) {
    auto o = valid_options();
    o.base_url = url;
    CHECK(config_refuses(o) == "base_url");
  }
}

TEST_CASE("a base URL with a query or a fragment is refused") {
  for (std::string url : {"https://api.clerk.com/v1?x=1"s, "https://api.clerk.com/v1#frag"s,
                          "https://api.clerk.com?"s, "https://api.clerk.com/v1/#"s}) {
    auto o = valid_options();
    o.base_url = url;
    CHECK(config_refuses(o) == "base_url");
  }
}

TEST_CASE("a base URL that is not plain http(s) to a host is refused") {
  for (std::string url :
       {""s, "api.clerk.com/v1"s, "ftp://api.clerk.com"s, "https://"s, "https://:443/v1"s,
        "https://api.clerk.com\\@evil.example/v1"s, "https://api.clerk.com/v 1"s,
        "https://api.clerk.com/v1\r\n"s, "https://ap\xc3\xaf.clerk.com"s}) {
    CAPTURE(url);
    auto o = valid_options();
    o.base_url = url;
    CHECK(config_refuses(o) == "base_url");
  }
}

TEST_CASE("a timeout or a response limit of zero is refused") {
  auto o = valid_options();
  o.timeout = std::chrono::milliseconds(0);
  CHECK(config_refuses(o) == "timeout");
  o = valid_options();
  o.timeout = std::chrono::milliseconds(-1);
  CHECK(config_refuses(o) == "timeout");
  for (int which = 0; which < 4; ++which) {
    o = valid_options();
    (which == 0   ? o.limits.max_body_bytes
     : which == 1 ? o.limits.max_depth
     : which == 2 ? o.limits.max_string_bytes
                  : o.limits.max_array_elements) = 0;
    CHECK(config_refuses(o) == "limits");
  }
}

TEST_CASE("CR, LF or another control character in a user id or org id is refused") {
  for (const auto& c : controls) {
    CHECK(client_refuses(clerk::create_sign_in_token{.user_id = "user_1" + c + "x"}) == "user_id");
    CHECK(client_refuses(clerk::create_sign_in_token{.user_id = "user_1", .org_id = "org_1" + c}) ==
          "org_id");
  }
}

TEST_CASE("an empty or invalid UTF-8 id is refused") {
  CHECK(client_refuses(clerk::create_sign_in_token{.user_id = ""}) == "user_id");
  CHECK(client_refuses(clerk::create_sign_in_token{.user_id = "u", .org_id = ""}) == "org_id");
  CHECK(client_refuses(clerk::create_sign_in_token{.user_id = "user_\xc3\x28"}) == "user_id");
  CHECK(client_refuses(clerk::revoke_sign_in_token{""}) == "sign_in_token_id");
  CHECK(client_refuses(clerk::revoke_sign_in_token{"sit_\xed\xa0\x80"}) == "sign_in_token_id");
  CHECK(client_refuses(clerk::revoke_sign_in_token{"sit_1\r\nX: 1"}) == "sign_in_token_id");
}

TEST_CASE("a token id of . or .. is refused: no encoding keeps it one segment") {
  CHECK(client_refuses(clerk::revoke_sign_in_token{"."}) == "sign_in_token_id");
  CHECK(client_refuses(clerk::revoke_sign_in_token{".."}) == "sign_in_token_id");
}

TEST_CASE("a token id that tries to leave its path segment stays inside it") {
  const auto cfg = clerk_test::make_config();
  const std::string prefix = "https://api.clerk.com/v1/sign_in_tokens/";
  for (std::string id : {"../../users/user_1"s, "sit_1/revoke?x=1#y"s, "%2e%2e"s, "a\\b"s, "..."s,
                         "sit 1"s, "sit_\xc3\xa9"s}) {
    CAPTURE(id);
    auto r = clerk::build_request(clerk::revoke_sign_in_token{id}, cfg);
    REQUIRE(r.has_value());
    REQUIRE(r->url.substr(0, prefix.size()) == prefix);
    REQUIRE(r->url.size() > prefix.size() + 7);
    CHECK(r->url.substr(r->url.size() - 7) == "/revoke");
    std::string segment = r->url.substr(prefix.size(), r->url.size() - prefix.size() - 7);
    CHECK(segment.find_first_of("/?#\\ ") == std::string::npos);
    CHECK(clerk::detail::percent_decode(segment) == id);
  }
}

TEST_CASE("ids and user ids reach the JSON body escaped, never as JSON syntax") {
  auto r = clerk::build_request(
      clerk::create_sign_in_token{.user_id = R"(u","admin":true,"x":")", .org_id = "o\\\"}"},
      clerk_test::make_config());
  REQUIRE(r.has_value());
  CHECK(r->body == R"({"user_id":"u\",\"admin\":true,\"x\":\"","org_id":"o\\\"}"})");
}

TEST_CASE("an expires_in of zero or below is refused") {
  using std::chrono::seconds;
  for (std::int64_t s :
       {std::int64_t{0}, std::int64_t{-1}, std::numeric_limits<std::int64_t>::min()}) {
    CAPTURE(s);
    CHECK(client_refuses(clerk::create_sign_in_token{
              .user_id = "u", .expires_in_seconds = seconds(s)}) == "expires_in_seconds");
  }
}

TEST_CASE("expires_in is 64 bits: its largest value is sent exactly, nothing beyond exists") {
  // std::chrono::seconds holds a signed 64-bit count, so "beyond 64 bits"
  // cannot be expressed; the extremes are 1 and INT64_MAX.
  static_assert(sizeof(std::chrono::seconds::rep) == 8);
  for (std::int64_t s : {std::int64_t{1}, std::numeric_limits<std::int64_t>::max()}) {
    auto r = clerk::build_request(
        clerk::create_sign_in_token{.user_id = "u", .expires_in_seconds = std::chrono::seconds(s)},
        clerk_test::make_config());
    REQUIRE(r.has_value());
    CHECK(r->body == R"({"user_id":"u","expires_in_seconds":)" + std::to_string(s) + "}");
  }
}

TEST_CASE("the first bad field is the one named, and the message names it too") {
  auto r = clerk::build_request(
      clerk::create_sign_in_token{
          .user_id = "", .org_id = "\n", .expires_in_seconds = std::chrono::seconds(0)},
      clerk_test::make_config());
  REQUIRE(refused_field(r) == "user_id");
  CHECK(r.error().message() == "invalid request: user_id: must not be empty");
}
