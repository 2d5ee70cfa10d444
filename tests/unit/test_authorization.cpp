// has() and the reverification answer: every rule of <clerk/authorization.hpp>,
// on claims made here and on claims the session verifier read from a token.
// tests/crosscheck judges random ones against @clerk/shared itself.
#include <clerk/authorization.hpp>

#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;
using clerk::has;
using clerk::reverification_level;
using clerk::reverification_policy;

namespace {

// A user in organization org_1 as admin with two permissions, features and
// plans of both scopes, who verified a first factor 5 minutes ago and a
// second 20 minutes ago.
clerk::session_claims auth_member() {
  clerk::session_claims c;
  c.user_id = "user_1";
  c.session_id = "sess_1";
  clerk::organization_claims o;
  o.id = "org_1";
  o.role = "admin";
  o.permissions = {"org:invoices:read", "org:invoices:create"};
  c.organization = o;
  c.features = "o:dashboard, u:export ,ou:teams";
  c.plans = "o:team,u:free";
  c.factor_verification_age = {5, 20};
  return c;
}

}  // namespace

TEST_CASE("nothing asked, or no user, is no") {
  CHECK_FALSE(has(auth_member(), {}));
  auto c = auth_member();
  c.user_id.clear();
  CHECK_FALSE(has(c, {.role = "admin"}));
}

TEST_CASE("a role matches with or without its org: prefix") {
  const auto c = auth_member();
  CHECK(has(c, {.role = "admin"}));
  CHECK(has(c, {.role = "org:admin"}));
  CHECK(has(c, {.role = "org:org:admin"}));
  CHECK_FALSE(has(c, {.role = "member"}));
  CHECK_FALSE(has(c, {.role = "Admin"}));
  CHECK_FALSE(has(c, {.role = ""}));
}

TEST_CASE("role and permission need an active organization with an id and a role") {
  auto c = auth_member();
  c.organization.reset();
  CHECK_FALSE(has(c, {.role = "admin"}));
  CHECK_FALSE(has(c, {.permission = "org:invoices:read"}));
  c = auth_member();
  c.organization->id.clear();
  CHECK_FALSE(has(c, {.permission = "org:invoices:read"}));
  c = auth_member();
  c.organization->role.clear();
  CHECK_FALSE(has(c, {.role = ""}));
  CHECK(has(c, {.permission = "org:invoices:read"}));  // a permission needs no role
}

TEST_CASE("a permission is one of the organization's, org: prefixed") {
  const auto c = auth_member();
  CHECK(has(c, {.permission = "org:invoices:read"}));
  CHECK(has(c, {.permission = "invoices:create"}));
  CHECK_FALSE(has(c, {.permission = "org:invoices:delete"}));
  CHECK_FALSE(has(c, {.permission = "org:invoices"}));
  // Both asked: both must pass.
  CHECK(has(c, {.role = "admin", .permission = "org:invoices:read"}));
  CHECK_FALSE(has(c, {.role = "member", .permission = "org:invoices:read"}));
  CHECK_FALSE(has(c, {.role = "admin", .permission = "org:x:y"}));
}

TEST_CASE("features are scoped o, org, organization (the organization's), u, user, or either") {
  const auto c = auth_member();  // fea "o:dashboard, u:export ,ou:teams", trimmed
  CHECK(has(c, {.feature = "dashboard"}));
  CHECK(has(c, {.feature = "o:dashboard"}));
  CHECK(has(c, {.feature = "org:dashboard"}));
  CHECK(has(c, {.feature = "organization:dashboard"}));
  CHECK_FALSE(has(c, {.feature = "u:dashboard"}));
  CHECK(has(c, {.feature = "export"}));
  CHECK(has(c, {.feature = "user:export"}));
  CHECK_FALSE(has(c, {.feature = "o:export"}));
  CHECK(has(c, {.feature = "o:teams"}));
  CHECK(has(c, {.feature = "u:teams"}));
  CHECK_FALSE(has(c, {.feature = "billing"}));
  // A scope it does not know fails, as @clerk/shared throws.
  CHECK_FALSE(has(c, {.feature = "ou:teams"}));
  CHECK_FALSE(has(c, {.feature = ":teams"}));
  // split(":"): the id stops at a second colon; an empty id is the scope.
  CHECK(has(c, {.feature = "o:dashboard:anything"}));
  auto odd = auth_member();
  odd.features = "o:o,u:a:b";
  CHECK(has(odd, {.feature = "o:"}));
  CHECK(has(odd, {.feature = "o::x"}));
  CHECK_FALSE(has(odd, {.feature = "u:a:b"}));   // asks for "a"
  CHECK(has(odd, {.feature = "a:b"}) == false);  // "a" is no scope
}

TEST_CASE("features and plans fail closed on a missing or malformed claim") {
  auto c = auth_member();
  c.features.reset();
  CHECK_FALSE(has(c, {.feature = "dashboard"}));
  c.features = "";
  CHECK_FALSE(has(c, {.feature = "dashboard"}));
  c.features = "o:dashboard,nocolon";  // splitByScope throws on the whole claim
  CHECK_FALSE(has(c, {.feature = "dashboard"}));
  c = auth_member();
  c.plans.reset();
  CHECK_FALSE(has(c, {.plan = "team"}));
}

TEST_CASE("plans are read from pla, scoped as features are") {
  const auto c = auth_member();
  CHECK(has(c, {.plan = "team"}));
  CHECK(has(c, {.plan = "org:team"}));
  CHECK(has(c, {.plan = "u:free"}));
  CHECK_FALSE(has(c, {.plan = "o:free"}));
  CHECK_FALSE(has(c, {.plan = "pro"}));
  CHECK(has(c, {.feature = "dashboard", .plan = "free"}));
  CHECK_FALSE(has(c, {.feature = "dashboard", .plan = "pro"}));
}

TEST_CASE("reverification presets over fva") {
  auto with = [](std::int64_t f1, std::int64_t f2) {
    auto c = auth_member();
    c.factor_verification_age = {f1, f2};
    return c;
  };
  // strict: second factor within 10 minutes (or the first when there is no second).
  CHECK(has(with(5, 9), {.reverification = reverification_policy::strict}));
  CHECK_FALSE(has(with(5, 10), {.reverification = reverification_policy::strict}));
  CHECK(has(with(5, -1), {.reverification = reverification_policy::strict}));
  CHECK_FALSE(has(with(10, -1), {.reverification = reverification_policy::strict}));
  CHECK(has(with(-1, 3), {.reverification = reverification_policy::strict}));
  CHECK_FALSE(has(with(-1, -1), {.reverification = reverification_policy::lax}));
  // strict_mfa: both factors within 10 minutes; a first factor alone when no second.
  CHECK(has(with(5, 9), {.reverification = reverification_policy::strict_mfa}));
  CHECK_FALSE(has(with(11, 9), {.reverification = reverification_policy::strict_mfa}));
  CHECK_FALSE(has(with(-1, 9), {.reverification = reverification_policy::strict_mfa}));
  CHECK(has(with(9, -1), {.reverification = reverification_policy::strict_mfa}));
  // moderate: 60 minutes; lax: a day.
  CHECK(has(with(5, 59), {.reverification = reverification_policy::moderate}));
  CHECK_FALSE(has(with(5, 60), {.reverification = reverification_policy::moderate}));
  CHECK(has(with(5, 1439), {.reverification = reverification_policy::lax}));
  CHECK_FALSE(has(with(5, 1440), {.reverification = reverification_policy::lax}));
}

TEST_CASE("a custom reverification: its level within its minutes") {
  const auto c = auth_member();  // fva [5, 20]
  CHECK(
      has(c, {.reverification = reverification_policy(reverification_level::first_factor, 6min)}));
  CHECK_FALSE(
      has(c, {.reverification = reverification_policy(reverification_level::first_factor, 5min)}));
  CHECK(has(c,
            {.reverification = reverification_policy(reverification_level::second_factor, 21min)}));
  CHECK_FALSE(has(
      c, {.reverification = reverification_policy(reverification_level::second_factor, 20min)}));
  CHECK(
      has(c, {.reverification = reverification_policy(reverification_level::multi_factor, 21min)}));
  // A policy of zero or fewer minutes is never met.
  CHECK_FALSE(
      has(c, {.reverification = reverification_policy(reverification_level::first_factor, 0min)}));
  CHECK_FALSE(
      has(c, {.reverification = reverification_policy(reverification_level::first_factor, -5min)}));
}

TEST_CASE("reverification fails closed on a missing or malformed fva") {
  auto c = auth_member();
  for (const std::vector<std::int64_t>& fva :
       std::vector<std::vector<std::int64_t>>{{}, {5}, {5, 5, 5}, {-2, 5}, {5, -7}}) {
    c.factor_verification_age = fva;
    CHECK_FALSE(has(c, {.reverification = reverification_policy::lax}));
  }
}

TEST_CASE("every dimension asked must pass") {
  const auto c = auth_member();
  CHECK(has(c, {.role = "admin",
                .permission = "org:invoices:read",
                .feature = "dashboard",
                .plan = "team",
                .reverification = reverification_policy::moderate}));
  CHECK_FALSE(has(c, {.role = "admin", .feature = "nope"}));
  CHECK_FALSE(has(c, {.feature = "dashboard", .reverification = reverification_policy::strict}));
  CHECK_FALSE(has(c, {.permission = "org:x:y", .reverification = reverification_policy::lax}));
}

namespace {
struct accept_any_signature {
  clerk::key_check verify(std::string_view, std::string_view, std::string_view,
                          std::span<const unsigned char>) const {
    return clerk::key_check::valid;
  }
};
clerk::session_claims verified_claims(std::string_view claims) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  auto r =
      clerk::verify_session_token(clerk_test::b64url(R"({"alg":"RS256","kid":"k"})") + "." +
                                      clerk_test::b64url(claims) + "." + clerk_test::b64url("s"),
                                  accept_any_signature{}, now);
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  return *r;
}
}  // namespace

TEST_CASE("has() reads what the verifier decoded: v2's o with fea and fpm, v1's org_*, pla, fva") {
  const auto v2 = verified_claims(
      R"({"sub":"user_1","sid":"s","iss":"i","exp":1767229200,"v":2,"fva":[2,-1],)"
      R"("fea":"o:dashboard,u:export","pla":"u:pro","o":{"id":"org_1","rol":"admin",)"
      R"("per":"manage,read","fpm":"3"}})");
  CHECK(v2.plans == "u:pro");
  CHECK(has(v2, {.role = "org:admin", .permission = "org:dashboard:manage"}));
  CHECK_FALSE(has(v2, {.permission = "org:export:read"}));  // a user feature grants nothing
  CHECK(has(v2, {.plan = "user:pro", .reverification = reverification_policy::strict_mfa}));
  const auto v1 =
      verified_claims(R"({"sub":"user_1","sid":"s","iss":"i","exp":1767229200,"org_id":"org_1",)"
                      R"("org_role":"org:member","org_permissions":["org:sys_memberships:read"]})");
  CHECK(has(v1, {.role = "member", .permission = "sys_memberships:read"}));
  CHECK_FALSE(has(v1, {.role = "admin"}));
  CHECK_FALSE(has(v1, {.reverification = reverification_policy::lax}));  // no fva
}

TEST_CASE("the reverification answer is @clerk/shared's reverificationError, ready to send") {
  CHECK(clerk::reverification_error_status == 403);
  CHECK(clerk::reverification_error_body(reverification_policy::strict) ==
        R"({"clerk_error":{"type":"forbidden","reason":"reverification-error",)"
        R"("metadata":{"reverification":"strict"}}})");
  CHECK(clerk::reverification_error_body(reverification_policy::strict_mfa)
            .find(R"("reverification":"strict_mfa")") != std::string::npos);
  CHECK(clerk::reverification_error_body(reverification_policy::moderate)
            .find(R"("reverification":"moderate")") != std::string::npos);
  CHECK(clerk::reverification_error_body(reverification_policy::lax)
            .find(R"("reverification":"lax")") != std::string::npos);
  CHECK(clerk::reverification_error_body(
            reverification_policy(reverification_level::multi_factor, 30min)) ==
        R"({"clerk_error":{"type":"forbidden","reason":"reverification-error",)"
        R"("metadata":{"reverification":{"level":"multi_factor","afterMinutes":30}}}})");
  // JSON, whatever the policy.
  for (auto level : {reverification_level::first_factor, reverification_level::second_factor,
                     reverification_level::multi_factor}) {
    boost::system::error_code ec;
    auto v = boost::json::parse(
        clerk::reverification_error_body(reverification_policy(level, 1440min)), ec);
    CHECK_FALSE(ec);
    CHECK(v.at("clerk_error").at("metadata").at("reverification").at("afterMinutes") == 1440);
  }
}

TEST_CASE("presets are what @clerk/shared names them") {
  CHECK(reverification_policy::strict_mfa.level() == reverification_level::multi_factor);
  CHECK(reverification_policy::strict_mfa.after() == 10min);
  CHECK(reverification_policy::strict.level() == reverification_level::second_factor);
  CHECK(reverification_policy::strict.after() == 10min);
  CHECK(reverification_policy::moderate.after() == 60min);
  CHECK(reverification_policy::lax.after() == 1440min);
  CHECK(reverification_policy::lax.preset() == "lax");
  CHECK(reverification_policy(reverification_level::second_factor, 1440min).preset().empty());
  CHECK_FALSE(reverification_policy(reverification_level::second_factor, 1440min) ==
              reverification_policy::lax);
}
