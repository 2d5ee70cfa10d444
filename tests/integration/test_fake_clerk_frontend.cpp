// The fake Clerk's Frontend API, driven with hand-written requests: what it
// answers is what the library's Frontend API operations are tested against.
#include <clerk/fakes/fake_clerk.hpp>

#include <clerk/backend.hpp>

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

using namespace std::chrono_literals;
using clerk::fakes::fake_clerk;
namespace json = boost::json;

namespace {

constexpr std::string_view fapi = "http://127.0.0.1:1/v1";

fake_clerk populated_frontend() {
  fake_clerk fake;
  fake.add_user("user_1");
  fake.add_organization("org_1", {"user_1"});
  return fake;
}

// A ticket for `user`, minted through the fake's Backend API.
std::string ticket_for(const fake_clerk& fake, std::string user = "user_1",
                       std::optional<std::chrono::seconds> expires_in = std::nullopt,
                       std::string* token_id = nullptr) {
  auto cfg =
      clerk::config::make({.secret_key = fake.secret_key(), .base_url = "http://localhost/v1"});
  REQUIRE(cfg.has_value());
  const clerk::client client(*cfg, fake);
  auto t =
      client.send(clerk::create_sign_in_token{.user_id = user, .expires_in_seconds = expires_in});
  REQUIRE(t.has_value());
  if (token_id)
    *token_id = t->id;
  return std::string(t->token->reveal());
}

clerk::http_request fapi_request(clerk::http_method m, std::string target, std::string body = {},
                                 std::string token = {}) {
  clerk::http_request r;
  r.method = m;
  r.url = std::string(fapi) + target;
  if (!token.empty())
    r.headers.add("Authorization", token);
  if (!body.empty()) {
    r.headers.add("Content-Type", "application/x-www-form-urlencoded");
    r.body = std::move(body);
  }
  return r;
}

clerk::http_response answer(const fake_clerk& fake, const clerk::http_request& r) {
  auto a = fake(r);
  REQUIRE(a.has_value());
  return *a;
}

json::object body_of(const clerk::http_response& r) {
  auto v = json::parse(r.body);
  REQUIRE(v.is_object());
  return v.as_object();
}

std::string fapi_error_code_of(const clerk::http_response& r) {
  auto b = body_of(r);
  REQUIRE(b.contains("errors"));
  REQUIRE(b.contains("clerk_trace_id"));
  return std::string(b["errors"].as_array().at(0).as_object().at("code").as_string());
}

std::string new_client_token(const fake_clerk& fake) {
  auto r = answer(fake, fapi_request(clerk::http_method::post, "/client?_is_native=1"));
  REQUIRE(r.status == 200);
  auto token = r.headers.find("authorization");
  REQUIRE(token.has_value());
  return std::string(*token);
}

std::string base64url_decode(std::string_view in) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
            : c == '_'             ? 63
                                   : -1;
    REQUIRE(v >= 0);
    acc = (acc << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  return out;
}

json::object claims_of(std::string_view jwt) {
  auto first = jwt.find('.');
  auto second = jwt.find('.', first + 1);
  REQUIRE(second != std::string_view::npos);
  auto v = json::parse(base64url_decode(jwt.substr(first + 1, second - first - 1)));
  return v.as_object();
}

}  // namespace

TEST_CASE("fake FAPI: POST /v1/client mints a client token in the Authorization header") {
  auto fake = populated_frontend();
  auto r = answer(fake, fapi_request(clerk::http_method::post, "/client?_is_native=1"));
  CHECK(r.status == 200);
  auto token = r.headers.find("authorization");
  REQUIRE(token.has_value());
  CHECK(token->starts_with("Bearer eyJ"));
  auto b = body_of(r);
  CHECK(b["client"].is_null());
  CHECK(b["response"].as_object()["object"] == "client");
  CHECK(b["response"].as_object()["sessions"].as_array().empty());
  CHECK(b["response"].as_object()["last_active_session_id"].is_null());
  CHECK(fake.client_count() == 1);
}

TEST_CASE("fake FAPI: GET /v1/client without a token answers a null client and makes none") {
  auto fake = populated_frontend();
  auto r = answer(fake, fapi_request(clerk::http_method::get, "/client?_is_native=1"));
  CHECK(r.status == 200);
  CHECK_FALSE(r.headers.find("authorization"));
  auto b = body_of(r);
  CHECK(b["response"].is_null());
  CHECK(b["client"].is_null());
  CHECK(fake.client_count() == 0);
}

TEST_CASE("fake FAPI: a ticket signs in once, rotates the token and accepts the BAPI token") {
  auto fake = populated_frontend();
  std::string token_id;
  auto ticket = ticket_for(fake, "user_1", std::nullopt, &token_id);
  auto token = new_client_token(fake);
  auto r = answer(fake, fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                     "strategy=ticket&ticket=" + ticket, token));
  REQUIRE(r.status == 200);
  auto rotated = r.headers.find("authorization");
  REQUIRE(rotated.has_value());
  CHECK(*rotated != token);
  auto b = body_of(r);
  auto& attempt = b["response"].as_object();
  CHECK(attempt["object"] == "sign_in_attempt");
  CHECK(attempt["status"] == "complete");
  std::string sid(attempt["created_session_id"].as_string());
  auto& client = b["client"].as_object();
  CHECK(client["last_active_session_id"] == json::string(sid));
  REQUIRE(client["sessions"].as_array().size() == 1);
  CHECK(client["sessions"].as_array()[0].as_object()["user"].as_object()["id"] == "user_1");
  CHECK(fake.find_token(token_id)->status == clerk::sign_in_token_status::accepted);
  auto session = fake.find_session(sid);
  REQUIRE(session.has_value());
  CHECK(session->user_id == "user_1");
  CHECK(session->status == "active");

  // Single use; and only a pending token can be revoked.
  auto again =
      answer(fake, fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                "strategy=ticket&ticket=" + ticket, std::string(*rotated)));
  CHECK(again.status == 400);
  CHECK(fapi_error_code_of(again) == "sign_in_token_already_used_code");
  auto cfg =
      clerk::config::make({.secret_key = fake.secret_key(), .base_url = "http://localhost/v1"});
  auto revoked = clerk::client(*cfg, fake).send(clerk::revoke_sign_in_token{token_id});
  REQUIRE(revoked.has_error());
  CHECK(revoked.error().as_api()->errors.at(0).code == "sign_in_token_cannot_be_revoked_code");
}

TEST_CASE("fake FAPI: a token-less sign-in makes its own client") {
  auto fake = populated_frontend();
  auto r = answer(fake, fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                     "strategy=ticket&ticket=" + ticket_for(fake)));
  CHECK(r.status == 200);
  CHECK(r.headers.find("authorization").has_value());
  CHECK(fake.client_count() == 1);
}

TEST_CASE("fake FAPI: expired, revoked, foreign and missing tickets get Clerk's codes") {
  auto fake = populated_frontend();
  auto token = new_client_token(fake);
  auto sign_in = [&](std::string body) {
    return answer(fake, fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                     std::move(body), token));
  };
  auto expiring = ticket_for(fake, "user_1", 60s);
  std::string revoked_id;
  auto revoked = ticket_for(fake, "user_1", std::nullopt, &revoked_id);
  auto cfg =
      clerk::config::make({.secret_key = fake.secret_key(), .base_url = "http://localhost/v1"});
  REQUIRE(clerk::client(*cfg, fake).send(clerk::revoke_sign_in_token{revoked_id}));
  fake.advance(61s);

  auto r = sign_in("strategy=ticket&ticket=" + expiring);
  CHECK(r.status == 400);
  CHECK(fapi_error_code_of(r) == "ticket_expired_code");
  r = sign_in("strategy=ticket&ticket=" + revoked);
  CHECK(r.status == 400);
  CHECK(fapi_error_code_of(r) == "sign_in_token_revoked_code");
  r = sign_in("strategy=ticket&ticket=not-a-ticket");
  CHECK(r.status == 400);
  CHECK(fapi_error_code_of(r) == "ticket_invalid_code");
  r = sign_in("strategy=ticket");
  CHECK(r.status == 422);
  CHECK(fapi_error_code_of(r) == "form_param_missing");
  CHECK(body_of(r)["errors"].as_array()[0].as_object()["meta"].as_object()["param_name"] ==
        "ticket");
  r = sign_in("strategy=password&ticket=x");
  CHECK(r.status == 422);
  CHECK(fapi_error_code_of(r) == "form_param_value_invalid");
}

TEST_CASE("fake FAPI: session tokens carry Clerk's v2 claims and live 60 seconds") {
  auto fake = populated_frontend();
  auto token = new_client_token(fake);
  auto r = answer(fake, fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                     "strategy=ticket&ticket=" + ticket_for(fake), token));
  REQUIRE(r.status == 200);
  token = std::string(*r.headers.find("authorization"));
  std::string sid(body_of(r)["response"].as_object()["created_session_id"].as_string());
  auto t =
      answer(fake, fapi_request(clerk::http_method::post,
                                "/client/sessions/" + sid + "/tokens?_is_native=1", {}, token));
  REQUIRE(t.status == 200);
  auto b = body_of(t);
  CHECK(b.size() == 2);
  CHECK(b["object"] == "token");
  auto claims = claims_of(b["jwt"].as_string());
  CHECK(claims["iss"] == "https://clerk.fake-clerk.test");
  CHECK(claims["sub"] == "user_1");
  CHECK(claims["sid"] == json::string(sid));
  CHECK(claims["v"] == 2);
  const auto iat = claims["iat"].as_int64();
  CHECK(iat == fake.now().time_since_epoch().count() / 1000);
  CHECK(claims["exp"].as_int64() == iat + 60);
  CHECK(claims["nbf"].as_int64() <= iat);
  CHECK_FALSE(claims.contains("azp"));
}

TEST_CASE("fake FAPI: touch makes a session active and remove signs it out") {
  auto fake = populated_frontend();
  auto token = new_client_token(fake);
  auto r = answer(fake, fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                     "strategy=ticket&ticket=" + ticket_for(fake), token));
  token = std::string(*r.headers.find("authorization"));
  std::string sid(body_of(r)["response"].as_object()["created_session_id"].as_string());
  auto touch = answer(fake, fapi_request(clerk::http_method::post,
                                         "/client/sessions/" + sid + "/touch?_is_native=1",
                                         "intent=select_session", token));
  CHECK(touch.status == 200);
  CHECK(body_of(touch)["response"].as_object()["id"] == json::string(sid));
  auto bad = answer(fake, fapi_request(clerk::http_method::post,
                                       "/client/sessions/" + sid + "/touch?_is_native=1",
                                       "intent=wander", token));
  CHECK(bad.status == 422);
  auto removed =
      answer(fake, fapi_request(clerk::http_method::post,
                                "/client/sessions/" + sid + "/remove?_is_native=1", {}, token));
  CHECK(removed.status == 200);
  CHECK(body_of(removed)["response"].as_object()["status"] == "removed");
  CHECK(body_of(removed)["client"].as_object()["sessions"].as_array().empty());
  CHECK(fake.find_session(sid)->status == "removed");
  auto after =
      answer(fake, fapi_request(clerk::http_method::post,
                                "/client/sessions/" + sid + "/tokens?_is_native=1", {}, token));
  CHECK(after.status == 401);
  CHECK(fapi_error_code_of(after) == "signed_out");
  auto unknown =
      answer(fake, fapi_request(clerk::http_method::post,
                                "/client/sessions/sess_nope/tokens?_is_native=1", {}, token));
  CHECK(unknown.status == 404);
}

TEST_CASE("fake FAPI: unknown tokens, Origin, JSON bodies and the native switch are refused") {
  auto fake = populated_frontend();
  auto token = new_client_token(fake);
  auto r = answer(fake, fapi_request(clerk::http_method::get, "/client?_is_native=1", {},
                                     "Bearer eyJnope.eyJnope.sig"));
  CHECK(r.status == 401);
  CHECK(fapi_error_code_of(r) == "authentication_invalid");

  auto with_origin = fapi_request(clerk::http_method::get, "/client?_is_native=1", {}, token);
  with_origin.headers.add("Origin", "https://app.example.com");
  r = answer(fake, with_origin);
  CHECK(r.status == 400);
  CHECK(fapi_error_code_of(r) == "origin_authorization_headers_conflict");

  auto as_json = fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1", {}, token);
  as_json.headers.add("Content-Type", "application/json");
  as_json.body = R"({"strategy":"ticket","ticket":"x"})";
  r = answer(fake, as_json);
  CHECK(r.status == 415);
  CHECK(fapi_error_code_of(r) == "unsupported_content_type");

  fake.set_native_api_enabled(false);
  r = answer(fake, fapi_request(clerk::http_method::post, "/client?_is_native=1"));
  CHECK(r.status == 400);
  CHECK(fapi_error_code_of(r) == "native_api_disabled");
}

TEST_CASE("fake FAPI: single-session mode refuses a second sign-in and keeps the ticket") {
  auto fake = populated_frontend();
  fake.set_single_session_mode(true);
  auto token = new_client_token(fake);
  auto r = answer(fake, fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                     "strategy=ticket&ticket=" + ticket_for(fake), token));
  REQUIRE(r.status == 200);
  token = std::string(*r.headers.find("authorization"));
  std::string second_id;
  auto second = ticket_for(fake, "user_1", std::nullopt, &second_id);
  r = answer(fake, fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                "strategy=ticket&ticket=" + second, token));
  CHECK(r.status == 400);
  CHECK(fapi_error_code_of(r) == "session_exists");
  CHECK(fake.find_token(second_id)->status == clerk::sign_in_token_status::pending);
}

TEST_CASE("fake FAPI: drop mode carries the request out and loses the answer") {
  auto fake = populated_frontend();
  auto token = new_client_token(fake);
  std::string token_id;
  auto ticket = ticket_for(fake, "user_1", std::nullopt, &token_id);
  fake.drop_next_answers(1);
  auto lost = fake(fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                "strategy=ticket&ticket=" + ticket, token));
  REQUIRE(lost.has_error());
  CHECK_FALSE(lost.error().request_not_sent);
  CHECK(fake.find_token(token_id)->status == clerk::sign_in_token_status::accepted);

  // The token the caller still holds reads the client, and the answer
  // carries the rotated token.
  auto r = answer(fake, fapi_request(clerk::http_method::get, "/client?_is_native=1", {}, token));
  REQUIRE(r.status == 200);
  auto sessions = body_of(r)["response"].as_object()["sessions"].as_array();
  REQUIRE(sessions.size() == 1);
  CHECK(sessions[0].as_object()["user"].as_object()["id"] == "user_1");
  auto rotated = r.headers.find("authorization");
  REQUIRE(rotated.has_value());
  CHECK(*rotated != token);

  // Once the new token is used, the old one is retired.
  std::string current(*rotated);
  CHECK(answer(fake, fapi_request(clerk::http_method::get, "/client?_is_native=1", {}, current))
            .status == 200);
  CHECK(answer(fake, fapi_request(clerk::http_method::get, "/client?_is_native=1", {}, token))
            .status == 401);
}

TEST_CASE("fake FAPI: with session tasks, a sign-in completes with a pending session") {
  fake_clerk fake({.session_tasks = {"choose-organization"}});
  fake.add_user("user_1");
  auto token = new_client_token(fake);
  auto r = answer(fake, fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                     "strategy=ticket&ticket=" + ticket_for(fake), token));
  REQUIRE(r.status == 200);
  token = std::string(*r.headers.find("authorization"));
  auto b = body_of(r);
  CHECK(b["response"].as_object()["status"] == "complete");
  std::string sid(b["response"].as_object()["created_session_id"].as_string());
  CHECK(fake.find_session(sid)->status == "pending");

  // The client lists it, with its tasks; touch keeps it pending.
  auto client = body_of(
      answer(fake, fapi_request(clerk::http_method::get, "/client?_is_native=1", {}, token)));
  auto& sessions = client["response"].as_object()["sessions"].as_array();
  REQUIRE(sessions.size() == 1);
  auto& listed = sessions[0].as_object();
  CHECK(listed["id"] == json::string(sid));
  CHECK(listed["status"] == "pending");
  REQUIRE(listed["tasks"].is_array());
  CHECK(listed["tasks"].as_array().at(0).as_object()["key"] == "choose-organization");
  auto touched =
      answer(fake, fapi_request(clerk::http_method::post,
                                "/client/sessions/" + sid + "/touch?_is_native=1", {}, token));
  REQUIRE(touched.status == 200);
  CHECK(body_of(touched)["response"].as_object()["status"] == "pending");

  // Its JWTs say so. Without session tasks, a session lists none.
  auto t =
      answer(fake, fapi_request(clerk::http_method::post,
                                "/client/sessions/" + sid + "/tokens?_is_native=1", {}, token));
  REQUIRE(t.status == 200);
  CHECK(claims_of(body_of(t)["jwt"].as_string())["sts"] == "pending");
  auto active = populated_frontend();
  auto active_token = new_client_token(active);
  auto a =
      answer(active, fapi_request(clerk::http_method::post, "/client/sign_ins?_is_native=1",
                                  "strategy=ticket&ticket=" + ticket_for(active), active_token));
  REQUIRE(a.status == 200);
  CHECK(
      body_of(a)["client"].as_object()["sessions"].as_array().at(0).as_object()["tasks"].is_null());
}
