// Receiving side of README's "Security and robustness" table: one case a row.
// Every hostile response ends in a typed error (or, where the row says so, a
// value), never in a crash or an allocation the limits do not bound.
#include <clerk/sign_in_tokens.hpp>

#include "support.hpp"

#include <clerk/config.hpp>
#include <clerk/error.hpp>
#include <clerk/retry_after.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

using clerk_test::json_response;
using clerk_test::response;

namespace {

const clerk::create_sign_in_token create_op{.user_id = "user_2xyz"};
const clerk::revoke_sign_in_token revoke_op{"sit_2abcDEF"};

// A valid SignInToken body with `extra` fields spliced in after the id.
std::string token_with(std::string_view extra, std::string_view created_at = "1719952616214") {
  std::string s = R"({"object":"sign_in_token","id":"sit_2abcDEF")";
  s += extra;
  s += R"(,"status":"pending","user_id":"user_2xyz","created_at":)";
  s += created_at;
  s += R"(,"updated_at":1719952616215})";
  return s;
}

// The error both operations give (they read the same schema and must agree).
clerk::unexpected_response refused(const clerk::http_response& r,
                                   const clerk::response_limits& lim = {}) {
  auto c = clerk::parse_response(create_op, r, lim);
  auto v = clerk::parse_response(revoke_op, r, lim);
  REQUIRE(c.has_error());
  REQUIRE_MESSAGE(c.error().kind() == clerk::error_kind::unexpected_response, c.error().message());
  REQUIRE(v.has_error());
  CHECK(v.error() == c.error());
  return *c.error().as_unexpected_response();
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

TEST_CASE("a body over the default 1 MiB limit is refused before it is parsed") {
  const std::size_t limit = std::size_t{1} << 20;
  CHECK(clerk::response_limits{}.max_body_bytes == limit);
  // Padding inside a valid token: without the limit this body would parse.
  std::string body = token_with(R"(,"pad":")" + std::string(limit, 'x') + "\"");
  auto u = refused(json_response(200, body));
  CHECK(u.problem == "body of " + std::to_string(body.size()) + " bytes exceeds the limit of " +
                         std::to_string(limit) + " bytes");
  CHECK(u.body_size == body.size());
  CHECK(u.body_excerpt.size() == clerk::body_excerpt_limit);
}

TEST_CASE("a body over a limit the user set is refused, even on an error status") {
  const clerk::response_limits lim{.max_body_bytes = 64};
  const std::string body = R"({"errors":[{"code":"resource_not_found","message":"not found",)"
                           R"("long_message":"Not found"}]})";
  auto u = refused(json_response(404, body), lim);
  CHECK(u.status == 404);
  CHECK(u.problem ==
        "body of " + std::to_string(body.size()) + " bytes exceeds the limit of 64 bytes");
  // A body within the same limit is read.
  auto ok = clerk::parse_response(create_op, json_response(404, R"({"errors":[]})"), lim);
  REQUIRE(ok.has_error());
  CHECK(ok.error().kind() == clerk::error_kind::api);
}

TEST_CASE("JSON nested deeper than the default 32 levels is refused as invalid JSON") {
  CHECK(clerk::response_limits{}.max_depth == 32);
  auto nested = [](std::size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  // The token object is level 1: 31 more levels are within the limit...
  auto within = clerk::parse_response(
      create_op, json_response(200, token_with(",\"x\":" + nested(31))), clerk::response_limits{});
  CHECK(within.has_value());
  // ...and 32 more are one too many, wherever they are.
  auto u = refused(json_response(200, token_with(",\"x\":" + nested(32))));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
}

TEST_CASE("a deep error body is refused as well, with no api_error built from it") {
  std::string body = R"({"errors":[{"meta":)" + std::string(40, '[') + std::string(40, ']') + "}]}";
  auto u = refused(json_response(422, body));
  CHECK(u.problem == "error status without a ClerkErrors body");
}

TEST_CASE("a string over the default 64 KiB limit is refused, naming the field") {
  const std::size_t limit = std::size_t{64} << 10;
  CHECK(clerk::response_limits{}.max_string_bytes == limit);
  std::string at_limit = R"({"object":"sign_in_token","id":")" + std::string(limit, 'a') +
                         R"(","status":"pending","user_id":"u","created_at":1,"updated_at":2})";
  auto ok =
      clerk::parse_response(create_op, json_response(200, at_limit), clerk::response_limits{});
  REQUIRE(ok.has_value());
  CHECK(ok->id.size() == limit);

  std::string over = R"({"object":"sign_in_token","id":"sit_1","status":"pending","user_id":")" +
                     std::string(limit + 1, 'u') + R"(","created_at":1,"updated_at":2})";
  auto u = refused(json_response(200, over));
  CHECK(u.problem == "field \"user_id\" is longer than the limit of 65536 bytes");
}

TEST_CASE("strings in an error body are cut at the string limit, not refused") {
  const clerk::response_limits lim{.max_string_bytes = 8};
  auto t = clerk::parse_response(
      create_op,
      json_response(422,
                    R"({"errors":[{"code":"form_param_missing_and_more",)"
                    R"("message":"a very long message"}],"clerk_trace_id":"trace-0123456789"})"),
      lim);
  REQUIRE(t.has_error());
  const clerk::api_error* a = t.error().as_api();
  REQUIRE(a != nullptr);
  REQUIRE(a->errors.size() == 1);
  CHECK(a->errors[0].code == "form_par");
  CHECK(a->errors[0].message == "a very l");
  CHECK(a->clerk_trace_id == "trace-01");
}

TEST_CASE("more than 64 ClerkError entries keep the first 64") {
  std::string body = R"({"errors":[)";
  for (int i = 0; i < 1000; ++i)
    body += (i ? "," : "") + std::string(R"({"code":"c)") + std::to_string(i) + "\"}";
  body += "]}";
  auto t = clerk::parse_response(create_op, json_response(422, body), clerk::response_limits{});
  REQUIRE(t.has_error());
  const clerk::api_error* a = t.error().as_api();
  REQUIRE(a != nullptr);
  REQUIRE(a->errors.size() == 64);
  CHECK(a->errors.front().code == "c0");
  CHECK(a->errors.back().code == "c63");
}

TEST_CASE("a fractional number where an integer belongs is refused") {
  for (std::string_view v : {"1719952616214.5", "1.0", "1e3", "-0.0"}) {
    CAPTURE(v);
    auto u = refused(json_response(200, token_with("", v)));
    CHECK(u.problem == "field \"created_at\" is a non-integer number, expected an integer");
  }
}

TEST_CASE("an integer beyond int64 is refused; every int64 timestamp is accepted") {
  // Past int64: Boost.JSON reads it as uint64.
  for (std::string_view v : {"9223372036854775808", "18446744073709551615"}) {
    CAPTURE(v);
    auto u = refused(json_response(200, token_with("", v)));
    CHECK(u.problem == "field \"created_at\" is out of range");
  }
  // The OpenAPI document bounds the timestamps by int64 only.
  for (std::string_view v : {"-1", "253402300800000", "0", "253402300799999",
                             "-9223372036854775808", "9223372036854775807"}) {
    CAPTURE(v);
    auto t = clerk::parse_response(create_op, json_response(200, token_with("", v)),
                                   clerk::response_limits{});
    REQUIRE(t.has_value());
    CHECK(std::to_string(t->created_at.time_since_epoch().count()) == v);
  }
}

TEST_CASE("an integer beyond 64 bits or an exponent overflow is refused, never wrapped") {
  // Boost.JSON 1.81 turns these into doubles: the error says so.
  for (std::string_view v : {"18446744073709551616", "1e400", "-99999999999999999999"}) {
    CAPTURE(v);
    auto u = refused(json_response(200, token_with("", v)));
    CHECK(u.problem == "field \"created_at\" is a non-integer number, expected an integer");
  }
}

TEST_CASE("a field given twice is refused, whichever value comes first") {
  auto u = refused(json_response(200, token_with(R"(,"id":"sit_other")")));
  CHECK(u.problem == "duplicate field \"id\"");
  // The first problem wins: here the first id is already mistyped.
  auto v = refused(
      json_response(200, R"({"object":"sign_in_token","id":5,"id":"sit_1","status":"pending",)"
                         R"("user_id":"u","created_at":1,"updated_at":2})"));
  CHECK(v.problem == "field \"id\" is an integer, expected a string");
  // A duplicate of a field the model does not read is no problem.
  CHECK(clerk::parse_response(create_op, json_response(200, token_with(R"(,"x":1,"x":2)")),
                              clerk::response_limits{})
            .has_value());
}

TEST_CASE("invalid UTF-8 anywhere in the body is refused as invalid JSON") {
  for (std::string_view bad : {"\xc3\x28", "\xed\xa0\x80", "\xc0\xaf", "\xff"}) {
    auto u = refused(json_response(200, token_with(",\"x\":\"" + std::string(bad) + "\"")));
    CHECK(starts_with(u.problem, "body is not valid JSON"));
  }
}

TEST_CASE("a raw NUL byte is refused; an escaped one is kept as data") {
  using namespace std::string_literals;
  auto u = refused(json_response(200, token_with(",\"x\":\"a\0b\""s)));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
  // \u0000 is valid JSON: the id keeps the byte, and sending it back as an id
  // is refused by the request builder (see the bad-input cases).
  auto t = clerk::parse_response(
      create_op,
      json_response(200, R"({"object":"sign_in_token","id":"sit_\u0000","status":)"
                         R"("pending","user_id":"u","created_at":1,"updated_at":2})"),
      clerk::response_limits{});
  REQUIRE(t.has_value());
  CHECK(t->id == "sit_\0"s);
  auto sent = clerk::build_request(clerk::revoke_sign_in_token{t->id}, clerk_test::make_config());
  REQUIRE(sent.has_error());
  CHECK(sent.error().as_invalid_request()->field == "sign_in_token_id");
}

TEST_CASE("a byte order mark before the JSON is refused as invalid JSON") {
  auto u = refused(json_response(200, "\xef\xbb\xbf" + token_with("")));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
}

TEST_CASE("trailing data after the JSON document is refused") {
  auto u = refused(json_response(200, token_with("") + R"({"object":"sign_in_token"})"));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
}

TEST_CASE("null where the token object belongs is refused") {
  auto u = refused(json_response(200, "null"));
  CHECK(u.problem == "body is null, expected a JSON object");
  for (auto [body, kind] : {std::pair{"[]", "an array"},
                            {"\"sit_1\"", "a string"},
                            {"7", "an integer"},
                            {"true", "a boolean"}}) {
    auto w = refused(json_response(200, body));
    CHECK(w.problem == std::string("body is ") + kind + ", expected a JSON object");
  }
}

TEST_CASE("null or the wrong type in a required field is refused, naming the field") {
  auto u = refused(json_response(
      200,
      R"({"object":"sign_in_token","id":"sit_1","status":null,"user_id":"u","created_at":1,"updated_at":2})"));
  CHECK(u.problem == "field \"status\" is null, expected a string");
  auto v = refused(json_response(200, token_with(R"(,"token":{"nested":true})")));
  CHECK(v.problem == "field \"token\" is an object, expected a string");
  // token and url are nullable: null means absent.
  auto t = clerk::parse_response(create_op,
                                 json_response(200, token_with(R"(,"token":null,"url":null)")),
                                 clerk::response_limits{});
  REQUIRE(t.has_value());
  CHECK(!t->token);
  CHECK(!t->url);
}

TEST_CASE("a ClerkErrors body on a 2xx is refused, keeping the trace id") {
  auto u = refused(json_response(
      200, R"({"errors":[{"code":"form_param_missing","message":"x"}],"clerk_trace_id":"t-42"})"));
  CHECK(u.problem == "a success status with a ClerkErrors body");
  CHECK(u.clerk_trace_id == "t-42");
}

TEST_CASE("an HTML page with a JSON content type is refused as invalid JSON") {
  auto u = refused(json_response(
      200, "<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>"));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
  CHECK(starts_with(u.body_excerpt, "<!DOCTYPE html>"));
}

TEST_CASE("an HTML error page from a proxy is an unexpected response, not an api error") {
  auto r = response(502, "text/html", "<html><body>Bad Gateway</body></html>");
  r.headers.add("Retry-After", "120");
  auto u = refused(r);
  CHECK(u.problem == "error status without a ClerkErrors body");
  REQUIRE(u.retry_after.has_value());
  CHECK(u.retry_after->delay({}) == std::chrono::seconds(120));
}

TEST_CASE("a 2xx that is not JSON is refused") {
  CHECK(refused(response(200, "text/plain", token_with(""))).problem == "Content-Type is not JSON");
  CHECK(refused(response(200, "", token_with(""))).problem == "no Content-Type; expected JSON");
  CHECK(refused(json_response(200, "")).problem == "body is empty");
}

TEST_CASE("a redirect is refused and never followed") {
  auto r = response(307, "", "");
  r.headers.add("Location", "https://evil.example/collect");
  auto u = refused(r);
  CHECK(u.problem == "a redirect, not followed: the request carries the secret key");
  auto built = clerk::build_request(create_op, clerk_test::make_config());
  REQUIRE(built.has_value());
  CHECK_FALSE(built->follow_redirects);
}

TEST_CASE("a status outside 100-599 is refused") {
  for (int status : {0, -1, 99, 600, 2147483647}) {
    CAPTURE(status);
    auto u = refused(json_response(status, token_with("")));
    CHECK(u.problem == "not an HTTP status");
    CHECK(u.status == status);
  }
}

TEST_CASE("an unknown status value is kept, not refused") {
  auto t = clerk::parse_response(
      create_op,
      json_response(200, R"({"object":"sign_in_token","id":"sit_1","status":"expired",)"
                         R"("user_id":"u","created_at":1,"updated_at":2})"),
      clerk::response_limits{});
  REQUIRE(t.has_value());
  CHECK(t->status == clerk::sign_in_token_status::unknown);
  CHECK(t->status.raw() == "expired");
}

TEST_CASE("a malformed Retry-After is ignored and a huge one saturates") {
  for (std::string_view v : {"soon", "-1", "1.5", "Mon, 32 Jan 2026 00:00:00 GMT", ""}) {
    auto r = json_response(429, R"({"errors":[{"code":"too_many_requests"}]})");
    r.headers.add("Retry-After", std::string(v));
    auto t = clerk::parse_response(create_op, r, clerk::response_limits{});
    REQUIRE(t.has_error());
    CHECK(t.error().kind() == clerk::error_kind::api);
    CHECK_FALSE(t.error().retry_after().has_value());
  }
  auto r = json_response(429, R"({"errors":[]})");
  r.headers.add("Retry-After", "99999999999999999999999999");
  auto t = clerk::parse_response(create_op, r, clerk::response_limits{});
  REQUIRE(t.has_error());
  REQUIRE(t.error().retry_after().has_value());
  CHECK(t.error().retry_after()->delay({}) == clerk::max_retry_after);
}

TEST_CASE("the body excerpt an error keeps is bounded whatever the body") {
  std::string body(100000, 'x');
  auto u = refused(json_response(500, body));
  CHECK(u.body_excerpt.size() == clerk::body_excerpt_limit);
  CHECK(u.body_size == body.size());
  clerk::error e(u);
  CHECK(e.message().size() < 1024);
}
