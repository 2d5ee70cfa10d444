// What errors keep: redacted excerpts and messages, cut on UTF-8 boundaries,
// accurate problems for odd statuses, and what identified a created token
// when its answer failed validation.
#include <clerk/backend/sign_in_tokens.hpp>

#include "support.hpp"

#include <clerk/detail/text.hpp>
#include <clerk/json_value.hpp>

#include <string>

using clerk_test::json_response;
using clerk_test::response;
using clerk_test::unexpected;

namespace {

const clerk::create_sign_in_token create_user_1{.user_id = "user_1"};

}  // namespace

TEST_CASE("the body excerpt is redacted when the error is built; the raw bytes need reveal()") {
  std::string body = std::string("token leaked: ") + clerk_test::sample_jwt;
  auto u = unexpected(create_user_1, response(500, "text/plain", body));
  CHECK(u.body_excerpt.find(clerk_test::sample_jwt) == std::string::npos);
  CHECK(u.body_excerpt == "token leaked: [redacted]");
  CHECK(u.raw_body_excerpt.reveal() == body);
}

TEST_CASE("the body excerpt is cut on a UTF-8 character boundary") {
  std::string body(clerk::body_excerpt_limit - 1, 'a');
  body += "\xc3\xa9tail";  // U+00E9 straddles the limit
  auto u = unexpected(create_user_1, response(500, "text/plain", body));
  CHECK(u.body_excerpt == std::string(clerk::body_excerpt_limit - 1, 'a'));
  CHECK(clerk::detail::is_valid_utf8(u.raw_body_excerpt.reveal()));
}

TEST_CASE("ClerkError strings and the trace id are cut at the limit on a UTF-8 boundary") {
  clerk::response_limits lim;
  lim.max_string_bytes = 5;
  auto t = clerk::parse_response(
      create_user_1,
      json_response(422,
                    "{\"errors\":[{\"code\":\"abcd\xc3\xa9x\",\"message\":\"m\"}],"
                    "\"clerk_trace_id\":\"trac\xe2\x82\xac\"}"),
      lim);
  REQUIRE(t.has_error());
  REQUIRE(t.error().as_api() != nullptr);
  CHECK(t.error().as_api()->errors.at(0).code == "abcd");
  CHECK(t.error().as_api()->clerk_trace_id == "trac");
}

TEST_CASE("an over-long trace id in a 2xx body is cut at the limit") {
  clerk::response_limits lim;
  lim.max_string_bytes = 8;
  auto u = unexpected(create_user_1, json_response(200, R"({"clerk_trace_id":"0123456789abcdef"})"),
                      lim);
  CHECK(u.clerk_trace_id == "01234567");
}

TEST_CASE("ClerkError messages keep no secret: they are redacted when stored") {
  auto t = clerk::parse_response(
      create_user_1,
      json_response(400, std::string(R"({"errors":[{"code":"x","message":"ticket )") +
                             clerk_test::sample_jwt +
                             R"(","long_message":"key sk_live_abcdef"}]})"),
      clerk::response_limits{});
  REQUIRE(t.has_error());
  const auto& e = t.error().as_api()->errors.at(0);
  CHECK(e.message == "ticket [redacted]");
  CHECK(e.long_message == "key sk_live_[redacted]");
}

TEST_CASE("an answer's U+2028, NEL and bytes that are not UTF-8 are escaped in the message") {
  // The reproducer of the review: each would start a line of its own in a
  // log that splits on Unicode line breaks, or break a UTF-8 log.
  auto a =
      unexpected(create_user_1, json_response(200,
                                              "{\"object\":\"sign_in_token\",\"x\":\"a\xe2\x80\xa8"
                                              "FAKE LOG LINE\xc2\x85"
                                              "b\"}"));
  std::string m = clerk::error(a).message();
  CHECK(clerk_test::one_clean_line(m));
  CHECK(m.find("a\\u2028FAKE LOG LINE\\u0085b") != std::string::npos);

  auto b = unexpected(create_user_1, json_response(200, "{\"id\":\"\xff\xfe\"}"));
  m = clerk::error(b).message();
  CHECK(clerk_test::one_clean_line(m));
  CHECK(m.find("{\"id\":\"\\xff\\xfe\"}") != std::string::npos);

  auto c = clerk::parse_response(create_user_1,
                                 json_response(400,
                                               "{\"errors\":[{\"code\":\"c\",\"message\":\"m\","
                                               "\"long_message\":\"a\xe2\x80\xa8"
                                               "FAKE LOG LINE\xc2\x85\"}]}"),
                                 clerk::response_limits{});
  REQUIRE(c.has_error());
  REQUIRE(c.error().as_api() != nullptr);
  m = c.error().message();
  CHECK(clerk_test::one_clean_line(m));
  CHECK(m == "Clerk API error: HTTP 400; c: a\\u2028FAKE LOG LINE\\u0085");
}

TEST_CASE("a 2xx whose errors member is null is reported by what it lacks") {
  auto u = unexpected(create_user_1, json_response(200, R"({"errors":null})"));
  CHECK(u.problem == "missing field \"object\"");
  auto v = unexpected(create_user_1, json_response(200, R"({"errors":[]})"));
  CHECK(v.problem == "a success status with a ClerkErrors body");
}

TEST_CASE("a 1xx is reported as an interim status, not as an error status") {
  auto u = unexpected(create_user_1, response(101, "text/plain", "switching"));
  CHECK(u.problem == "an interim (1xx) status, not a final answer");
}

TEST_CASE("an error body's empty trace id leaves the header's") {
  auto r = json_response(
      404, R"({"errors":[{"code":"resource_not_found","message":"m"}],"clerk_trace_id":""})");
  r.headers.add("Clerk-Trace-Id", "trace_from_header");
  auto t = clerk::parse_response(create_user_1, r, clerk::response_limits{});
  REQUIRE(t.has_error());
  REQUIRE(t.error().as_api() != nullptr);
  CHECK(t.error().as_api()->clerk_trace_id == "trace_from_header");
  CHECK(t.error().as_api()->errors.at(0).code == "resource_not_found");
}

TEST_CASE("commas in an error body's strings do not count against its values") {
  clerk::response_limits lim;
  lim.max_array_elements = 100;
  const std::string commas(500, ',');
  auto t = clerk::parse_response(
      create_user_1,
      json_response(422, R"({"errors":[{"code":"form_param_invalid","long_message":")" + commas +
                             R"(","message":"a, \"b\", [c]"}]})"),
      lim);
  REQUIRE(t.has_error());
  REQUIRE_MESSAGE(t.error().as_api() != nullptr, t.error().message());
  CHECK(t.error().as_api()->errors.at(0).code == "form_param_invalid");
  CHECK(t.error().as_api()->errors.at(0).long_message == commas);
  // Values themselves still count: 200 of them are over the budget.
  std::string many = R"({"errors":[{"code":"x"}],"meta":{"v":[)";
  for (int i = 0; i < 200; ++i)
    many += i == 0 ? "0" : ",0";
  many += "]}}";
  CHECK(unexpected(create_user_1, json_response(422, many), lim).problem ==
        "error status without a ClerkErrors body");
}

TEST_CASE("an error body that repeats a member name is not read as Clerk's errors") {
  for (const char* body : {R"({"errors":[{"code":"resource_not_found"}],"errors":[]})",
                           R"({"errors":[],"errors":[{"code":"resource_not_found"}]})",
                           R"({"errors":[{"code":"a","code":"b"}]})"}) {
    CAPTURE(body);
    auto r = json_response(404, body);
    r.headers.add("Clerk-Trace-Id", "trace_1");
    auto u = unexpected(create_user_1, r);
    CHECK(u.problem == "error status whose body repeats a member name");
    CHECK(u.status == 404);
    CHECK(u.clerk_trace_id == "trace_1");
  }
}

TEST_CASE("only a 4xx or 5xx is read as Clerk's errors") {
  const std::string errors = R"({"errors":[{"code":"x","message":"m"}]})";
  for (int status : {400, 404, 500, 599}) {
    CAPTURE(status);
    auto t = clerk::parse_response(create_user_1, json_response(status, errors),
                                   clerk::response_limits{});
    REQUIRE(t.has_error());
    CHECK(t.error().as_api() != nullptr);
  }
  CHECK(unexpected(create_user_1, json_response(302, errors)).problem ==
        "a redirect, not followed: the request carries the secret key");
  CHECK(unexpected(create_user_1, json_response(101, errors)).problem ==
        "an interim (1xx) status, not a final answer");
  for (int status : {600, 1000, -1}) {
    CAPTURE(status);
    CHECK(unexpected(create_user_1, json_response(status, errors)).problem == "not an HTTP status");
  }
}

TEST_CASE("a created token whose answer fails validation still gives its id, token and url") {
  std::string body = clerk_test::sample_token_json();
  body.replace(body.find("\"created_at\":1719952616214"), 26, "\"created_at\":\"yesterday\"");
  auto u = unexpected(create_user_1, json_response(200, body));
  CHECK(u.problem == "field \"created_at\" is a string, expected an integer");
  REQUIRE(u.partial.has_value());
  CHECK(u.partial->id == "sit_2abcDEF");
  REQUIRE(u.partial->secrets.size() == 2);
  CHECK(u.partial->secrets[0].first == "token");
  CHECK(u.partial->secrets[0].second.reveal() == clerk_test::sample_jwt);
  CHECK(u.partial->secrets[1].first == "url");
  CHECK(clerk::error(u).message().find(clerk_test::sample_jwt) == std::string::npos);
  // Nothing identifying: no partial.
  CHECK_FALSE(
      unexpected(create_user_1, json_response(200, R"({"object":"sign_in_token"})")).partial);
}

TEST_CASE("a 2xx refused for its media type or size still gives the created token's id") {
  const std::string body = clerk_test::sample_token_json();
  for (const char* type : {"text/plain", ""}) {
    CAPTURE(type);
    auto u = unexpected(create_user_1, response(200, type, body));
    REQUIRE(u.partial.has_value());
    CHECK(u.partial->id == "sit_2abcDEF");
    REQUIRE(u.partial->secrets.size() == 2);
    CHECK(u.partial->secrets[0].second.reveal() == clerk_test::sample_jwt);
  }
  // Over the size limit: only the first max_body_bytes are read for it.
  const auto id_end = body.find("sit_2abcDEF") + 12;
  clerk::response_limits lim;
  lim.max_body_bytes = id_end;
  auto cut = unexpected(create_user_1, json_response(200, body), lim);
  CHECK(cut.problem.starts_with("body of "));
  REQUIRE(cut.partial.has_value());
  CHECK(cut.partial->id == "sit_2abcDEF");
  CHECK(cut.partial->secrets.empty());  // the token lies beyond the limit
  lim.max_body_bytes = id_end - 2;      // the id is cut: nothing is taken from it
  CHECK_FALSE(unexpected(create_user_1, json_response(200, body), lim).partial);
  // Not a 2xx, or not JSON at all: nothing.
  CHECK_FALSE(unexpected(create_user_1, response(500, "text/plain", body)).partial);
  CHECK_FALSE(unexpected(create_user_1, response(200, "text/html", "<html>")).partial);
}

TEST_CASE("meta is kept as JSON text, a Boost.JSON value on request") {
  auto t = clerk::parse_response(
      create_user_1,
      json_response(
          422,
          R"({"errors":[{"code":"form_param_missing","meta":{"param_name":"user_id"}}],"meta":{"a":1}})"),
      clerk::response_limits{});
  REQUIRE(t.has_error());
  const auto* a = t.error().as_api();
  REQUIRE(a != nullptr);
  CHECK(a->errors.at(0).meta.text() == R"({"param_name":"user_id"})");
  CHECK(clerk::to_value(a->errors.at(0).meta).at("param_name").as_string() == "user_id");
  CHECK(clerk::to_value(a->meta).at("a").as_int64() == 1);
}

TEST_CASE("every Backend API request names the SDK beside the User-Agent") {
  auto r = clerk::build_request(clerk::revoke_sign_in_token{"sit_1"}, clerk_test::make_config());
  REQUIRE(r.has_value());
  CHECK(r->headers.find("X-Clerk-SDK") == "cpp/0.1.0");
}
