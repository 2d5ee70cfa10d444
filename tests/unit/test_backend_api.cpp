// The generated Backend API beyond users (<clerk/backend/all.hpp>): secrets
// redacted when printed, joined query arrays, answers without a body or
// taken unparsed, durations and Unix seconds, and the first names still in
// clerk::.
#include <clerk/backend/all.hpp>

#include "built.hpp"
#include "support.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>

using namespace std::chrono_literals;
using clerk_test::build_ok;
using clerk_test::build_refused;
using clerk_test::make_config;
namespace backend = clerk::backend;

namespace {

const std::string api_key_json = R"({"object":"api_key","id":"ak_1","type":"api_key",
  "subject":"user_1","name":"ci","description":null,"claims":null,"scopes":["read"],
  "secret":"ak_live_0123456789abcdefSECRET","revoked":false,"revocation_reason":null,
  "expired":false,"expiration":null,"created_by":"user_1","last_used_at":null,
  "created_at":1719952616214,"updated_at":1719952616214})";

}  // namespace

TEST_CASE("an API key's secret is a clerk::secret, printed redacted, read with reveal()") {
  auto k = clerk::parse_response(backend::create_api_key{.name = "ci", .subject = "user_1"},
                                 clerk_test::json_response(200, api_key_json), make_config());
  REQUIRE_MESSAGE(k.has_value(), (k ? "" : k.error().message()));
  static_assert(std::is_same_v<decltype(k->secret), clerk::secret>);
  CHECK(k->secret.reveal() == "ak_live_0123456789abcdefSECRET");
  CHECK(k->scopes == std::vector<std::string>{"read"});
  const std::string s = clerk_test::printed(*k);
  CHECK(s.starts_with("api_key_with_secret{id=ak_1, "));
  CHECK(s.find("secret=[redacted]") != std::string::npos);
  CHECK(s.find("SECRET") == std::string::npos);
}

TEST_CASE("an invitation's URL carries a ticket: printed as its origin and path") {
  const std::string body = R"({"object":"invitation","id":"inv_1","email_address":"a@example.com",
    "public_metadata":{},"revoked":false,"status":"pending",
    "url":"https://accounts.example.com/sign-up?__clerk_ticket=eyJhbGciOi.secret.sig",
    "expires_at":null,"created_at":1,"updated_at":2})";
  auto inv = clerk::parse_response(backend::create_invitation{.email_address = "a@example.com"},
                                   clerk_test::json_response(200, body), make_config());
  REQUIRE_MESSAGE(inv.has_value(), (inv ? "" : inv.error().message()));
  REQUIRE(inv->url.has_value());
  CHECK(inv->url->reveal().ends_with("secret.sig"));
  const std::string s = clerk_test::printed(*inv);
  CHECK(s.find("url=https://accounts.example.com/sign-up?[redacted]") != std::string::npos);
  CHECK(s.find("secret.sig") == std::string::npos);
}

TEST_CASE("an array query of style form, explode false, is one name with its values joined") {
  auto r = build_ok(backend::list_all_organization_domains{
      .verified = true,
      .enrollment_mode =
          {backend::list_all_organization_domains_enrollment_mode::manual_invitation,
           backend::list_all_organization_domains_enrollment_mode::minus_automatic_suggestion},
      .domains = {"a.com", "b.com"}});
  CHECK(r.url ==
        "https://api.clerk.com/v1/organization_domains?verified=true&enrollment_mode=manual_"
        "invitation,-automatic_suggestion&domains=a.com&domains=b.com");
}

TEST_CASE("an answer without a body is clerk::no_content; an HTML page is taken unparsed") {
  static_assert(std::is_same_v<backend::delete_svix_app::response_type, clerk::no_content>);
  auto r = build_ok(backend::delete_svix_app{});
  CHECK(r.method == clerk::http_method::delete_);
  CHECK(r.url == "https://api.clerk.com/v1/webhooks/svix");
  CHECK(clerk::parse_response(backend::delete_svix_app{}, clerk_test::response(204, "", ""),
                              make_config())
            .has_value());

  static_assert(
      std::is_same_v<backend::get_public_interstitial::response_type, clerk::http_response>);
  auto page = clerk::parse_response(
      backend::get_public_interstitial{},
      clerk_test::response(200, "text/html", "<html><body>clerk.js</body></html>"), make_config());
  REQUIRE(page.has_value());
  CHECK(page->body == "<html><body>clerk.js</body></html>");
  CHECK(build_ok(backend::get_public_interstitial{.frontend_api_ = "a", .frontend_api = "b"}).url ==
        "https://api.clerk.com/v1/public/interstitial?frontendApi=a&frontend_api=b");
}

TEST_CASE("durations are std::chrono::seconds on the wire as integers, bounded as documented") {
  auto r =
      build_ok(backend::create_session_token{.session_id = "sess_1", .expires_in_seconds = 3600s});
  CHECK(r.url == "https://api.clerk.com/v1/sessions/sess_1/tokens");
  CHECK(r.body == R"({"expires_in_seconds":3600})");
  auto low = clerk::build_request(
      backend::create_session_token{.session_id = "sess_1", .expires_in_seconds = 29s},
      make_config());
  REQUIRE(low.has_error());
  CHECK(low.error().as_invalid_request()->field == "expires_in_seconds");
  CHECK(low.error().as_invalid_request()->reason == "must be at least 30 seconds");
}

TEST_CASE("a testing token expires in Unix seconds, as the document's example shows") {
  auto t = clerk::parse_response(
      backend::create_testing_token{},
      clerk_test::json_response(
          200,
          R"({"object":"testing_token","token":"1713877200-c_2J2MvPu9","expires_at":1713880800})"),
      make_config());
  REQUIRE(t.has_value());
  CHECK(t->expires_at == std::chrono::sys_seconds(1713880800s));
  CHECK(t->token.reveal() == "1713877200-c_2J2MvPu9");
  CHECK(clerk_test::printed(*t).find("c_2J2MvPu9") == std::string::npos);
}

TEST_CASE("a Unix time beyond a count of milliseconds prints as seconds, as read") {
  auto t = clerk::parse_response(
      backend::create_testing_token{},
      clerk_test::json_response(
          200, R"({"object":"testing_token","token":"t","expires_at":9223372036854775807})"),
      make_config());
  REQUIRE(t.has_value());
  CHECK(t->expires_at.time_since_epoch().count() == INT64_MAX);
  CHECK(clerk_test::printed(*t).find("expires_at=9223372036854775807s") != std::string::npos);
  const backend::testing_token low{
      .expires_at = std::chrono::sys_seconds(std::chrono::seconds(-(INT64_MAX / 1000) - 1))};
  CHECK(clerk_test::printed(low).find("expires_at=-9223372036854776s") != std::string::npos);
  const backend::testing_token last{
      .expires_at = std::chrono::sys_seconds(std::chrono::seconds(INT64_MAX / 1000))};
  CHECK(clerk_test::printed(last).find("expires_at=9223372036854775000ms") != std::string::npos);
}

TEST_CASE("a 2xx that fails shows none of the secrets its answer declares, whatever their shape") {
  // Neither a JWT nor an sk_ key: only the model says these are secrets.
  std::string key = api_key_json;
  key.replace(key.find("\"revoked\":false"), 15, "\"revoked\":\"no\"");
  const backend::create_api_key create_key{.name = "ci", .subject = "user_1"};
  for (const auto& r : {clerk_test::json_response(200, key),
                        clerk_test::response(200, "text/plain", api_key_json)}) {
    const auto u = clerk_test::unexpected(create_key, r);
    CAPTURE(u.problem);
    CHECK(u.body_excerpt.find("SECRET") == std::string::npos);
    CHECK(u.body_excerpt.find(R"("secret":"[redacted]")") != std::string::npos);
    CHECK(u.body_excerpt.find(R"("id":"ak_1")") != std::string::npos);  // the rest is shown
    CHECK(clerk::error(u).message().find("SECRET") == std::string::npos);
    CHECK(u.raw_body_excerpt.reveal().find("ak_live_0123456789abcdefSECRET") != std::string::npos);
  }
  // Spaces around the colon; a secret cut by the excerpt's end; a nested name.
  auto m2m = clerk_test::unexpected(
      backend::create_m2m_token{},
      clerk_test::json_response(
          200, R"({"object":"machine_to_machine_token","id":"mt_1", "token" : "mt_SECRET0123"})"));
  CHECK(m2m.problem == "missing field \"subject\"");
  CHECK(m2m.body_excerpt.find(R"("token" : "[redacted]")") != std::string::npos);
  // A name spelt with escapes may be a secret's: its value is hidden too.
  auto escaped = clerk_test::unexpected(
      backend::create_m2m_token{},
      clerk_test::json_response(
          200, R"({"object":"machine_to_machine_token","tok\u0065n":"mt_SECRET0123"})"));
  CHECK(escaped.body_excerpt ==
        R"({"object":"machine_to_machine_token","tok\u0065n":"[redacted]"})");
  const std::string head = R"({"object":"machine_to_machine_token","id":")";
  const std::string pad(clerk::body_excerpt_limit - head.size() - 20, 'x');
  auto cut = clerk_test::unexpected(
      backend::create_m2m_token{},
      clerk_test::json_response(200, head + pad + R"(","token":"mt_SECRET0123456789ABCDEFGHIJ"})"));
  CHECK(cut.body_excerpt.find("mt_SEC") == std::string::npos);
  CHECK(cut.body_excerpt.ends_with(R"("token":"[redacted])"));
  auto app = clerk_test::unexpected(
      backend::create_oauth_application{.name = "app"},
      clerk_test::json_response(
          200, R"({"object":"oauth_application","client_secret":"SECRETSECRET0123"})"));
  CHECK(app.body_excerpt == R"({"object":"oauth_application","client_secret":"[redacted]"})");
  // An answer that declares no secret keeps its excerpt as it came.
  auto plain = clerk_test::unexpected(
      backend::get_user{.user_id = "user_1"},
      clerk_test::json_response(200, R"({"object":"user","secret":"not declared"})"));
  CHECK(plain.body_excerpt == R"({"object":"user","secret":"not declared"})");
}

TEST_CASE("a bulk create's body is a bare JSON array of 1 to 10 invitations") {
  backend::create_bulk_invitations op{
      {{.email_address = "a@example.com"}, {.email_address = "b@example.com", .notify = false}}};
  auto r = build_ok(op);
  CHECK(r.method == clerk::http_method::post);
  CHECK(r.url == "https://api.clerk.com/v1/invitations/bulk");
  CHECK(r.body ==
        R"([{"email_address":"a@example.com"},{"email_address":"b@example.com","notify":false}])");
  CHECK(build_refused(backend::create_bulk_invitations{}).field == "invitations");
  op.invitations.resize(11, {.email_address = "c@example.com"});
  CHECK(build_refused(op).reason == "must hold at most 10 elements");
  op.invitations.resize(2);
  op.invitations[1].email_address.clear();
  CHECK(build_refused(op).field == "invitations[1].email_address");
}

TEST_CASE("API keys and M2M tokens are listed 1 to 100 at a time") {
  CHECK(build_ok(backend::get_api_keys{.subject = "user_1", .limit = 100}).url ==
        "https://api.clerk.com/v1/api_keys?subject=user_1&limit=100");
  CHECK(build_refused(backend::get_api_keys{.subject = "user_1", .limit = 101}).field == "limit");
  CHECK(build_refused(backend::get_m2m_tokens{.subject = "mch_1", .limit = 0}).field == "limit");
  static_assert(
      std::is_same_v<decltype(backend::get_api_keys_response::total_count), std::int64_t>);
}

TEST_CASE("a session refresh answers a token or cookies, told apart by their object") {
  auto parse = [](std::string body) {
    return clerk::parse_response(backend::refresh_session{},
                                 clerk_test::json_response(200, std::move(body)), make_config());
  };
  auto t = parse(R"({"object":"token","jwt":"eyJhbGciOiJSUzI1NiJ9.e30.c2ln"})");
  REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().message()));
  REQUIRE(std::holds_alternative<backend::token>(*t));
  CHECK(std::get<backend::token>(*t).jwt.reveal() == "eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
  auto c = parse(R"({"object":"cookies","cookies":["__session=x; Path=/"]})");
  REQUIRE(c.has_value());
  REQUIRE(std::holds_alternative<backend::cookies>(*c));
  CHECK(std::get<backend::cookies>(*c).cookies.size() == 1);
}

TEST_CASE("a member named as its struct keeps its name") {
  backend::email_address e{.email_address = "a@example.com"};
  CHECK(e.email_address == "a@example.com");
  backend::phone_number p{.phone_number = "+15555550100"};
  CHECK(p.phone_number == "+15555550100");
}

TEST_CASE("the library's first names are reachable in clerk:: as in clerk::backend::") {
  static_assert(std::is_same_v<clerk::create_sign_in_token, backend::create_sign_in_token>);
  static_assert(std::is_same_v<clerk::revoke_sign_in_token, backend::revoke_sign_in_token>);
  static_assert(std::is_same_v<clerk::sign_in_token, backend::sign_in_token>);
  static_assert(std::is_same_v<clerk::sign_in_token_status, backend::sign_in_token_status>);
  static_assert(std::is_same_v<clerk::actor_token, backend::actor_token>);
  static_assert(std::is_same_v<clerk::actor_claims, backend::actor_claims>);
  static_assert(std::is_same_v<clerk::create_actor_token, backend::create_actor_token>);
  static_assert(std::is_same_v<clerk::revoke_actor_token, backend::revoke_actor_token>);
  static_assert(std::is_same_v<clerk::actor_token_status, backend::actor_token_status>);
  CHECK(build_ok(clerk::revoke_sign_in_token{"sit_1"}).replayable);
}
