// Parsing the Frontend API's answers: lenient where Clerk's SDKs differ,
// strict about what the flow relies on, the rotated client token taken from
// the Authorization header.
#include <clerk/frontend/errors.hpp>
#include <clerk/frontend/operations.hpp>

#include "support.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

clerk::frontend::frontend_config example_fapi() {
  auto c =
      clerk::frontend::frontend_config::make({.frontend_api_url = "https://clerk.example.com"});
  REQUIRE(c.has_value());
  return *c;
}

constexpr const char* session_json =
    R"({"object":"session","id":"sess_1","status":"active","expire_at":1719952616214,)"
    R"("abandon_at":1719952616214,"last_active_at":1719952616214,)"
    R"("last_active_token":{"object":"token","jwt":"eyJh.eyJi.c2ln"},)"
    R"("last_active_organization_id":null,"actor":null,"tasks":null,)"
    R"("public_user_data":{"first_name":null,"identifier":"a@b.c","user_id":"user_1"},)"
    R"("user":{"object":"user","id":"user_1","extra":[1,2]},"factor_verification_age":[0,-1],)"
    R"("created_at":1719952616214,"updated_at":1719952616214})";

std::string client_json(std::string sessions = std::string("[") + session_json + "]",
                        std::string last = "\"sess_1\"") {
  return R"({"object":"client","id":"client_1","sessions":)" + sessions +
         R"(,"sign_in":null,"sign_up":null,"last_active_session_id":)" + last +
         R"(,"last_authentication_strategy":"ticket","cookie_expires_at":null,)"
         R"("captcha_bypass":false,"created_at":1,"updated_at":2})";
}

std::string sign_in_json(std::string status, std::string created = "\"sess_1\"") {
  return R"({"response":{"object":"sign_in_attempt","id":"sia_1","status":")" + status +
         R"(","supported_identifiers":[],"supported_first_factors":[],)"
         R"("supported_second_factors":[],"first_factor_verification":)"
         R"({"object":"verification","status":"verified","strategy":"ticket"},)"
         R"("second_factor_verification":null,"identifier":null,"user_data":null,)"
         R"("created_session_id":)" +
         created + R"(,"abandon_at":1},"client":)" + client_json() + "}";
}

clerk::http_response with_token(clerk::http_response r, std::string token) {
  r.headers.add("Authorization", std::move(token));
  return r;
}

}  // namespace

TEST_CASE("a complete ticket sign-in parses with its session and the rotated client token") {
  auto r = clerk::parse_response(
      clerk::frontend::sign_in_with_ticket{},
      with_token(clerk_test::json_response(200, sign_in_json("complete")), "Bearer eyJnew.x.y"),
      example_fapi());
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(r->response.id == "sia_1");
  CHECK(r->response.status == clerk::frontend::sign_in_status::complete);
  CHECK(r->response.created_session_id == "sess_1");
  REQUIRE(r->client.has_value());
  CHECK(r->client->id == "client_1");
  CHECK(r->client->last_active_session_id == "sess_1");
  const clerk::frontend::session* s = r->client->find("sess_1");
  REQUIRE(s != nullptr);
  CHECK(s->status == clerk::frontend::session_status::active);
  CHECK(s->user_id() == "user_1");
  REQUIRE(s->last_active_token.has_value());
  CHECK(s->last_active_token->jwt.reveal() == "eyJh.eyJi.c2ln");
  REQUIRE(r->client_token.has_value());
  CHECK(r->client_token->reveal() == "Bearer eyJnew.x.y");
}

TEST_CASE("statuses this version does not know are kept, not refused") {
  auto r = clerk::parse_response(
      clerk::frontend::sign_in_with_ticket{},
      clerk_test::json_response(200, sign_in_json("needs_magic", "null")), example_fapi());
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(r->response.status == clerk::frontend::sign_in_status::unknown);
  CHECK(r->response.status.raw() == "needs_magic");
  CHECK_FALSE(r->response.created_session_id.has_value());
  CHECK_FALSE(r->client_token.has_value());
}

TEST_CASE("a session's user id comes from user.id, else public_user_data.user_id") {
  std::string only_public = R"({"id":"sess_2","status":"pending",)"
                            R"("public_user_data":{"user_id":"user_9"}})";
  auto r = clerk::parse_response(
      clerk::frontend::touch_session{},
      clerk_test::json_response(200, R"({"response":)" + only_public + R"(,"client":null})"),
      example_fapi());
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(r->response.id == "sess_2");
  CHECK(r->response.status == clerk::frontend::session_status::pending);
  CHECK(r->response.user_id() == "user_9");
  CHECK_FALSE(r->client.has_value());
}

TEST_CASE("the client answer: a client in response or in client, or none") {
  auto in_response = clerk::parse_response(
      clerk::frontend::read_client{},
      clerk_test::json_response(200, R"({"response":)" + client_json() + R"(,"client":null})"),
      example_fapi());
  REQUIRE_MESSAGE(in_response.has_value(), in_response.error().message());
  REQUIRE(in_response->current() != nullptr);
  CHECK(in_response->current()->sessions.size() == 1);

  auto in_client =
      clerk::parse_response(clerk::frontend::read_client{},
                            clerk_test::json_response(200, R"({"response":null,"client":)" +
                                                               client_json("[]", "null") + "}"),
                            example_fapi());
  REQUIRE(in_client.has_value());
  REQUIRE(in_client->current() != nullptr);
  CHECK(in_client->current()->sessions.empty());
  CHECK_FALSE(in_client->current()->last_active_session_id.has_value());

  auto none = clerk::parse_response(
      clerk::frontend::read_client{},
      with_token(clerk_test::json_response(200, R"({"response":null,"client":null})"), "Bearer t"),
      example_fapi());
  REQUIRE(none.has_value());
  CHECK(none->current() == nullptr);
  CHECK(none->client_token->reveal() == "Bearer t");
}

TEST_CASE("a session token parses with or without its object member") {
  for (const char* body :
       {R"({"object":"token","jwt":"eyJa.eyJb.c"})", R"({"jwt":"eyJa.eyJb.c"})"}) {
    CAPTURE(body);
    auto t = clerk::parse_response(clerk::frontend::mint_session_token{},
                                   clerk_test::json_response(200, body), example_fapi());
    REQUIRE_MESSAGE(t.has_value(), t.error().message());
    CHECK(t->jwt.reveal() == "eyJa.eyJb.c");
  }
  auto empty =
      clerk::parse_response(clerk::frontend::mint_session_token{},
                            clerk_test::json_response(200, R"({"jwt":""})"), example_fapi());
  REQUIRE(empty.has_error());
  CHECK(empty.error().as_unexpected_response() != nullptr);
}

TEST_CASE("what the flow relies on is checked: ids, status, the envelope") {
  for (std::string body :
       {std::string(R"({"response":{"id":"sia_1"},"client":null})"),
        std::string(R"({"response":{"id":"","status":"complete"},"client":null})"),
        std::string(R"({"response":{"id":"sia_1","status":7},"client":null})"),
        std::string(R"({"client":null})"), std::string(R"([])"),
        std::string(R"({"response":{"id":"sia_1","status":"complete"},"client":{"id":"c",)"
                    R"("sessions":[{"id":"s"}]}})")}) {
    CAPTURE(body);
    auto r = clerk::parse_response(clerk::frontend::sign_in_with_ticket{},
                                   clerk_test::json_response(200, body), example_fapi());
    REQUIRE(r.has_error());
    CHECK(r.error().as_unexpected_response() != nullptr);
  }
}

TEST_CASE("Clerk's ticket errors are recognised without comparing strings") {
  struct expected {
    int status;
    const char* code;
    clerk::frontend::frontend_errc value;
  };
  for (auto e :
       {expected{400, "ticket_expired_code", clerk::frontend::frontend_errc::ticket_expired},
        expected{400, "ticket_invalid_code", clerk::frontend::frontend_errc::ticket_invalid},
        expected{400, "sign_in_token_already_used_code",
                 clerk::frontend::frontend_errc::ticket_already_used},
        expected{400, "sign_in_token_revoked_code", clerk::frontend::frontend_errc::ticket_revoked},
        expected{400, "sign_in_token_cannot_be_used_code",
                 clerk::frontend::frontend_errc::ticket_cannot_be_used},
        expected{400, "sign_in_token_not_in_sign_in_code",
                 clerk::frontend::frontend_errc::ticket_not_in_sign_in},
        expected{400, "session_exists", clerk::frontend::frontend_errc::session_exists},
        expected{400, "native_api_disabled", clerk::frontend::frontend_errc::native_api_disabled},
        expected{401, "authentication_invalid", clerk::frontend::frontend_errc::unauthorized},
        expected{403, "user_locked", clerk::frontend::frontend_errc::forbidden},
        expected{422, "form_param_missing", clerk::frontend::frontend_errc::invalid_form},
        expected{429, "too_many_requests", clerk::frontend::frontend_errc::rate_limited},
        expected{400, "host_invalid", clerk::frontend::frontend_errc::other}}) {
    CAPTURE(e.code);
    auto r = clerk::parse_response(
        clerk::frontend::sign_in_with_ticket{},
        clerk_test::json_response(e.status, std::string(R"({"errors":[{"code":")") + e.code +
                                                R"(","message":"m","long_message":"l"}],)"
                                                R"("meta":{},"clerk_trace_id":"t1"})"),
        example_fapi());
    REQUIRE(r.has_error());
    CHECK(r.error().http_status() == e.status);
    CHECK(r.error().clerk_trace_id() == "t1");
    CHECK(clerk::frontend::frontend_error(r.error()) == e.value);
  }
  // A proxy's 429 without a ClerkErrors body is still rate limiting.
  auto proxy = clerk::parse_response(clerk::frontend::read_client{},
                                     clerk_test::response(429, "text/html", "<h1>slow down</h1>"),
                                     example_fapi());
  REQUIRE(proxy.has_error());
  CHECK(clerk::frontend::frontend_error(proxy.error()) ==
        clerk::frontend::frontend_errc::rate_limited);
  CHECK(clerk::frontend::frontend_error(clerk::error(clerk::transport_error{})) ==
        clerk::frontend::frontend_errc::other);
  CHECK(clerk::frontend::to_string(clerk::frontend::frontend_errc::ticket_already_used) ==
        "ticket_already_used");
}

TEST_CASE("models print without their secrets") {
  auto r = clerk::parse_response(clerk::frontend::sign_in_with_ticket{},
                                 clerk_test::json_response(200, sign_in_json("complete")),
                                 example_fapi());
  REQUIRE(r.has_value());
  std::ostringstream os;
  os << *r->client;
  CHECK(os.str().find("sess_1") != std::string::npos);
  CHECK(os.str().find("eyJh") == std::string::npos);
  CHECK(os.str().find("c2ln") == std::string::npos);
}
