// Receiving side of README's "Security and robustness" table: one case a row.
// Every hostile response ends in a typed error (or, where the row says so, a
// value), never in a crash or an allocation the limits do not bound. Each
// row runs on both operation families the engine declares (sign-in tokens
// and actor tokens); the actor model's own rows follow at the end.
#include <clerk/backend/actor_tokens.hpp>
#include <clerk/backend/sign_in_tokens.hpp>

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

// One operation family: its create and revoke read the same model, whose
// body needs `more` beside the members every token has.
struct sign_in_tokens {
  using revoke = clerk::revoke_sign_in_token;
  using status = clerk::sign_in_token_status;
  static constexpr std::string_view object = "sign_in_token", id = "sit_2abcDEF",
                                    id_field = "sign_in_token_id", more = "";
  static clerk::create_sign_in_token create() { return {.user_id = "user_2xyz"}; }
};

struct actor_tokens {
  using revoke = clerk::revoke_actor_token;
  using status = clerk::actor_token_status;
  static constexpr std::string_view object = "actor_token", id = "act_2abcDEF",
                                    id_field = "actor_token_id",
                                    more = R"(,"actor":{"sub":"user_support","reason":"x"})";
  static clerk::create_actor_token create() {
    return {.user_id = "user_2xyz", .actor = {.sub = "user_support"}};
  }
};

// A token body of F's model; each argument is the JSON text of that member.
template <class F>
std::string token(std::string_view id, std::string_view status = R"("pending")",
                  std::string_view user_id = R"("user_2xyz")",
                  std::string_view created_at = "1719952616214") {
  std::string s = R"({"object":")";
  s += F::object;
  s += R"(","id":)";
  s += id;
  s += R"(,"status":)";
  s += status;
  s += R"(,"user_id":)";
  s += user_id;
  s += F::more;
  s += R"(,"created_at":)";
  s += created_at;
  s += R"(,"updated_at":1719952616215})";
  return s;
}

// A valid token body with `extra` members spliced in after the id.
template <class F>
std::string token_with(std::string_view extra, std::string_view created_at = "1719952616214") {
  std::string id = '"' + std::string(F::id) + '"';
  id += extra;
  return token<F>(id, R"("pending")", R"("user_2xyz")", created_at);
}

template <class F>
auto parsed(const clerk::http_response& r, const clerk::response_limits& lim = {}) {
  return clerk::parse_response(F::create(), r, lim);
}

// The error both operations of F give (they read the same schema and must agree).
template <class F>
clerk::unexpected_response refused(const clerk::http_response& r,
                                   const clerk::response_limits& lim = {}) {
  auto c = clerk::parse_response(F::create(), r, lim);
  auto v = clerk::parse_response(typename F::revoke{std::string(F::id)}, r, lim);
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

TYPE_TO_STRING(sign_in_tokens);
TYPE_TO_STRING(actor_tokens);

// Every case below runs once for each family.
#define HOSTILE_CASE(name) TEST_CASE_TEMPLATE(name, F, sign_in_tokens, actor_tokens)

HOSTILE_CASE("a body over the default 1 MiB limit is refused before it is parsed") {
  const std::size_t limit = std::size_t{1} << 20;
  CHECK(clerk::response_limits{}.max_body_bytes == limit);
  // Padding inside a valid token: without the limit this body would parse.
  std::string body = token_with<F>(R"(,"pad":")" + std::string(limit, 'x') + "\"");
  auto u = refused<F>(json_response(200, body));
  CHECK(u.problem == "body of " + std::to_string(body.size()) + " bytes exceeds the limit of " +
                         std::to_string(limit) + " bytes");
  CHECK(u.body_size == body.size());
  CHECK(u.body_excerpt.size() == clerk::body_excerpt_limit);
}

HOSTILE_CASE("a body over a limit the user set is refused, even on an error status") {
  const clerk::response_limits lim{.max_body_bytes = 64};
  const std::string body = R"({"errors":[{"code":"resource_not_found","message":"not found",)"
                           R"("long_message":"Not found"}]})";
  auto u = refused<F>(json_response(404, body), lim);
  CHECK(u.status == 404);
  CHECK(u.problem ==
        "body of " + std::to_string(body.size()) + " bytes exceeds the limit of 64 bytes");
  // A body within the same limit is read.
  auto ok = parsed<F>(json_response(404, R"({"errors":[]})"), lim);
  REQUIRE(ok.has_error());
  CHECK(ok.error().kind() == clerk::error_kind::api);
}

HOSTILE_CASE("JSON nested deeper than the default 32 levels is refused as invalid JSON") {
  CHECK(clerk::response_limits{}.max_depth == 32);
  auto nested = [](std::size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  // The token object is level 1: 31 more levels are within the limit...
  auto within = parsed<F>(json_response(200, token_with<F>(",\"x\":" + nested(31))),
                          clerk::response_limits{});
  CHECK(within.has_value());
  // ...and 32 more are one too many, wherever they are.
  auto u = refused<F>(json_response(200, token_with<F>(",\"x\":" + nested(32))));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
}

HOSTILE_CASE("a deep error body is refused as well, with no api_error built from it") {
  std::string body = R"({"errors":[{"meta":)" + std::string(40, '[') + std::string(40, ']') + "}]}";
  auto u = refused<F>(json_response(422, body));
  CHECK(u.problem == "error status without a ClerkErrors body");
}

HOSTILE_CASE("a string over the default 64 KiB limit is refused, naming the field") {
  const std::size_t limit = std::size_t{64} << 10;
  CHECK(clerk::response_limits{}.max_string_bytes == limit);
  std::string at_limit = token<F>('"' + std::string(limit, 'a') + '"');
  auto ok = parsed<F>(json_response(200, at_limit), clerk::response_limits{});
  REQUIRE(ok.has_value());
  CHECK(ok->id.size() == limit);

  std::string over = token<F>(R"("x_1")", R"("pending")", '"' + std::string(limit + 1, 'u') + '"');
  auto u = refused<F>(json_response(200, over));
  CHECK(u.problem == "field \"user_id\" is longer than the limit of 65536 bytes");
}

HOSTILE_CASE("strings in an error body are cut at the string limit, not refused") {
  const clerk::response_limits lim{.max_string_bytes = 8};
  auto t = parsed<F>(
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

HOSTILE_CASE("more than 64 ClerkError entries keep the first 64") {
  std::string body = R"({"errors":[)";
  for (int i = 0; i < 1000; ++i)
    body += (i ? "," : "") + std::string(R"({"code":"c)") + std::to_string(i) + "\"}";
  body += "]}";
  auto t = parsed<F>(json_response(422, body), clerk::response_limits{});
  REQUIRE(t.has_error());
  const clerk::api_error* a = t.error().as_api();
  REQUIRE(a != nullptr);
  REQUIRE(a->errors.size() == 64);
  CHECK(a->errors.front().code == "c0");
  CHECK(a->errors.back().code == "c63");
}

HOSTILE_CASE("a fractional number where an integer belongs is refused") {
  for (std::string_view v : {"1719952616214.5", "1.0", "1e3", "-0.0"}) {
    CAPTURE(v);
    auto u = refused<F>(json_response(200, token_with<F>("", v)));
    CHECK(u.problem == "field \"created_at\" is a non-integer number, expected an integer");
  }
}

HOSTILE_CASE("an integer beyond int64 is refused; every int64 timestamp is accepted") {
  // Past int64: Boost.JSON reads it as uint64.
  for (std::string_view v : {"9223372036854775808", "18446744073709551615"}) {
    CAPTURE(v);
    auto u = refused<F>(json_response(200, token_with<F>("", v)));
    CHECK(u.problem == "field \"created_at\" is out of range");
  }
  // The OpenAPI document bounds the timestamps by int64 only.
  for (std::string_view v : {"-1", "253402300800000", "0", "253402300799999",
                             "-9223372036854775808", "9223372036854775807"}) {
    CAPTURE(v);
    auto t = parsed<F>(json_response(200, token_with<F>("", v)), clerk::response_limits{});
    REQUIRE(t.has_value());
    CHECK(std::to_string(t->created_at.time_since_epoch().count()) == v);
  }
}

HOSTILE_CASE("an integer beyond 64 bits or an exponent overflow is refused, never wrapped") {
  // Boost.JSON 1.81 turns these into doubles: the error says so.
  for (std::string_view v : {"18446744073709551616", "1e400", "-99999999999999999999"}) {
    CAPTURE(v);
    auto u = refused<F>(json_response(200, token_with<F>("", v)));
    CHECK(u.problem == "field \"created_at\" is a non-integer number, expected an integer");
  }
}

HOSTILE_CASE("a field given twice is refused, whichever value comes first") {
  auto u = refused<F>(json_response(200, token_with<F>(R"(,"id":"x_other")")));
  CHECK(u.problem == "duplicate field \"id\"");
  // The first problem wins: here the first id is already mistyped.
  auto v = refused<F>(json_response(200, token<F>(R"(5,"id":"x_1")")));
  CHECK(v.problem == "field \"id\" is an integer, expected a string");
  // A duplicate of a field the model does not read is no problem.
  CHECK(parsed<F>(json_response(200, token_with<F>(R"(,"x":1,"x":2)")), clerk::response_limits{})
            .has_value());
}

HOSTILE_CASE("invalid UTF-8 anywhere in the body is refused as invalid JSON") {
  for (std::string_view bad : {"\xc3\x28", "\xed\xa0\x80", "\xc0\xaf", "\xff"}) {
    auto u = refused<F>(json_response(200, token_with<F>(",\"x\":\"" + std::string(bad) + "\"")));
    CHECK(starts_with(u.problem, "body is not valid JSON"));
  }
}

HOSTILE_CASE("a raw NUL byte is refused; an escaped one is kept as data") {
  using namespace std::string_literals;
  auto u = refused<F>(json_response(200, token_with<F>(",\"x\":\"a\0b\""s)));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
  // \u0000 is valid JSON: the id keeps the byte, and sending it back as an id
  // is refused by the request builder (see the bad-input cases).
  auto t = parsed<F>(json_response(200, token<F>(R"("x_\u0000")")));
  REQUIRE(t.has_value());
  CHECK(t->id == "x_\0"s);
  auto sent = clerk::build_request(typename F::revoke{t->id}, clerk_test::make_config());
  REQUIRE(sent.has_error());
  CHECK(sent.error().as_invalid_request()->field == F::id_field);
}

HOSTILE_CASE("a byte order mark before the JSON is refused as invalid JSON") {
  auto u = refused<F>(json_response(200, "\xef\xbb\xbf" + token_with<F>("")));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
}

HOSTILE_CASE("trailing data after the JSON document is refused") {
  auto u = refused<F>(
      json_response(200, token_with<F>("") + R"({"object":")" + std::string(F::object) + "\"}"));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
}

HOSTILE_CASE("null where the token object belongs is refused") {
  auto u = refused<F>(json_response(200, "null"));
  CHECK(u.problem == "body is null, expected a JSON object");
  for (auto [body, kind] : {std::pair{"[]", "an array"},
                            {"\"sit_1\"", "a string"},
                            {"7", "an integer"},
                            {"true", "a boolean"}}) {
    auto w = refused<F>(json_response(200, body));
    CHECK(w.problem == std::string("body is ") + kind + ", expected a JSON object");
  }
}

HOSTILE_CASE("null or the wrong type in a required field is refused, naming the field") {
  auto u = refused<F>(json_response(200, token<F>(R"("x_1")", "null")));
  CHECK(u.problem == "field \"status\" is null, expected a string");
  auto v = refused<F>(json_response(200, token_with<F>(R"(,"token":{"nested":true})")));
  CHECK(v.problem == "field \"token\" is an object, expected a string");
  // token and url are nullable: null means absent.
  auto t = parsed<F>(json_response(200, token_with<F>(R"(,"token":null,"url":null)")));
  REQUIRE(t.has_value());
  CHECK(!t->token);
  CHECK(!t->url);
}

HOSTILE_CASE("a ClerkErrors body on a 2xx is refused, keeping the trace id") {
  auto u = refused<F>(json_response(
      200, R"({"errors":[{"code":"form_param_missing","message":"x"}],"clerk_trace_id":"t-42"})"));
  CHECK(u.problem == "a success status with a ClerkErrors body");
  CHECK(u.clerk_trace_id == "t-42");
}

HOSTILE_CASE("an HTML page with a JSON content type is refused as invalid JSON") {
  auto u = refused<F>(json_response(
      200, "<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>"));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
  CHECK(starts_with(u.body_excerpt, "<!DOCTYPE html>"));
}

HOSTILE_CASE("an HTML error page from a proxy is an unexpected response, not an api error") {
  auto r = response(502, "text/html", "<html><body>Bad Gateway</body></html>");
  r.headers.add("Retry-After", "120");
  auto u = refused<F>(r);
  CHECK(u.problem == "error status without a ClerkErrors body");
  REQUIRE(u.retry_after.has_value());
  CHECK(u.retry_after->delay({}) == std::chrono::seconds(120));
}

HOSTILE_CASE("a 2xx that is not JSON is refused") {
  CHECK(refused<F>(response(200, "text/plain", token_with<F>(""))).problem ==
        "Content-Type is not JSON");
  CHECK(refused<F>(response(200, "", token_with<F>(""))).problem ==
        "no Content-Type; expected JSON");
  CHECK(refused<F>(json_response(200, "")).problem == "body is empty");
}

HOSTILE_CASE("a redirect is refused and never followed") {
  auto r = response(307, "", "");
  r.headers.add("Location", "https://evil.example/collect");
  auto u = refused<F>(r);
  CHECK(u.problem == "a redirect, not followed: the request carries the secret key");
  auto built = clerk::build_request(F::create(), clerk_test::make_config());
  REQUIRE(built.has_value());
  CHECK_FALSE(built->follow_redirects);
}

HOSTILE_CASE("a status outside 100-599 is refused") {
  for (int status : {0, -1, 99, 600, 2147483647}) {
    CAPTURE(status);
    auto u = refused<F>(json_response(status, token_with<F>("")));
    CHECK(u.problem == "not an HTTP status");
    CHECK(u.status == status);
  }
}

HOSTILE_CASE("an unknown status value is kept, not refused") {
  auto t = parsed<F>(json_response(200, token<F>(R"("x_1")", R"("expired")")));
  REQUIRE(t.has_value());
  CHECK(t->status == F::status::unknown);
  CHECK(t->status.raw() == "expired");
}

HOSTILE_CASE("a malformed Retry-After is ignored and a huge one saturates") {
  for (std::string_view v : {"soon", "-1", "1.5", "Mon, 32 Jan 2026 00:00:00 GMT", ""}) {
    auto r = json_response(429, R"({"errors":[{"code":"too_many_requests"}]})");
    r.headers.add("Retry-After", std::string(v));
    auto t = parsed<F>(r, clerk::response_limits{});
    REQUIRE(t.has_error());
    CHECK(t.error().kind() == clerk::error_kind::api);
    CHECK_FALSE(t.error().retry_after().has_value());
  }
  auto r = json_response(429, R"({"errors":[]})");
  r.headers.add("Retry-After", "99999999999999999999999999");
  auto t = parsed<F>(r, clerk::response_limits{});
  REQUIRE(t.has_error());
  REQUIRE(t.error().retry_after().has_value());
  CHECK(t.error().retry_after()->delay({}) == clerk::max_retry_after);
}

HOSTILE_CASE("the body excerpt an error keeps is bounded whatever the body") {
  std::string body(100000, 'x');
  auto u = refused<F>(json_response(500, body));
  CHECK(u.body_excerpt.size() == clerk::body_excerpt_limit);
  CHECK(u.body_size == body.size());
  clerk::error e(u);
  CHECK(e.message().size() < 1024);
}

// ---- The actor token model's own rows ------------------------------------

namespace {

// An actor token whose "actor" member is the JSON text given.
std::string actor_token_with(std::string_view actor) {
  std::string s =
      R"({"object":"actor_token","id":"act_1","status":"pending","user_id":"user_1","actor":)";
  s += actor;
  s += R"(,"created_at":1,"updated_at":2})";
  return s;
}

}  // namespace

TEST_CASE("an actor that is not an object, absent or given twice is refused, naming actor") {
  for (auto [actor, kind] : {std::pair{R"("user_support")", "a string"},
                             {"null", "null"},
                             {"[]", "an array"},
                             {R"([{"sub":"user_support"}])", "an array"},
                             {"5", "an integer"},
                             {"true", "a boolean"}}) {
    std::string_view shown = actor;
    CAPTURE(shown);
    auto u = refused<actor_tokens>(json_response(200, actor_token_with(actor)));
    CHECK(u.problem == std::string("field \"actor\" is ") + kind + ", expected an object");
  }
  auto absent = refused<actor_tokens>(
      json_response(200, R"({"object":"actor_token","id":"act_1","status":"pending",)"
                         R"("user_id":"user_1","created_at":1,"updated_at":2})"));
  CHECK(absent.problem == "missing field \"actor\"");
  auto twice = refused<actor_tokens>(
      json_response(200, token_with<actor_tokens>(R"(,"actor":{"sub":"user_other"})")));
  CHECK(twice.problem == "duplicate field \"actor\"");
}

TEST_CASE("an answer's actor without sub parses, as Clerk's document allows any object there") {
  for (const char* actor : {"{}", R"({"reason":"support"})", R"({"sub":""})"}) {
    std::string_view shown = actor;
    CAPTURE(shown);
    auto t = clerk::parse_response(clerk::create_actor_token{},
                                   json_response(200, actor_token_with(actor)),
                                   clerk::response_limits{});
    REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
    CHECK(t->actor.sub.empty());
  }
}

TEST_CASE("an actor.sub not a string or given twice is refused, naming it") {
  for (auto [actor, problem] : {
           std::pair{R"({"sub":null})", "field \"actor.sub\" is null, expected a string"},
           {R"({"sub":5})", "field \"actor.sub\" is an integer, expected a string"},
           {R"({"sub":1.5})", "field \"actor.sub\" is a non-integer number, expected a string"},
           {R"({"sub":true})", "field \"actor.sub\" is a boolean, expected a string"},
           {R"({"sub":["user_1"]})", "field \"actor.sub\" is an array, expected a string"},
           {R"({"sub":{"id":"user_1"}})", "field \"actor.sub\" is an object, expected a string"},
           {R"({"sub":"user_1","sub":"user_2"})", "duplicate field \"actor.sub\""},
       }) {
    std::string_view shown = actor;
    CAPTURE(shown);
    CHECK(refused<actor_tokens>(json_response(200, actor_token_with(actor))).problem == problem);
  }
  const clerk::response_limits lim{.max_string_bytes = 16};
  auto long_sub = refused<actor_tokens>(
      json_response(200, actor_token_with(R"({"sub":"user_support_0123456789"})")), lim);
  CHECK(long_sub.problem == "field \"actor.sub\" is longer than the limit of 16 bytes");
}

TEST_CASE("the actor's other claims are kept whole however nested, within the depth limit") {
  auto nested = [](std::size_t n) { return std::string(n, '[') + std::string(n, ']'); };
  // The token is level 1 and the actor level 2: 30 more levels fit in 32.
  auto t = parsed<actor_tokens>(
      json_response(200, actor_token_with(R"({"sub":"user_support","deep":)" + nested(30) +
                                          R"(,"n":1e400,"s":"\u00e9"})")));
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
  CHECK(t->actor.sub == "user_support");
  CHECK(t->actor.other_claims.text() == R"({"deep":)" + nested(30) + R"(,"n":1e400,"s":"é"})");
  auto u = refused<actor_tokens>(
      json_response(200, actor_token_with(R"({"sub":"user_support","deep":)" + nested(31) + "}")));
  CHECK(starts_with(u.problem, "body is not valid JSON"));
}

TEST_CASE("every actor token status is read; an unknown one is kept as an open enum") {
  using status = clerk::actor_token_status;
  for (auto [text, want] : {std::pair{"pending", status::pending},
                            {"accepted", status::accepted},
                            {"revoked", status::revoked},
                            {"expired", status::unknown},
                            {"Pending", status::unknown}}) {
    std::string_view shown = text;
    CAPTURE(shown);
    auto t = parsed<actor_tokens>(
        json_response(200, token<actor_tokens>(R"("act_1")", '"' + std::string(text) + '"')));
    REQUIRE(t.has_value());
    CHECK(t->status == want);
    CHECK(t->status.raw() == text);
    CHECK(clerk_test::printed(*t).find(std::string("status=") + text) != std::string::npos);
  }
}
