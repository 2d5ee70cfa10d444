#include <clerk/backend/sign_in_tokens.hpp>

#include <clerk/json_value.hpp>

#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <string>

using namespace std::chrono_literals;
using clerk_test::json_response;
using clerk_test::response;
using clerk_test::sample_token_json;
using clerk_test::unexpected;

namespace {

const clerk::create_sign_in_token create_op{.user_id = "user_2xyz"};
const clerk::revoke_sign_in_token revoke_op{"sit_2abcDEF"};

clerk::sign_in_token parsed_ok(const clerk::http_response& r) {
  auto t = clerk::parse_response(create_op, r, clerk::response_limits{});
  REQUIRE_MESSAGE(t.has_value(), (t.has_value() ? "" : t.error().message()));
  return *t;
}

clerk::api_error api_failure(const clerk::http_response& r) {
  auto t = clerk::parse_response(create_op, r, clerk::response_limits{});
  REQUIRE(t.has_error());
  REQUIRE_MESSAGE(t.error().kind() == clerk::error_kind::api, t.error().message());
  return *t.error().as_api();
}

std::string replaced(std::string s, std::string_view from, std::string_view to) {
  auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a create response gives every field of the sign-in token") {
  auto t = parsed_ok(json_response(200, sample_token_json()));
  CHECK(t.id == "sit_2abcDEF");
  CHECK(t.status == clerk::sign_in_token_status::pending);
  CHECK(t.status.raw() == "pending");
  CHECK(t.user_id == "user_2xyz");
  REQUIRE(t.token.has_value());
  CHECK(t.token->reveal() == clerk_test::sample_jwt);
  REQUIRE(t.url.has_value());
  CHECK(t.url->reveal() == std::string("https://accounts.example.com/v1/tickets/accept?ticket=") +
                               clerk_test::sample_jwt);
  CHECK(t.created_at.time_since_epoch() == 1719952616214ms);
  CHECK(t.updated_at.time_since_epoch() == 1719952616215ms);
}

TEST_CASE("a revoke response without token and url parses with both absent") {
  auto t = clerk::parse_response(
      revoke_op,
      json_response(200, R"({"object":"sign_in_token","id":"sit_1","status":"revoked",)"
                         R"("user_id":"user_1","created_at":1,"updated_at":2})"),
      clerk::response_limits{});
  REQUIRE(t.has_value());
  CHECK(t->status == clerk::sign_in_token_status::revoked);
  CHECK_FALSE(t->token.has_value());
  CHECK_FALSE(t->url.has_value());
}

TEST_CASE("a null url is absent") {
  auto t = parsed_ok(json_response(
      200, replaced(sample_token_json(),
                    R"("url":"https://accounts.example.com/v1/tickets/accept?ticket=)" +
                        std::string(clerk_test::sample_jwt) + "\"",
                    R"("url":null)")));
  CHECK_FALSE(t.url.has_value());
  CHECK(t.token.has_value());
}

TEST_CASE("a JSON content type is recognised with parameters and in any case") {
  for (const char* ct : {"application/json; charset=utf-8", "Application/JSON",
                         "application/json;charset=UTF-8", "application/vnd.clerk+json"}) {
    CAPTURE(ct);
    CHECK(clerk::parse_response(create_op, response(200, ct, sample_token_json()),
                                clerk::response_limits{})
              .has_value());
  }
}

TEST_CASE("an unknown status is kept as its string, not a failure") {
  auto t = parsed_ok(json_response(200, sample_token_json("expired_someday")));
  CHECK(t.status == clerk::sign_in_token_status::unknown);
  CHECK(t.status.raw() == "expired_someday");
  CHECK(parsed_ok(json_response(200, sample_token_json("accepted"))).status ==
        clerk::sign_in_token_status::accepted);
}

TEST_CASE("unknown fields are ignored") {
  auto body =
      replaced(sample_token_json(), R"("object":"sign_in_token",)",
               R"("object":"sign_in_token","new_field":{"nested":[1,2,{"x":null}]},"flag":true,)");
  CHECK(parsed_ok(json_response(200, body)).id == "sit_2abcDEF");
}

TEST_CASE("422 form_param_missing keeps the status, every ClerkError and the trace id") {
  auto a = api_failure(json_response(
      422,
      R"({"errors":[{"message":"is missing","long_message":"user_id must be included.","code":"form_param_missing","meta":{"param_name":"user_id"}}],"clerk_trace_id":"trace_abc123"})"));
  CHECK(a.status == 422);
  REQUIRE(a.errors.size() == 1);
  CHECK(a.errors[0].code == "form_param_missing");
  CHECK(a.errors[0].message == "is missing");
  CHECK(a.errors[0].long_message == "user_id must be included.");
  CHECK(clerk::to_value(a.errors[0].meta).at("param_name").as_string() == "user_id");
  CHECK(a.clerk_trace_id == "trace_abc123");
  CHECK_FALSE(a.retry_after.has_value());
}

TEST_CASE("404 resource_not_found takes the trace id from the Clerk-Trace-Id header") {
  auto r = json_response(
      404,
      R"({"errors":[{"message":"not found","long_message":"Resource not found","code":"resource_not_found"}]})");
  r.headers.add("Clerk-Trace-Id", "hdr_trace_9");
  auto a = api_failure(r);
  CHECK(a.status == 404);
  CHECK(a.errors.at(0).code == "resource_not_found");
  CHECK(a.clerk_trace_id == "hdr_trace_9");
}

TEST_CASE("400 sign_in_token_cannot_be_revoked_code is an API error for revoke") {
  auto t = clerk::parse_response(
      revoke_op,
      json_response(
          400,
          R"({"errors":[{"message":"cannot be revoked","long_message":"Sign in token cannot be revoked because its status is accepted.","code":"sign_in_token_cannot_be_revoked_code"}],"meta":{},"clerk_trace_id":"t1"})"),
      clerk::response_limits{});
  REQUIRE(t.has_error());
  REQUIRE(t.error().as_api() != nullptr);
  CHECK(t.error().http_status() == 400);
  CHECK(t.error().as_api()->errors.at(0).code == "sign_in_token_cannot_be_revoked_code");
  CHECK(t.error().clerk_trace_id() == "t1");
}

TEST_CASE("401 and 403 are API errors with their codes") {
  auto a401 = api_failure(json_response(
      401,
      R"({"errors":[{"message":"Invalid authentication","long_message":"Unable to authenticate the request, you need to supply an active API key","code":"authentication_invalid"}]})"));
  CHECK(a401.status == 401);
  CHECK(a401.errors.at(0).code == "authentication_invalid");
  auto a403 = api_failure(json_response(
      403,
      R"({"errors":[{"message":"forbidden","long_message":"You are not authorized","code":"authorization_invalid"},{"message":"second","long_message":"another","code":"other_code"}]})"));
  CHECK(a403.status == 403);
  REQUIRE(a403.errors.size() == 2);
  CHECK(a403.errors[1].code == "other_code");
}

TEST_CASE("429 keeps the parsed Retry-After") {
  auto r = json_response(
      429,
      R"({"errors":[{"message":"Too many requests","long_message":"Too many requests, retry later","code":"too_many_requests"}]})");
  r.headers.add("Retry-After", "17");
  auto a = api_failure(r);
  CHECK(a.status == 429);
  REQUIRE(a.retry_after.has_value());
  CHECK(a.retry_after->delay({}) == 17s);
}

TEST_CASE("503 with an HTTP-date Retry-After and an HTML body keeps both status and date") {
  auto r = response(503, "text/html", "<html><body>Service Unavailable</body></html>");
  r.headers.add("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT");
  auto u = unexpected(create_op, r);
  CHECK(u.status == 503);
  REQUIRE(u.retry_after.has_value());
  CHECK(std::get<std::chrono::sys_seconds>(u.retry_after->value).time_since_epoch() == 1445412480s);
}

TEST_CASE("500 with an HTML page is an unexpected response with an excerpt") {
  auto u =
      unexpected(create_op, response(500, "text/html; charset=utf-8",
                                     "<!DOCTYPE html><html><h1>Internal Server Error</h1></html>"));
  CHECK(u.status == 500);
  CHECK(u.content_type == "text/html; charset=utf-8");
  CHECK(u.body_excerpt.starts_with("<!DOCTYPE html>"));
  CHECK(u.problem == "error status without a ClerkErrors body");
}

TEST_CASE("an error status with JSON that is not ClerkErrors is unexpected") {
  CHECK(unexpected(create_op, json_response(502, R"({"message":"bad gateway"})")).problem ==
        "error status without a ClerkErrors body");
  CHECK(unexpected(create_op, json_response(500, R"({"errors":"nope"})")).status == 500);
}

TEST_CASE("a 2xx missing a required field names it") {
  for (const char* field : {"object", "id", "status", "user_id", "created_at", "updated_at"}) {
    CAPTURE(field);
    boost::json::object o = boost::json::parse(sample_token_json()).as_object();
    o.erase(field);
    auto u = unexpected(create_op, json_response(200, boost::json::serialize(o)));
    CHECK(u.problem == std::string("missing field \"") + field + "\"");
  }
}

TEST_CASE("a 2xx with mistyped fields names the field and both types") {
  auto body = replaced(sample_token_json(), R"("created_at":1719952616214)",
                       R"("created_at":"1719952616214")");
  CHECK(unexpected(create_op, json_response(200, body)).problem ==
        "field \"created_at\" is a string, expected an integer");
  body = replaced(sample_token_json(), R"("id":"sit_2abcDEF")", R"("id":42)");
  CHECK(unexpected(create_op, json_response(200, body)).problem ==
        "field \"id\" is an integer, expected a string");
  body = replaced(sample_token_json(), R"("status":"pending")", R"("status":null)");
  CHECK(unexpected(create_op, json_response(200, body)).problem ==
        "field \"status\" is null, expected a string");
  body = replaced(sample_token_json(), R"("updated_at":1719952616215)", R"("updated_at":1.5)");
  CHECK(unexpected(create_op, json_response(200, body)).problem ==
        "field \"updated_at\" is a non-integer number, expected an integer");
  body = replaced(sample_token_json(), R"("updated_at":1719952616215)",
                  R"("updated_at":18446744073709551615)");
  CHECK(unexpected(create_op, json_response(200, body)).problem ==
        "field \"updated_at\" is out of range");
  body = replaced(sample_token_json(), R"("object":"sign_in_token")", R"("object":"user")");
  CHECK(unexpected(create_op, json_response(200, body)).problem ==
        "field \"object\" is \"user\", expected \"sign_in_token\"");
  body = replaced(sample_token_json(), R"("token":")", R"("token":["x"],"t":")");
  CHECK(unexpected(create_op, json_response(200, body)).problem ==
        "field \"token\" is an array, expected a string");
}

TEST_CASE("a timestamp is any int64 count of milliseconds, as the OpenAPI document allows") {
  // -(2^53-1) is Prism's placeholder for an int64 without an example.
  for (std::int64_t v : {std::int64_t{-5}, std::int64_t{-9007199254740991}, std::int64_t{0},
                         std::int64_t{253402300800000}, std::numeric_limits<std::int64_t>::min(),
                         std::numeric_limits<std::int64_t>::max()}) {
    CAPTURE(v);
    auto body = replaced(sample_token_json(), R"("created_at":1719952616214)",
                         "\"created_at\":" + std::to_string(v));
    CHECK(parsed_ok(json_response(200, body)).created_at.time_since_epoch().count() == v);
  }
}

TEST_CASE("truncated JSON, an empty body and a non-object body are unexpected") {
  auto full = sample_token_json();
  auto u = unexpected(create_op, json_response(200, full.substr(0, full.size() / 2)));
  CHECK(u.problem.starts_with("body is not valid JSON"));
  CHECK(unexpected(create_op, json_response(200, "")).problem == "body is empty");
  CHECK(unexpected(create_op, json_response(200, "null")).problem ==
        "body is null, expected a JSON object");
  CHECK(unexpected(create_op, json_response(200, "[1]")).problem ==
        "body is an array, expected a JSON object");
}

TEST_CASE("a 2xx that is not JSON by its content type is unexpected") {
  CHECK(unexpected(create_op, response(200, "text/html", "<html></html>")).problem ==
        "Content-Type is not JSON");
  CHECK(unexpected(create_op, response(200, "", sample_token_json())).problem ==
        "no Content-Type; expected JSON");
  CHECK(unexpected(create_op, response(200, "text/plain", sample_token_json())).content_type ==
        "text/plain");
}

TEST_CASE("an HTML page labelled as JSON is unexpected, not a crash") {
  auto u = unexpected(create_op, json_response(200, "<html><body>Welcome</body></html>"));
  CHECK(u.problem.starts_with("body is not valid JSON"));
  CHECK(u.body_excerpt == "<html><body>Welcome</body></html>");
}

TEST_CASE("a ClerkErrors body on a 2xx is unexpected and keeps its trace id") {
  auto u = unexpected(
      create_op,
      json_response(
          200,
          R"({"errors":[{"code":"x","message":"m","long_message":"l"}],"clerk_trace_id":"tr_2xx"})"));
  CHECK(u.problem == "a success status with a ClerkErrors body");
  CHECK(u.clerk_trace_id == "tr_2xx");
}

TEST_CASE("redirects are reported, not followed") {
  auto r = response(302, "", "");
  r.headers.add("Location", "https://evil.example/steal");
  CHECK(unexpected(create_op, r).problem ==
        "a redirect, not followed: the request carries the secret key");
}

TEST_CASE("the body excerpt is bounded") {
  std::string big(10000, 'x');
  auto u = unexpected(create_op, response(500, "text/plain", big));
  CHECK(u.body_excerpt.size() == clerk::body_excerpt_limit);
  CHECK(u.body_size == 10000);
}

TEST_CASE("a body over the size limit is refused before it is parsed") {
  clerk::response_limits lim;
  lim.max_body_bytes = 64;
  auto u = unexpected(create_op, json_response(200, sample_token_json()), lim);
  CHECK(u.problem.starts_with("body of "));
  CHECK(u.problem.ends_with(" bytes exceeds the limit of 64 bytes"));
}

TEST_CASE("nesting deeper than the limit is refused") {
  std::string deep =
      R"({"object":"sign_in_token","x":)" + std::string(100, '[') + std::string(100, ']') + "}";
  CHECK(unexpected(create_op, json_response(200, deep))
            .problem.starts_with("body is not valid JSON"));
}

TEST_CASE("a string over the string limit is refused, naming the field") {
  clerk::response_limits lim;
  lim.max_string_bytes = 32;
  CHECK(unexpected(create_op, json_response(200, sample_token_json()), lim).problem ==
        "field \"token\" is longer than the limit of 32 bytes");
}

TEST_CASE("a duplicated token field is refused, naming it") {
  auto body = replaced(sample_token_json(), R"("id":"sit_2abcDEF")",
                       R"("id":"sit_2abcDEF","id":"sit_other")");
  CHECK(unexpected(create_op, json_response(200, body)).problem == "duplicate field \"id\"");
  body = replaced(sample_token_json(), R"("status":"pending")",
                  R"("status":"pending","status":"revoked")");
  CHECK(unexpected(create_op, json_response(200, body)).problem == "duplicate field \"status\"");
}

TEST_CASE("fields of nested unknown objects do not count as the token's") {
  auto body = replaced(sample_token_json(), R"("object":"sign_in_token",)",
                       R"("object":"sign_in_token","extra":{"id":5,"object":[],"token":{"x":1}},)");
  auto t = parsed_ok(json_response(200, body));
  CHECK(t.id == "sit_2abcDEF");
}

TEST_CASE("a top-level clerk_trace_id of any type does not break a valid token") {
  auto body = replaced(sample_token_json(), R"("object":"sign_in_token",)",
                       R"("object":"sign_in_token","clerk_trace_id":7,"clerk_trace_id":"x",)");
  CHECK(parsed_ok(json_response(200, body)).id == "sit_2abcDEF");
}

TEST_CASE("data after the JSON document is refused") {
  CHECK(unexpected(create_op, json_response(200, sample_token_json() + " {}"))
            .problem.starts_with("body is not valid JSON"));
}

TEST_CASE("a syntax error anywhere outranks a field problem before it") {
  auto body = replaced(sample_token_json(), R"("id":"sit_2abcDEF")", R"("id":42)");
  body.pop_back();
  CHECK(unexpected(create_op, json_response(200, body))
            .problem.starts_with("body is not valid JSON"));
}

TEST_CASE("scalar bodies name their type") {
  CHECK(unexpected(create_op, json_response(200, "\"text\"")).problem ==
        "body is a string, expected a JSON object");
  CHECK(unexpected(create_op, json_response(200, "42")).problem ==
        "body is an integer, expected a JSON object");
  CHECK(unexpected(create_op, json_response(200, "true")).problem ==
        "body is a boolean, expected a JSON object");
}

TEST_CASE("strings split across escapes are read whole") {
  auto body =
      replaced(sample_token_json(), R"("user_id":"user_2xyz")", R"("user_id":"user_\u0032x\"yz")");
  CHECK(parsed_ok(json_response(200, body)).user_id == "user_2x\"yz");
}
