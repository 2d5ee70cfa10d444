// The generated Users header (<clerk/backend/users.hpp>): a realistic user
// answer parsed whole, the exact requests of a read, a metadata update and a
// list, and the checks the document's words became.
#include <clerk/backend/users.hpp>

#include "built.hpp"
#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

using namespace std::chrono_literals;
using clerk_test::build_ok;
using clerk_test::build_refused;
using clerk_test::make_config;
namespace backend = clerk::backend;

namespace {

// A user as Clerk's document describes one (bapi-2026-05-12.yml, User):
// every kind of member a model holds, about 3 KiB.
const std::string user_json = R"({
  "id": "user_2xyz",
  "object": "user",
  "external_id": null,
  "primary_email_address_id": "idn_email1",
  "primary_phone_number_id": null,
  "primary_web3_wallet_id": null,
  "username": "ada",
  "first_name": "Ada",
  "last_name": null,
  "locale": "en-GB",
  "profile_image_url": "https://img.clerk.com/old",
  "image_url": "https://img.clerk.com/ada",
  "has_image": true,
  "public_metadata": {"plan": "pro", "seats": 3, "tags": ["a", "b"]},
  "private_metadata": null,
  "unsafe_metadata": {},
  "email_addresses": [{
    "id": "idn_email1",
    "object": "email_address",
    "email_address": "ada@example.com",
    "reserved": false,
    "verification": {"object": "verification_otp", "status": "verified", "strategy": "email_code",
                     "attempts": 1, "expire_at": 1719952616214},
    "linked_to": [{"type": "oauth_google", "id": "idn_google1"}],
    "matches_sso_connection": false,
    "created_at": 1719952616214,
    "updated_at": 1719952616215
  }],
  "phone_numbers": [],
  "web3_wallets": [],
  "passkeys": [{
    "id": "idn_passkey1",
    "object": "passkey",
    "name": "Laptop",
    "last_used_at": 1719952700000,
    "verification": {"status": "verified", "strategy": "passkey", "attempts": null,
                     "expire_at": null}
  }],
  "password_enabled": true,
  "two_factor_enabled": false,
  "totp_enabled": false,
  "backup_code_enabled": false,
  "mfa_enabled_at": null,
  "mfa_disabled_at": null,
  "password_last_updated_at": 1719952600000,
  "external_accounts": [{
    "object": "google_account",
    "id": "idn_google1",
    "provider": "oauth_google",
    "identification_id": "idn_google1",
    "provider_user_id": "10987654321",
    "approved_scopes": "email profile openid",
    "email_address": "ada@example.com",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "public_metadata": {},
    "created_at": 1719952616214,
    "updated_at": 1719952616214,
    "verification": null
  }],
  "saml_accounts": [],
  "enterprise_accounts": [],
  "last_sign_in_at": 1719960000000,
  "banned": false,
  "locked": true,
  "lockout_expires_in_seconds": 900,
  "verification_attempts_remaining": 0,
  "updated_at": 1719960000001,
  "created_at": 1719952616214,
  "delete_self_enabled": true,
  "create_organization_enabled": true,
  "create_organizations_limit": null,
  "last_active_at": 1719878400000,
  "legal_accepted_at": null,
  "bypass_client_trust": false,
  "scim": {"directory_id": "dir_1", "directory_enabled": true, "external_id": null}
})";

clerk::timestamp ms(std::int64_t n) {
  return clerk::timestamp(std::chrono::milliseconds(n));
}

}  // namespace

TEST_CASE("get_user is a bodiless, replayable GET of /users/{user_id}") {
  auto r = build_ok(backend::get_user{"user_2xyz"});
  CHECK(r.method == clerk::http_method::get);
  CHECK(r.url == "https://api.clerk.com/v1/users/user_2xyz");
  CHECK(r.body.empty());
  CHECK(r.replayable);
  CHECK(build_ok(backend::get_user{"a/b c"}).url == "https://api.clerk.com/v1/users/a%2Fb%20c");
  CHECK(build_refused(backend::get_user{}).field == "user_id");
}

TEST_CASE("get_user parses a whole user: scalars, nulls, times, enums, metadata, nested arrays") {
  REQUIRE(user_json.size() > 2500);
  auto u = clerk::parse_response(backend::get_user{"user_2xyz"},
                                 clerk_test::json_response(200, user_json), make_config());
  REQUIRE_MESSAGE(u.has_value(), (u ? "" : u.error().message()));
  CHECK(u->id == "user_2xyz");
  CHECK_FALSE(u->external_id.has_value());
  CHECK(u->primary_email_address_id == "idn_email1");
  CHECK(u->username == "ada");
  CHECK(u->first_name == "Ada");
  CHECK_FALSE(u->last_name.has_value());
  CHECK(u->has_image);
  CHECK(boost::json::parse(u->public_metadata.text()) ==
        boost::json::parse(R"({"plan":"pro","seats":3,"tags":["a","b"]})"));
  CHECK_FALSE(u->private_metadata.has_value());
  REQUIRE(u->unsafe_metadata.has_value());
  CHECK(u->unsafe_metadata->text() == "{}");

  REQUIRE(u->email_addresses.size() == 1);
  const backend::email_address& e = u->email_addresses[0];
  CHECK(e.id == "idn_email1");
  CHECK(e.email_address == "ada@example.com");
  REQUIRE(e.verification.has_value());
  const auto* otp = std::get_if<backend::verification_otp>(&*e.verification);
  REQUIRE(otp != nullptr);
  CHECK(otp->status == backend::verification_otp_status::verified);
  CHECK(otp->strategy == backend::verification_otp_strategy::email_code);
  CHECK(otp->attempts == 1);
  CHECK(otp->expire_at == ms(1719952616214));
  REQUIRE(e.linked_to.size() == 1);
  CHECK(e.linked_to[0].type == "oauth_google");
  CHECK(e.created_at == ms(1719952616214));
  CHECK(e.updated_at == ms(1719952616215));
  CHECK(u->phone_numbers.empty());

  REQUIRE(u->passkeys.size() == 1);
  REQUIRE(u->passkeys[0].verification.has_value());
  CHECK(u->passkeys[0].verification->status == backend::verification_passkey_status::verified);
  CHECK_FALSE(u->passkeys[0].verification->attempts.has_value());
  CHECK(u->passkeys[0].last_used_at == ms(1719952700000));

  REQUIRE(u->external_accounts.size() == 1);
  const auto& g = u->external_accounts[0];
  CHECK(g.object == backend::external_account_with_verification_object::google_account);
  CHECK(g.approved_scopes == "email profile openid");
  CHECK_FALSE(g.verification.has_value());

  CHECK(u->password_last_updated_at == ms(1719952600000));
  CHECK_FALSE(u->mfa_enabled_at.has_value());
  CHECK(u->locked);
  CHECK(u->lockout_expires_in_seconds == 900s);
  CHECK(u->verification_attempts_remaining == 0);
  CHECK(u->created_at == ms(1719952616214));
  CHECK(u->last_active_at == ms(1719878400000));
  CHECK_FALSE(u->create_organizations_limit.has_value());
  REQUIRE(u->scim.has_value());
  CHECK(u->scim->directory_id == "dir_1");
  CHECK_FALSE(u->organization_memberships.has_value());
}

TEST_CASE("a user answer missing a required member, or with a null where none may be, is refused") {
  auto parse = [](const std::string& body) {
    return clerk::parse_response(backend::get_user{"user_2xyz"},
                                 clerk_test::json_response(200, body), make_config());
  };
  // Required and nullable: present, null allowed; absent refused.
  auto no_last_name = user_json;
  no_last_name.replace(no_last_name.find(R"("last_name": null,)"), 18, "");
  auto r = parse(no_last_name);
  REQUIRE(r.has_error());
  CHECK(r.error().as_unexpected_response()->problem.find("last_name") != std::string::npos);
  // Required, not nullable.
  auto null_banned = user_json;
  null_banned.replace(null_banned.find(R"("banned": false)"), 15, R"("banned": null)");
  r = parse(null_banned);
  REQUIRE(r.has_error());
  CHECK(r.error().as_unexpected_response()->problem.find("banned") != std::string::npos);
  // The "object" constant.
  auto org = user_json;
  org.replace(org.find(R"("object": "user")"), 16, R"("object": "organization")");
  CHECK(parse(org).has_error());
}

TEST_CASE("an enum value the document does not list is kept, as unknown") {
  auto body = user_json;
  body.replace(body.find(R"("object": "google_account")"), 26, R"("object": "mastodon_account")");
  auto u = clerk::parse_response(backend::get_user{"user_2xyz"},
                                 clerk_test::json_response(200, body), make_config());
  REQUIRE(u.has_value());
  const auto& kind = u->external_accounts[0].object;
  CHECK(kind == backend::external_account_with_verification_object::unknown);
  CHECK(kind.raw() == "mastodon_account");
}

TEST_CASE("a verification of a kind the document does not list is kept as its JSON") {
  auto body = user_json;
  const std::string otp =
      R"({"object": "verification_otp", "status": "verified", "strategy": "email_code",
                     "attempts": 1, "expire_at": 1719952616214})";
  REQUIRE(body.find(otp) != std::string::npos);
  body.replace(body.find(otp), otp.size(),
               R"({"object":"verification_carrier_pigeon","status":"verified"})");
  auto u = clerk::parse_response(backend::get_user{"user_2xyz"},
                                 clerk_test::json_response(200, body), make_config());
  REQUIRE_MESSAGE(u.has_value(), (u ? "" : u.error().message()));
  const auto& v = u->email_addresses[0].verification;
  REQUIRE(v.has_value());
  const auto* raw = std::get_if<clerk::raw_json>(&*v);
  REQUIRE(raw != nullptr);
  CHECK(raw->text() == R"({"object":"verification_carrier_pigeon","status":"verified"})");
}

TEST_CASE("update_user_metadata sends exactly the metadata given, any JSON object") {
  auto r = build_ok(backend::update_user_metadata{
      .user_id = "user_2xyz",
      .public_metadata = clerk::raw_json(R"({"plan":"pro","limits":{"seats":3}})"),
      .private_metadata = std::nullopt,
      .unsafe_metadata = clerk::raw_json("{}")});
  clerk::http_request golden;
  golden.method = clerk::http_method::patch;
  golden.url = "https://api.clerk.com/v1/users/user_2xyz/metadata";
  golden.headers = clerk_test::golden_headers(true);
  golden.body = R"({"public_metadata":{"plan":"pro","limits":{"seats":3}},"unsafe_metadata":{}})";
  CHECK(r == golden);
  CHECK_FALSE(r.replayable);  // a PATCH: the overlay names no PATCH idempotent
  CHECK(
      build_refused(backend::update_user_metadata{.user_id = "u",
                                                  .public_metadata = clerk::raw_json("{\"plan\":"),
                                                  .private_metadata = {},
                                                  .unsafe_metadata = {}})
          .field == "public_metadata");
}

TEST_CASE("get_user_list sends arrays as repeated names, times as milliseconds, query by name") {
  auto r = build_ok(backend::get_user_list{.email_address = {"a@example.com", "b+c@example.com"},
                                           .user_id = {"user_1"},
                                           .query = "ada lovelace",
                                           .banned = false,
                                           .created_at_after = ms(1730160000000),
                                           .limit = 50,
                                           .offset = 0,
                                           .order_by = "-created_at"});
  CHECK(r.method == clerk::http_method::get);
  CHECK(r.url ==
        "https://api.clerk.com/v1/users?email_address=a%40example.com&email_address=b%2Bc%40"
        "example.com&user_id=user_1&query=ada+lovelace&banned=false&created_at_after="
        "1730160000000&limit=50&offset=0&order_by=-created_at");
  CHECK(r.replayable);
  auto list =
      clerk::parse_response(backend::get_user_list{},
                            clerk_test::json_response(200, "[" + user_json + "]"), make_config());
  REQUIRE(list.has_value());
  REQUIRE(list->size() == 1);
  CHECK((*list)[0].id == "user_2xyz");
}

TEST_CASE("get_user_list refuses a limit outside the document's 1 to 500, and empty identifiers") {
  CHECK(build_refused(backend::get_user_list{.limit = 0}).field == "limit");
  CHECK(build_refused(backend::get_user_list{.limit = -3}).reason == "must be at least 1");
  CHECK(build_refused(backend::get_user_list{.limit = 501}).field == "limit");
  CHECK(build_refused(backend::get_user_list{.limit = 501}).reason == "must be at most 500");
  CHECK(build_refused(backend::get_user_list{.offset = -1}).field == "offset");
  CHECK(build_ok(backend::get_user_list{.limit = 1}).url ==
        "https://api.clerk.com/v1/users?limit=1");
  CHECK(build_ok(backend::get_user_list{.limit = 500}).url ==
        "https://api.clerk.com/v1/users?limit=500");
  CHECK(build_refused(backend::get_user_list{.user_id = {"user_1", ""}}).field == "user_id[1]");
  CHECK(build_refused(backend::get_user_list{.starting_after = ""}).field == "starting_after");
  // A free search string may be empty: the document does not forbid it.
  CHECK(build_ok(backend::get_user_list{.query = ""}).url ==
        "https://api.clerk.com/v1/users?query=");
}

TEST_CASE("verify_password takes the password as a secret and is idempotent by the overlay") {
  static_assert(std::is_same_v<decltype(backend::verify_password::password), clerk::secret>);
  auto r = build_ok(
      backend::verify_password{.user_id = "user_2xyz", .password = clerk::secret("hunter2")});
  CHECK(r.url == "https://api.clerk.com/v1/users/user_2xyz/verify_password");
  CHECK(r.body == R"({"password":"hunter2"})");
  CHECK(r.replayable);
  CHECK(build_refused(backend::verify_password{.user_id = "u"}).field == "password");
}

TEST_CASE("a printed user is one line naming its members") {
  auto u = clerk::parse_response(backend::get_user{"user_2xyz"},
                                 clerk_test::json_response(200, user_json), make_config());
  REQUIRE(u.has_value());
  const std::string s = clerk_test::printed(*u);
  CHECK(s.starts_with(
      "user{id=user_2xyz, external_id=(none), primary_email_address_id=idn_email1, "));
  CHECK(s.find('\n') == std::string::npos);
  CHECK(s.find("email_address=ada@example.com") != std::string::npos);
}
