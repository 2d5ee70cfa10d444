// The secret key, the token and the ticket in the URL never appear in what
// the library prints: one case for each printable type.
#include <clerk/backend.hpp>

#include "support.hpp"

#include <sstream>
#include <string>
#include <string_view>
#include <system_error>

using clerk_test::printed;

namespace {

// A live key, so that the test also covers the "sk_live_" prefix.
const std::string live_key = "sk_live_Zq9XvB2mN4pL7rT1wY5uE8aS3dF6gH0j";
const std::string key_body = "Zq9XvB2mN4pL7rT1wY5uE8aS3dF6gH0j";
const std::string jwt = clerk_test::sample_jwt;
// The part of a JWT that makes it a credential: without the signature it is
// only a claim.
const std::string signature = jwt.substr(jwt.rfind('.') + 1);
const std::string ticket_url = "https://accounts.example.com/v1/tickets/accept?ticket=" + jwt;

clerk::config live_config() {
  auto c = clerk::config::make(clerk::options{.secret_key = live_key});
  REQUIRE(c.has_value());
  return *c;
}

void check_no_secret(std::string_view text) {
  CAPTURE(text);
  CHECK(text.find(key_body) == std::string_view::npos);
  CHECK(text.find(jwt) == std::string_view::npos);
  CHECK(text.find(signature) == std::string_view::npos);
}

// A JSON body with every secret in it, as Clerk and a careless proxy might send.
std::string body_with_secrets() {
  return R"({"object":"sign_in_token","id":"sit_1","status":"pending","user_id":"u","token":")" +
         jwt + R"(","url":")" + ticket_url + R"(","echo":")" + live_key +
         R"(","created_at":1,"updated_at":2})";
}

}  // namespace

TEST_CASE("a printed request shows the key's kind only, never the key") {
  const auto cfg = live_config();
  for (bool revoke : {false, true}) {
    auto r = revoke ? clerk::build_request(clerk::revoke_sign_in_token{"sit_1"}, cfg)
                    : clerk::build_request(clerk::create_sign_in_token{.user_id = "u"}, cfg);
    REQUIRE(r.has_value());
    REQUIRE(r->headers.find("Authorization") == "Bearer " + live_key);  // sent, not shown
    std::string text = printed(*r);
    check_no_secret(text);
    CHECK(text.find("Authorization: Bearer sk_live_[redacted]") != std::string::npos);
  }
}

TEST_CASE("a printed request redacts secrets wherever a caller put them") {
  clerk::http_request r;
  r.url = ticket_url;
  r.headers.add("authorization", "Bearer " + live_key);
  r.headers.add("Proxy-Authorization", "Basic " + key_body);
  r.headers.add("Cookie", "__session=" + jwt);
  r.headers.add("X-Debug", live_key);
  r.body = body_with_secrets();
  check_no_secret(printed(r));
}

TEST_CASE("a printed response redacts the token, the ticket and any key") {
  auto r = clerk_test::json_response(200, body_with_secrets());
  r.headers.add("Set-Cookie", "__client=" + jwt + "; HttpOnly");
  r.headers.add("Location", ticket_url);
  std::string text = printed(r);
  check_no_secret(text);
  CHECK(text.find("\"token\":\"[redacted]\"") != std::string::npos);
}

TEST_CASE("a parsed token prints with its token and ticket redacted") {
  auto t = clerk::parse_response(clerk::create_sign_in_token{.user_id = "u"},
                                 clerk_test::json_response(200, body_with_secrets()),
                                 clerk::response_limits{});
  REQUIRE(t.has_value());
  REQUIRE(t->token->reveal() == jwt);
  REQUIRE(t->url->reveal() == ticket_url);
  std::string text = printed(*t);
  check_no_secret(text);
  CHECK(text.find("token=[redacted]") != std::string::npos);
  CHECK(text.find("url=https://accounts.example.com/v1/tickets/accept?[redacted]") !=
        std::string::npos);
}

TEST_CASE("a secret prints as [redacted] and only reveal() gives it") {
  const clerk::secret s(live_key);
  CHECK(printed(s) == "[redacted]");
  CHECK(s.reveal() == live_key);
}

TEST_CASE("a printed config shows the key's kind only") {
  std::string text = printed(live_config());
  check_no_secret(text);
  CHECK(text.find("secret_key=sk_live_[redacted]") != std::string::npos);
}

TEST_CASE("an invalid_request error never repeats the value it refuses") {
  // A key pasted into the wrong option is still a key.
  auto c =
      clerk::config::make(clerk::options{.secret_key = live_key, .user_agent = live_key + "\n"});
  REQUIRE(c.has_error());
  check_no_secret(c.error().message());
  auto r =
      clerk::build_request(clerk::create_sign_in_token{.user_id = jwt + "\r\n"}, live_config());
  REQUIRE(r.has_error());
  check_no_secret(r.error().message());
  check_no_secret(printed(r.error()));
  // Even a caller's own invalid_request with secrets in it prints redacted.
  check_no_secret(clerk::error(clerk::invalid_request{live_key, "bad: " + jwt}).message());
}

TEST_CASE("a transport error's message is redacted") {
  // Each short enough to fit the 256 bytes a message keeps of it.
  for (std::string text : {"connect with key " + live_key, "bad answer " + jwt,
                           "redirected to ?ticket=" + signature}) {
    clerk::error e(
        clerk::transport_error{std::make_error_code(std::errc::connection_refused), text, true});
    check_no_secret(e.message());
    check_no_secret(printed(e));
  }
}

TEST_CASE("an api error's message is redacted, whatever Clerk echoes back") {
  auto r = clerk_test::json_response(
      422, R"({"errors":[{"code":"form_param_value_invalid","message":")" + jwt +
               R"(","long_message":"token )" + jwt + " for " + ticket_url +
               R"("}],"clerk_trace_id":")" + live_key + R"("})");
  auto t = clerk::parse_response(clerk::create_sign_in_token{.user_id = "u"}, r,
                                 clerk::response_limits{});
  REQUIRE(t.has_error());
  REQUIRE(t.error().kind() == clerk::error_kind::api);
  check_no_secret(t.error().message());
  check_no_secret(printed(t.error()));
}

TEST_CASE("an unexpected response's message and excerpt are redacted; raw bytes need reveal()") {
  // A real token whose created_at is wrong; the token comes first, so the
  // excerpt (the body's first 256 bytes) holds all of it.
  std::string body = R"({"token":")" + jwt + R"(","object":"sign_in_token","id":"sit_1",)" +
                     R"("status":"pending","user_id":"u","created_at":"1","updated_at":2})";
  auto r = clerk_test::json_response(200, body);
  r.headers.add("Clerk-Trace-Id", live_key);
  auto t = clerk::parse_response(clerk::create_sign_in_token{.user_id = "u"}, r,
                                 clerk::response_limits{});
  REQUIRE(t.has_error());
  REQUIRE(t.error().kind() == clerk::error_kind::unexpected_response);
  check_no_secret(t.error().as_unexpected_response()->body_excerpt);
  CHECK(t.error().as_unexpected_response()->raw_body_excerpt.reveal().find(jwt) !=
        std::string::npos);
  check_no_secret(t.error().message());
  check_no_secret(printed(t.error()));
}

TEST_CASE("a credential in a header nobody listed is never printed") {
  clerk::http_response r{200,
                         {{"X-Api-Key", "opaque0credential0not0key0shaped"},
                          {"X-Forwarded-Authorization", "Basic dXNlcjpwYXNzd29yZA=="},
                          {"Authorization", "Bearer " + live_key}},
                         ""};
  auto s = clerk_test::printed(r);
  CHECK(s.find("opaque0credential") == std::string::npos);
  CHECK(s.find("dXNlcjpwYXNzd29yZA") == std::string::npos);
  check_no_secret(s);
}

TEST_CASE("an error message is one line whatever the server sent") {
  auto r = clerk_test::json_response(
      400, "{\"errors\":[{\"code\":\"x\\r\\nSet-Cookie: a=b\",\"message\":\"line1\\nline2\"}]}");
  auto t = clerk::parse_response(clerk::revoke_sign_in_token{"sit_1"}, r, clerk::response_limits{});
  REQUIRE(t.has_error());
  std::string m = t.error().message();
  CHECK(m.find('\n') == std::string::npos);
  CHECK(m.find('\r') == std::string::npos);
}

#if defined(__cpp_exceptions)
TEST_CASE("the exception value() throws carries the redacted message only") {
  auto t = clerk::parse_response(
      clerk::create_sign_in_token{.user_id = "u"},
      clerk_test::json_response(500, R"({"errors":[{"code":"x","message":")" + jwt + "\"}]}"),
      clerk::response_limits{});
  REQUIRE(t.has_error());
  try {
    (void)t.value();
    FAIL("value() did not throw");
  } catch (const clerk::exception& e) {
    check_no_secret(e.what());
  }
}

TEST_CASE("value() on a transport error throws with the transport's message redacted") {
  for (std::string text : {"connect with key " + live_key, "bad answer " + jwt,
                           "redirected to ?ticket=" + signature}) {
    clerk::transport_result r =
        clerk::transport_error{std::make_error_code(std::errc::connection_refused), text, false};
    try {
      (void)r.value();
      FAIL("value() did not throw");
    } catch (const std::exception& e) {
      check_no_secret(e.what());
    }
  }
}
#endif
