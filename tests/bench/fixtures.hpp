// What the benchmarks send and what the canned server answers: realistic
// sizes, taken from the shapes Clerk documents for sign-in and actor tokens.
#ifndef CLERK_BENCH_FIXTURES_HPP
#define CLERK_BENCH_FIXTURES_HPP

#include <clerk/http.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace clerk_bench::fixture {

inline constexpr std::string_view secret_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc9Zx2vQkLmN8rTs";
inline constexpr std::string_view base_url = "https://api.clerk.com/v1";
inline constexpr std::string_view user_id = "user_2hNSHmZ8d3KpXqgcuZ7qYVvG1Jt";
inline constexpr std::string_view org_id = "org_2hNSJ3kYdWQ4vPiG9nPd7uRbXzE";
inline constexpr std::string_view token_id = "sit_2hNSKzP0fMlQ7yXrJ4dWbE1cTgA";
inline constexpr std::chrono::seconds expires_in{600};
inline constexpr std::int64_t created_at_ms = 1719952616214;

// An HS256 JWT of the length Clerk issues for a sign-in token (187 bytes):
// header, a payload with exp, sid and st, a 32-byte signature.
inline constexpr std::string_view jwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJleHAiOjE3MjI1NDQ2MTYsInNpZCI6InNpdF8yaE5TS3pQMGZNbFE3eVhySjRkV2JFMWNUZ0EiLCJzdCI6InNpZ25faW"
    "5f"
    "dG9rZW4ifQ."
    "0WKBmKgD6S8-L_-GHLY2qjozBG9EldEtodHzM6J2IQY";

inline std::string ticket_url() {
  return "https://accounts.example.com/v1/tickets/accept?ticket=" + std::string(jwt);
}

// The body the create request must carry, field order as built.
inline std::string create_request_body() {
  return R"({"user_id":")" + std::string(user_id) + R"(","org_id":")" + std::string(org_id) +
         R"(","expires_in_seconds":600})";
}

// A create answer: about 630 bytes, the JWT twice (token, and url's ticket).
inline std::string create_response_body() {
  return R"({"object":"sign_in_token","id":")" + std::string(token_id) +
         R"(","status":"pending","user_id":")" + std::string(user_id) + R"(","token":")" +
         std::string(jwt) + R"(","url":")" + ticket_url() +
         R"(","created_at":1719952616214,"updated_at":1719952616214})";
}

// A revoke answer: token and url are gone.
inline std::string revoke_response_body() {
  return R"({"object":"sign_in_token","id":")" + std::string(token_id) +
         R"(","status":"revoked","user_id":")" + std::string(user_id) +
         R"(","created_at":1719952616214,"updated_at":1719952716214})";
}

inline constexpr std::string_view trace_id = "7f3c2a9d1e8b4c6a9f0d2e4b6c8a0f12";

// A 422 for a create without user_id, as Clerk documents it.
inline std::string error_response_body() {
  return R"({"errors":[{"message":"is missing","long_message":"user_id is missing",)"
         R"("code":"form_param_missing","meta":{"param_name":"user_id"}}],"meta":{},)"
         R"("clerk_trace_id":")" +
         std::string(trace_id) + R"("})";
}

// Actor tokens (impersonation): a support agent acting as the user above.
inline constexpr std::string_view actor_token_id = "act_2hNSLqW4eYt7RbVnK1cXzPd9MfA";
inline constexpr std::string_view actor_sub = "user_2hNSMa6TqZ1wYb3PfKd8RcV0XsE";
// The claims besides sub, as the caller writes them and as the answer echoes them.
inline constexpr std::string_view actor_other_claims = R"({"reason":"support ticket 4821"})";
inline constexpr std::chrono::seconds actor_expires_in{3600};
inline constexpr std::chrono::seconds actor_session_max_duration{1800};

// An HS256 JWT of the length a sign-in or actor token has (184 bytes): a
// payload with exp, sid and st, a 32-byte signature.
inline constexpr std::string_view actor_jwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJleHAiOjE3MTk5NTYyMTYsInNpZCI6ImFjdF8yaE5TTHFXNGVZdDdSYlZuSzFjWHpQZDlNZkEiLCJzdCI6ImFjdG9y"
    "X3Rva2VuIn0."
    "7b-IRl8Dre0pqxTCVufYUFZ5GjhDIMQ0lWhy1yyIa8s";

inline std::string actor_ticket_url() {
  return "https://accounts.example.com/v1/tickets/accept?ticket=" + std::string(actor_jwt);
}

// The body the create actor token request must carry, field order as built.
inline std::string create_actor_request_body() {
  return R"({"user_id":")" + std::string(user_id) + R"(","actor":{"sub":")" +
         std::string(actor_sub) + R"(",)" +
         std::string(actor_other_claims.substr(1, actor_other_claims.size() - 2)) +
         R"(},"expires_in_seconds":3600,"session_max_duration_in_seconds":1800})";
}

// A create actor token answer: about 700 bytes, the JWT twice.
inline std::string create_actor_response_body() {
  return R"({"object":"actor_token","id":")" + std::string(actor_token_id) +
         R"(","status":"pending","user_id":")" + std::string(user_id) + R"(","actor":{"sub":")" +
         std::string(actor_sub) + R"(",)" +
         std::string(actor_other_claims.substr(1, actor_other_claims.size() - 2)) +
         R"(},"token":")" + std::string(actor_jwt) + R"(","url":")" + actor_ticket_url() +
         R"(","created_at":1719952616214,"updated_at":1719952616214})";
}

// A user as GET /users/{user_id} answers (Clerk's document, User): two email
// addresses (an OTP verification and a link), a passkey, a Google account,
// metadata, nulls, open enums; 3,072 bytes or so, without whitespace.
inline std::string user_response_body() {
  const std::string id(user_id);
  return R"({"id":")" + id +
         R"(","object":"user","external_id":"crm-000042","primary_email_address_id":)"
         R"("idn_2hNSPe1","primary_phone_number_id":null,"primary_web3_wallet_id":null,)"
         R"("username":"ada.lovelace","first_name":"Ada","last_name":"Lovelace","locale":"en-GB",)"
         R"("profile_image_url":"https://img.clerk.com/eyJ0eXBlIjoicHJveHkiLCJzcmMiOiJhZGEifQ",)"
         R"("image_url":"https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCIsInNyYyI6ImFkYSJ9",)"
         R"("has_image":true,"public_metadata":{"plan":"pro","seats":12,"roles":["admin",)"
         R"("billing"],"limits":{"projects":40,"exports":true}},"private_metadata":{"crm":)"
         R"("hubspot","account":"0042-7781"},"unsafe_metadata":{"theme":"dark"},)"
         R"("email_addresses":[{"id":"idn_2hNSPe1","object":"email_address","email_address":)"
         R"("ada@example.com","reserved":false,"verification":{"object":"verification_otp",)"
         R"("status":"verified","strategy":"email_code","attempts":1,"expire_at":1719953216214},)"
         R"("linked_to":[{"type":"oauth_google","id":"idn_2hNSPg7"}],)"
         R"("matches_sso_connection":false,"created_at":1719952616214,)"
         R"("updated_at":1719952616215},{"id":"idn_2hNSPe2","object":"email_address",)"
         R"("email_address":"ada.lovelace@analytical-engine.example","reserved":false,)"
         R"("verification":{"object":"verification_email_link","status":"verified",)"
         R"("strategy":"email_link","attempts":null,"expire_at":1719953316214,)"
         R"("verified_at_client":"client_2hNSQ1"},"linked_to":[],"created_at":1719952716214,)"
         R"("updated_at":1719952716215}],"phone_numbers":[],"web3_wallets":[],"passkeys":[{)"
         R"("id":"idn_2hNSPk3","object":"passkey","name":"MacBook Pro Touch ID","last_used_at":)"
         R"(1719952700000,"verification":{"status":"verified","strategy":"passkey","attempts":)"
         R"(null,"expire_at":null}}],"password_enabled":true,"two_factor_enabled":true,)"
         R"("totp_enabled":true,"backup_code_enabled":true,"mfa_enabled_at":1719952800000,)"
         R"("mfa_disabled_at":null,"password_last_updated_at":1719952600000,)"
         R"("external_accounts":[{"object":"google_account","id":"idn_2hNSPg7","provider":)"
         R"("oauth_google","identification_id":"idn_2hNSPg7","provider_user_id":)"
         R"("109876543210987654321","approved_scopes":)"
         R"("email https://www.googleapis.com/auth/userinfo.email openid profile",)"
         R"("email_address":"ada@example.com","first_name":"Ada","last_name":"Lovelace",)"
         R"("avatar_url":"https://lh3.googleusercontent.com/a/ACg8ocJ-ada=s1000-c",)"
         R"("image_url":"https://img.clerk.com/eyJ0eXBlIjoicHJveHkiLCJzcmMiOiJnb29nbGUifQ",)"
         R"("username":null,"phone_number":null,"public_metadata":{},"label":null,)"
         R"("created_at":1719952616214,"updated_at":1719952616214,"verification":{"object":)"
         R"("verification_oauth","status":"verified","strategy":"oauth_google",)"
         R"("external_verification_redirect_url":null,"attempts":null,"expire_at":1719953216214}}],)"
         R"("saml_accounts":[],"enterprise_accounts":[],"last_sign_in_at":1719960000000,)"
         R"("banned":false,"locked":false,"lockout_expires_in_seconds":null,)"
         R"("verification_attempts_remaining":100,"updated_at":1719960000001,"created_at":)"
         R"(1719952616214,"delete_self_enabled":true,"create_organization_enabled":true,)"
         R"("create_organizations_limit":null,"last_active_at":1719878400000,)"
         R"("legal_accepted_at":1719952616214,"bypass_client_trust":false,"scim":{)"
         R"("directory_id":"dir_2hNSPs9","directory_enabled":true,"external_id":"scim-42"}})";
}

// A response as an HTTP stack hands it over: a few headers besides the body.
inline clerk::http_response response(int status, std::string body) {
  clerk::http_response r;
  r.status = status;
  r.headers.add("Date", "Tue, 02 Jul 2024 20:36:56 GMT");
  r.headers.add("Content-Type", "application/json");
  r.headers.add("Content-Length", std::to_string(body.size()));
  r.body = std::move(body);
  return r;
}

}  // namespace clerk_bench::fixture

#endif
