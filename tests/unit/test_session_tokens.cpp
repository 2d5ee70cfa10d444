// Session-token verification: every rule of <clerk/session_tokens.hpp> and
// every reason, with the tests' key adapter (jwt_test_keys.hpp): kid "ins_1"
// accepts exactly the signature "good-signature".
#include <clerk/session_tokens.hpp>

#include "jwt_test_keys.hpp"
#include "support.hpp"

#include <clerk/client.hpp>
#include <clerk/frontend/config.hpp>

#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;
using clerk::token_reason;

namespace {

using clerk_test::b64url;

constexpr std::string_view good_sig = clerk_test::good_signature;
using test_keys = clerk_test::jwt_test_keys;

constexpr std::int64_t now_s = 1767225600;  // 2026-01-01T00:00:00Z
const auto t_now = std::chrono::system_clock::time_point(std::chrono::seconds(now_s));

const std::string std_header = R"({"alg":"RS256","kid":"ins_1","typ":"JWT"})";

std::string claims_json(std::string_view extra = "") {
  std::string s = R"({"sub":"user_1","sid":"sess_1","iss":"https://clerk.example.com",)"
                  R"("azp":"https://app.example.com","exp":)" +
                  std::to_string(now_s + 60) + R"(,"iat":)" + std::to_string(now_s) + R"(,"nbf":)" +
                  std::to_string(now_s - 10) + R"(,"v":2,"sts":"active")";
  if (!extra.empty()) {
    s += ',';
    s += extra;
  }
  return s + '}';
}

std::string token(std::string_view header, std::string_view payload,
                  std::string_view sig = good_sig) {
  return clerk_test::signed_jwt(header, payload, sig);
}

// The reason a token is refused for; fails the test when it is accepted.
token_reason refusal(const std::string& t, const clerk::verify_options& o = {},
                     const test_keys& keys = {}) {
  auto r = clerk::verify_session_token(t, keys, t_now, o);
  REQUIRE_MESSAGE(r.has_error(), "accepted");
  REQUIRE_MESSAGE(r.error().kind() == clerk::error_kind::invalid_token, r.error().message());
  return r.error().as_invalid_token()->reason;
}

std::string claim_of(const std::string& t, const clerk::verify_options& o = {}) {
  auto r = clerk::verify_session_token(t, test_keys{}, t_now, o);
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_invalid_token() != nullptr);
  return r.error().as_invalid_token()->claim;
}

}  // namespace

TEST_CASE("a genuine session token yields its claims") {
  auto r = clerk::verify_session_token(
      token(
          std_header,
          claims_json(
              R"("fva":[3,-1],"jti":"abc","pla":"u:free",)"
              R"("act":{"sub":"user_2","iss":"https://dashboard.clerk.com","sid":"sess_9","reason":"support"},)"
              R"("o":{"id":"org_1","rol":"admin","slg":"acme","per":"manage,read","fpm":"3,2"},)"
              R"("fea":"o:dashboard,o:teams")")),
      test_keys{}, t_now);
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(r->user_id == "user_1");
  CHECK(r->session_id == "sess_1");
  CHECK(r->issuer == "https://clerk.example.com");
  CHECK(r->authorized_party == "https://app.example.com");
  CHECK(r->expires_at == std::chrono::sys_seconds(std::chrono::seconds(now_s + 60)));
  CHECK(r->issued_at == std::chrono::sys_seconds(std::chrono::seconds(now_s)));
  CHECK(r->not_before == std::chrono::sys_seconds(std::chrono::seconds(now_s - 10)));
  CHECK(r->version == 2);
  CHECK(r->session_status == clerk::session_token_status::active);
  CHECK(r->factor_verification_age == std::vector<std::int64_t>{3, -1});
  REQUIRE(r->actor.has_value());
  CHECK(r->actor->sub == "user_2");
  CHECK(r->actor->iss == "https://dashboard.clerk.com");
  CHECK(r->actor->sid == "sess_9");
  CHECK(r->actor->other_claims.text() == R"({"reason":"support"})");
  REQUIRE(r->organization.has_value());
  CHECK(r->organization->id == "org_1");
  CHECK(r->organization->role == "admin");
  CHECK(r->organization->slug == "acme");
  // Clerk's documented example: fpm 3 = manage|read on dashboard, 2 = read on teams.
  CHECK(r->organization->permissions ==
        std::vector<std::string>{"org:dashboard:manage", "org:dashboard:read", "org:teams:read"});
  CHECK(r->plans == "u:free");
  // The organization's claims stay among the other claims, as they came.
  CHECK(r->other_claims.text() == R"({"jti":"abc","o":{"id":"org_1","rol":"admin","slg":"acme",)"
                                  R"("per":"manage,read","fpm":"3,2"}})");
}

TEST_CASE("permissions align fpm with the organization features of fea only") {
  auto r = clerk::verify_session_token(
      token(std_header,
            claims_json(R"("fea":"u:x,o:impersonation,u:y,o:memberships",)"
                        R"("o":{"id":"org_1","rol":"member","per":"read,manage","fpm":"1,3"})")),
      test_keys{}, t_now);
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(r->organization->permissions == std::vector<std::string>{"org:impersonation:read",
                                                                 "org:memberships:read",
                                                                 "org:memberships:manage"});
}

TEST_CASE("permission masks beyond 53 bits are decoded exactly") {
  std::string per;
  for (int i = 0; i < 70; ++i)
    per += (i ? ",p" : "p") + std::to_string(i);
  // 2^69 + 2^64 + 2^53 + 1
  const std::string mask = "608751561631669944321";
  auto r = clerk::verify_session_token(
      token(std_header, claims_json(R"("fea":"o:f","o":{"id":"org_1","rol":"r","per":")" + per +
                                    R"(","fpm":")" + mask + R"("})")),
      test_keys{}, t_now);
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(r->organization->permissions ==
        std::vector<std::string>{"org:f:p0", "org:f:p53", "org:f:p64", "org:f:p69"});
}

namespace {
// The organization of a v2 token whose claims add `extra` (JSON members).
clerk::result<clerk::session_claims> with_claims(std::string_view extra) {
  return clerk::verify_session_token(token(std_header, claims_json(extra)), test_keys{}, t_now);
}
// The permissions a v2 token grants with these fea, per and fpm (JSON
// string texts), as the library decodes them.
std::vector<std::string> granted(std::string_view fea, std::string_view per, std::string_view fpm) {
  auto r = with_claims(R"("fea":)" + std::string(fea) + R"(,"o":{"id":"org_1","rol":"member",)" +
                       R"("per":)" + std::string(per) + R"(,"fpm":)" + std::string(fpm) + "}");
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  REQUIRE(r->organization.has_value());
  return r->organization->permissions;
}
using strings = std::vector<std::string>;
}  // namespace

TEST_CASE(
    "features of scope o, ou and uo are the organization's, as @clerk/shared's splitByScope") {
  // Review 3's table (f01), with @clerk/shared's answers.
  CHECK(granted(R"("o:billing,o:admin_panel")", R"("read,manage")", R"("1,3")") ==
        strings{"org:billing:read", "org:admin_panel:read", "org:admin_panel:manage"});
  CHECK(granted(R"("uo:billing,o:admin_panel")", R"("read,manage")", R"("1,3")") ==
        strings{"org:billing:read", "org:admin_panel:read", "org:admin_panel:manage"});
  CHECK(granted(R"("ou:billing,o:admin_panel")", R"("read,manage")", R"("1,3")") ==
        strings{"org:billing:read", "org:admin_panel:read", "org:admin_panel:manage"});
  // Billing's mask is not admin_panel's: no grant Clerk did not make.
  CHECK(granted(R"("uo:billing,o:admin_panel")", R"("read,manage")", R"("3,0")") ==
        strings{"org:billing:read", "org:billing:manage"});
  // Other scopes ("u", "org", "user", "x") are not the organization's.
  CHECK(granted(R"("u:a,org:b,user:c,x:d,o:e")", R"("read")", R"("1,1")") == strings{"org:e:read"});
}

TEST_CASE("fea, per and fpm elements are trimmed as JavaScript's trim() trims them") {
  CHECK(granted(R"("u:x,o:billing, o:admin_panel")", R"("read,manage")", R"("1,3")") ==
        strings{"org:billing:read", "org:admin_panel:read", "org:admin_panel:manage"});
  // Tab, NBSP, U+2003, U+3000, U+FEFF, LF around elements; a space inside a
  // name stays.
  CHECK(granted(R"("\t o:f \u00a0,\u2003o:g\u3000")", R"(" read \ufeff,\nmy manage ")",
                R"(" 1\t,\u00a02 ")") == strings{"org:f:read", "org:g:my manage"});
  // U+0085 and U+200B are not whitespace to JavaScript: part of the value.
  CHECK(granted(R"("o:f\u0085")", R"("read")", R"("1")") == strings{"org:f\u0085:read"});
  CHECK(granted(R"("o:f\u200b")", R"("read")", R"("1")") == strings{"org:f\u200b:read"});
  // "o: f" keeps its space: only the element is trimmed, not the value.
  CHECK(granted(R"("o: f")", R"("read")", R"("1")") == strings{"org: f:read"});
}

TEST_CASE("a mask's bits beyond per's names are ignored and leading zeros read as the number") {
  CHECK(granted(R"("o:f")", R"("read,manage")", R"("7")") == strings{"org:f:read", "org:f:manage"});
  CHECK(granted(R"("o:f")", R"("read,manage")", R"("0003")") ==
        strings{"org:f:read", "org:f:manage"});
  CHECK(granted(R"("o:f")", R"("a")", R"("1267650600228229401496703205377")") ==
        strings{"org:f:a"});  // 2^100 + 1
  CHECK(granted(R"("o:f")", R"("a")", R"("1267650600228229401496703205376")").empty());
  CHECK(granted(R"("o:f")", R"("a,b")", R"("0")").empty());
}

TEST_CASE("a mask that is not decimal grants nothing for its feature, and the token stays valid") {
  for (std::string_view mask : {"0x1", "-1", "1.5", "1e2", "", " ", "\u0661", "+1", "1 1"}) {
    CAPTURE(mask);
    CHECK(granted(R"("o:f,o:g")", R"("read")", R"(")" + std::string(mask) + R"(,1")") ==
          strings{"org:g:read"});
  }
  // Fewer masks than features, or none, or no names: nothing for the rest.
  CHECK(granted(R"("o:f,o:g")", R"("read")", R"("1")") == strings{"org:f:read"});
  CHECK(granted(R"("o:f")", R"("")", R"("1")").empty());
  CHECK(granted(R"("o:f")", R"("read")", R"("")").empty());
  CHECK(granted(R"("")", R"("read")", R"("1")").empty());
}

TEST_CASE("a fea element without a colon refuses a v2 token with an organization") {
  // @clerk/shared's splitByScope throws on it: the token cannot be read.
  auto r = with_claims(R"("fea":"o:f,billing","o":{"id":"org_1","rol":"r"})");
  REQUIRE(r.has_error());
  CHECK(r.error().as_invalid_token()->reason == token_reason::token_verification_failed);
  CHECK(r.error().as_invalid_token()->claim == "fea");
  // Without an organization, fea is not read for permissions.
  CHECK(with_claims(R"("fea":"billing")"));
}

TEST_CASE("a long mask costs its digits, whatever its size, within the token's limit") {
  // 3,000 digits against 300 names: read modulo 2^300, as the low bits are all
  // that count. 10^2999 is divisible by 2^300, so only the trailing 1 is set.
  std::string per = "p0";
  for (int i = 1; i < 300; ++i)
    per += ",p" + std::to_string(i);
  const std::string mask = "1" + std::string(2998, '0') + "1";
  CHECK(granted(R"("o:f")", "\"" + per + "\"", "\"" + mask + "\"") == strings{"org:f:p0"});
}

TEST_CASE("a v1 token's organization is org_id, org_role, org_slug and org_permissions") {
  const auto v1 = [](std::string_view extra) {
    return clerk::verify_session_token(
        token(std_header, R"({"sub":"user_1","sid":"sess_1","iss":"i","exp":)" +
                              std::to_string(now_s + 60) + "," + std::string(extra) + "}"),
        test_keys{}, t_now);
  };
  // Review 3's f07: o is a custom claim in v1; org_* are the organization.
  auto r = v1(R"("org_id":"org_real","org_role":"org:member","org_slug":"real",)"
              R"("org_permissions":["org:billing:read"],"fea":"o:billing",)"
              R"("o":{"id":"org_other","rol":"admin","per":"manage","fpm":"1"})");
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(r->version == 1);
  REQUIRE(r->organization.has_value());
  CHECK(r->organization->id == "org_real");
  CHECK(r->organization->role == "member");  // v2's rol: org_role without "org:"
  CHECK(r->organization->slug == "real");
  CHECK(r->organization->permissions == strings{"org:billing:read"});
  CHECK(r->other_claims.text().find(R"("o":{"id":"org_other")") != std::string_view::npos);
  // No org_id: no organization, whatever else is there.
  auto none = v1(R"("org_role":"org:admin","o":{"id":"org_other"})");
  REQUIRE(none);
  CHECK_FALSE(none->organization.has_value());
  // A role without the prefix stays as it is.
  CHECK(v1(R"("org_id":"org_1","org_role":"admin")")->organization->role == "admin");
  // A v1 custom o of any kind is not read, so not refused.
  CHECK(v1(R"("org_id":"org_1","o":"custom")"));
  // The v1 claims' types are checked.
  auto bad = v1(R"("org_id":"org_1","org_permissions":"org:a:b")");
  REQUIRE(bad.has_error());
  CHECK(bad.error().as_invalid_token()->claim == "org_permissions");
}

TEST_CASE("a v2 token's org_id and org_role are custom claims, its o the organization") {
  auto r =
      with_claims(R"("org_id":"org_other","org_role":"org:admin","o":{"id":"org_1","rol":"r"})");
  REQUIRE(r);
  REQUIRE(r->organization.has_value());
  CHECK(r->organization->id == "org_1");
  CHECK(r->organization->role == "r");
  CHECK_FALSE(with_claims(R"("org_id":"org_other")")->organization.has_value());
  // A v2 o that is not an object is refused, naming it.
  auto bad = with_claims(R"("o":"org_1")");
  REQUIRE(bad.has_error());
  CHECK(bad.error().as_invalid_token()->claim == "o");
}

TEST_CASE("a token over max_token_bytes is refused before anything is decoded") {
  test_keys keys;
  clerk::verify_options o;
  o.max_token_bytes = 64;
  CHECK(refusal(token(std_header, claims_json()), o, keys) == token_reason::token_invalid);
  CHECK(keys.calls == 0);
  CHECK(claim_of(token(std_header, claims_json()), o) == "token");
}

TEST_CASE("a token of other than three dot-separated parts is token-invalid") {
  const std::string t = token(std_header, claims_json());
  CHECK(refusal(t.substr(0, t.rfind('.'))) == token_reason::token_invalid);
  CHECK(refusal(t + ".e30") == token_reason::token_invalid);
  CHECK(refusal(std::string()) == token_reason::token_invalid);
}

TEST_CASE("padding, the standard alphabet and whitespace in a part are token-invalid") {
  const std::string h = b64url(std_header), p = b64url(claims_json()), s = b64url(good_sig);
  CHECK(refusal(h + "." + p + "." + s + "=") == token_reason::token_invalid);
  CHECK(refusal(h + "=." + p + "." + s) == token_reason::token_invalid);
  CHECK(refusal(h + "." + p + " ." + s) == token_reason::token_invalid);
  std::string plus = h + "." + p + "." + s;
  plus[plus.size() - 2] = '+';
  CHECK(refusal(plus) == token_reason::token_invalid);
  // A length no base64 text has, and non-zero unused bits in the last character.
  REQUIRE(s.size() % 4 == 3);
  CHECK(refusal(h + "." + p + "." + s + "AA") == token_reason::token_invalid);
  std::string loose = b64url("ab");  // "YWI": the last character's low 2 bits are zero
  REQUIRE(loose == "YWI");
  CHECK(refusal(h + "." + p + ".YWJ") == token_reason::token_invalid);
}

TEST_CASE("a header or payload that is not a JSON object is token-invalid") {
  CHECK(refusal(token("[1]", claims_json())) == token_reason::token_invalid);
  CHECK(refusal(token("{", claims_json())) == token_reason::token_invalid);
  CHECK(refusal(token(std_header, "\"sub\"")) == token_reason::token_invalid);
  CHECK(refusal(token(std_header, "{\"sub\":")) == token_reason::token_invalid);
  CHECK(claim_of(token(std_header, "[]")) == "payload");
}

TEST_CASE("a repeated member at any depth is token-invalid, before the algorithm is read") {
  test_keys keys;
  // @clerk/backend would take the last sub of two.
  CHECK(refusal(token(std_header, R"({"sub":"user_1","sub":"user_admin","sid":"s"})"), {}, keys) ==
        token_reason::token_invalid);
  CHECK(refusal(token(R"({"alg":"none","alg":"RS256","kid":"ins_1"})", claims_json()), {}, keys) ==
        token_reason::token_invalid);
  CHECK(refusal(token(std_header, claims_json(R"("o":{"id":"a","id":"b"})")), {}, keys) ==
        token_reason::token_invalid);
  CHECK(refusal(token(std_header, claims_json(R"("x":{"y":{"z":1,"z":2}})")), {}, keys) ==
        token_reason::token_invalid);
  CHECK(keys.calls == 0);
}

TEST_CASE("any alg but RS256 is token-invalid-algorithm, and no key is touched") {
  test_keys keys;
  for (std::string_view h :
       {R"({"alg":"none","kid":"ins_1"})", R"({"alg":"HS256","kid":"ins_1"})",
        R"({"alg":"ES256","kid":"ins_1"})", R"({"alg":"RS384","kid":"ins_1"})",
        R"({"alg":"rs256","kid":"ins_1"})", R"({"kid":"ins_1"})", R"({"alg":256,"kid":"ins_1"})"}) {
    CAPTURE(h);
    CHECK(refusal(token(h, claims_json(), ""), {}, keys) == token_reason::token_invalid_algorithm);
  }
  CHECK(keys.calls == 0);
}

TEST_CASE("typ must be absent or JWT") {
  CHECK(refusal(token(R"({"alg":"RS256","kid":"ins_1","typ":"at+jwt"})", claims_json())) ==
        token_reason::token_invalid);
  CHECK(claim_of(token(R"({"alg":"RS256","kid":"ins_1","typ":1})", claims_json())) == "header.typ");
  CHECK(clerk::verify_session_token(token(R"({"alg":"RS256","kid":"ins_1"})", claims_json()),
                                    test_keys{}, t_now));
}

TEST_CASE("any crit header is token-invalid") {
  CHECK(refusal(token(R"({"alg":"RS256","kid":"ins_1","crit":["exp"]})", claims_json())) ==
        token_reason::token_invalid);
  CHECK(claim_of(token(R"({"alg":"RS256","kid":"ins_1","crit":[]})", claims_json())) ==
        "header.crit");
}

TEST_CASE("machine-token categories and subjects are token-type-mismatch") {
  CHECK(refusal(token(R"({"alg":"RS256","kid":"ins_1","cat":"cl_B7d4PD333AAA"})", claims_json())) ==
        token_reason::token_type_mismatch);
  CHECK(refusal(token(R"({"alg":"RS256","kid":"ins_1","cat":7})", claims_json())) ==
        token_reason::token_type_mismatch);
  CHECK(refusal(token(std_header, R"({"sub":"mch_1","sid":"s","iss":"i","exp":1})")) ==
        token_reason::token_type_mismatch);
  for (std::string_view cat : {"cl_B7d4PD111AAA", "cl_I7d4PD111III"})
    CHECK(clerk::verify_session_token(
        token(R"({"alg":"RS256","kid":"ins_1","cat":")" + std::string(cat) + "\"}", claims_json()),
        test_keys{}, t_now));
}

TEST_CASE("a missing kid is token-invalid and an unknown one jwk-kid-mismatch") {
  CHECK(refusal(token(R"({"alg":"RS256"})", claims_json())) == token_reason::token_invalid);
  CHECK(refusal(token(R"({"alg":"RS256","kid":""})", claims_json())) ==
        token_reason::token_invalid);
  auto r = clerk::verify_session_token(token(R"({"alg":"RS256","kid":"ins_other"})", claims_json()),
                                       test_keys{}, t_now);
  REQUIRE(r.has_error());
  CHECK(r.error().as_invalid_token()->reason == token_reason::jwk_kid_mismatch);
  CHECK(r.error().message().find("ins_other") != std::string::npos);  // which kid, for the log
}

TEST_CASE("a wrong signature is token-invalid-signature, before any claim is read") {
  CHECK(refusal(token(std_header, claims_json(), "forged")) ==
        token_reason::token_invalid_signature);
  // A forged token with a bad claim learns nothing of the claim checks.
  CHECK(refusal(token(std_header, R"({"sub":1,"exp":"soon"})", "forged")) ==
        token_reason::token_invalid_signature);
  CHECK(refusal(token(std_header, R"({"exp":1})", "forged")) ==
        token_reason::token_invalid_signature);
}

namespace {
// A key adapter that gives one answer to every signature.
template <clerk::key_check Answer>
struct answering {
  clerk::key_check verify(std::string_view, std::string_view, std::string_view,
                          std::span<const unsigned char>) const {
    return Answer;
  }
};
}  // namespace

TEST_CASE("a key that does not do RS256 is token-invalid-algorithm") {
  auto r = clerk::verify_session_token(token(std_header, claims_json()),
                                       answering<clerk::key_check::unsupported_alg>{}, t_now);
  REQUIRE(r.has_error());
  CHECK(r.error().as_invalid_token()->reason == token_reason::token_invalid_algorithm);
}

TEST_CASE("a date that is not an integer is token-verification-failed naming the claim") {
  const auto p = [](std::string_view exp) {
    return R"({"sub":"user_1","sid":"s","iss":"i","exp":)" + std::string(exp) + "}";
  };
  for (std::string_view exp :
       {"1767225660.5", "\"1767225660\"", "true", "null", "1e10", "18446744073709551615", "[1]"}) {
    CAPTURE(exp);
    auto t = token(std_header, p(exp));
    CHECK(refusal(t) == token_reason::token_verification_failed);
    CHECK(claim_of(t) == "exp");
  }
  CHECK(claim_of(token(std_header, claims_json(R"("fva":[1,"2"])"))) == "fva[1]");
  CHECK(claim_of(token(std_header, claims_json(R"("o":{"id":5})"))) == "o.id");
}

TEST_CASE("sub, sid, iss and exp are required") {
  CHECK(claim_of(token(std_header, R"({"sid":"s","iss":"i","exp":1767225660})")) == "sub");
  CHECK(claim_of(token(std_header, R"({"sub":"","sid":"s","iss":"i","exp":1767225660})")) == "sub");
  CHECK(claim_of(token(std_header, R"({"sub":"u","iss":"i","exp":1767225660})")) == "sid");
  CHECK(claim_of(token(std_header, R"({"sub":"u","sid":"s","exp":1767225660})")) == "iss");
  auto t = token(std_header, R"({"sub":"u","sid":"s","iss":"i"})");
  CHECK(refusal(t) == token_reason::token_verification_failed);
  CHECK(claim_of(t) == "exp");
}

TEST_CASE("authorized_parties requires azp to be one of them") {
  clerk::verify_options o;
  o.authorized_parties = {"https://other.example.com", "https://app.example.com"};
  CHECK(clerk::verify_session_token(token(std_header, claims_json()), test_keys{}, t_now, o));
  o.authorized_parties = {"https://other.example.com"};
  CHECK(refusal(token(std_header, claims_json()), o) ==
        token_reason::token_invalid_authorized_parties);
  CHECK(refusal(token(std_header, R"({"sub":"u","sid":"s","iss":"i","exp":1767225660})"), o) ==
        token_reason::token_invalid_authorized_parties);
  // An empty entry (a list split at a trailing comma) lets no empty azp in.
  o.authorized_parties = {"https://app.example.com", ""};
  CHECK(refusal(token(std_header, R"({"sub":"u","sid":"s","iss":"i","azp":"","exp":1767225660})"),
                o) == token_reason::token_invalid_authorized_parties);
  // Not set: azp is not checked, present or not.
  CHECK(clerk::verify_session_token(
      token(std_header, R"({"sub":"u","sid":"s","iss":"i","exp":1767225660})"), test_keys{},
      t_now));
}

TEST_CASE(
    "a null typ, cat, iat or nbf is refused as @clerk/backend refuses it, not read as absent") {
  CHECK(refusal(token(R"({"alg":"RS256","kid":"ins_1","typ":null})", claims_json())) ==
        token_reason::token_invalid);
  CHECK(refusal(token(R"({"alg":"RS256","kid":"ins_1","typ":"JWT","cat":null})", claims_json())) ==
        token_reason::token_type_mismatch);
  const std::string head =
      R"({"sub":"user_1","sid":"sess_1","iss":"i","exp":)" + std::to_string(now_s + 60);
  for (std::string claim : {"iat", "nbf"}) {
    CAPTURE(claim);
    const auto t = token(std_header, head + ",\"" + claim + "\":null}");
    CHECK(refusal(t) == token_reason::token_verification_failed);
    CHECK(claim_of(t) == claim);
  }
  // Left out, each is still accepted.
  CHECK(clerk::verify_session_token(token(R"({"alg":"RS256","kid":"ins_1"})", head + "}"),
                                    test_keys{}, t_now));
}

TEST_CASE("issuer refuses another instance's tokens") {
  clerk::verify_options o;
  o.issuer = "https://clerk.example.com";
  CHECK(clerk::verify_session_token(token(std_header, claims_json()), test_keys{}, t_now, o));
  o.issuer = "https://clerk.other.com";
  CHECK(refusal(token(std_header, claims_json()), o) == token_reason::token_invalid_issuer);
  o.issuer = "https://clerk.example.com/";
  CHECK(refusal(token(std_header, claims_json()), o) == token_reason::token_invalid_issuer);
}

TEST_CASE("a token is expired when exp <= t_now - clock_skew, as @clerk/backend") {
  const auto with_exp = [](std::int64_t exp) {
    return token(std_header,
                 R"({"sub":"u","sid":"s","iss":"i","exp":)" + std::to_string(exp) + "}");
  };
  CHECK(refusal(with_exp(now_s - 5)) == token_reason::token_expired);
  CHECK(clerk::verify_session_token(with_exp(now_s - 4), test_keys{}, t_now));
  clerk::verify_options zero;
  zero.clock_skew = 0ms;
  CHECK(refusal(with_exp(now_s), zero) == token_reason::token_expired);
  CHECK(clerk::verify_session_token(with_exp(now_s + 1), test_keys{}, t_now, zero));
  // Milliseconds count: 1 ms before exp is valid, at exp it is not.
  CHECK(clerk::verify_session_token(with_exp(now_s + 1), test_keys{}, t_now + 999ms, zero));
  CHECK(refusal(token(std_header,
                      R"({"sub":"u","sid":"s","iss":"i","exp":)" + std::to_string(now_s) + "}"),
                zero) == token_reason::token_expired);
  // Extremes neither overflow nor pass.
  CHECK(refusal(with_exp(INT64_MIN + 1)) == token_reason::token_expired);
  CHECK(clerk::verify_session_token(with_exp(INT64_MAX), test_keys{}, t_now));
}

TEST_CASE("nbf and iat beyond t_now + clock_skew are refused") {
  const auto with = [](std::string_view name, std::int64_t v) {
    return token(std_header, R"({"sub":"u","sid":"s","iss":"i","exp":)" +
                                 std::to_string(now_s + 60) + ",\"" + std::string(name) +
                                 "\":" + std::to_string(v) + "}");
  };
  CHECK(clerk::verify_session_token(with("nbf", now_s + 5), test_keys{}, t_now));
  CHECK(refusal(with("nbf", now_s + 6)) == token_reason::token_not_active_yet);
  CHECK(clerk::verify_session_token(with("iat", now_s + 5), test_keys{}, t_now));
  CHECK(refusal(with("iat", now_s + 6)) == token_reason::token_iat_in_the_future);
  CHECK(refusal(with("iat", INT64_MAX)) == token_reason::token_iat_in_the_future);
  CHECK(claim_of(with("nbf", now_s + 6)) == "nbf");
}

TEST_CASE("a pending session is refused unless accept_pending_sessions") {
  auto t = token(std_header, R"({"sub":"u","sid":"s","iss":"i","exp":1767225660,"sts":"pending"})");
  CHECK(refusal(t) == token_reason::session_pending);
  clerk::verify_options o;
  o.accept_pending_sessions = true;
  auto r = clerk::verify_session_token(t, test_keys{}, t_now, o);
  REQUIRE(r);
  CHECK(r->session_status == clerk::session_token_status::pending);
  CHECK(refusal(token(std_header,
                      R"({"sub":"u","sid":"s","iss":"i","exp":1767225660,"sts":"gone"})")) ==
        token_reason::token_verification_failed);
}

TEST_CASE("the rules are applied in the issue's order") {
  clerk::verify_options o;
  o.authorized_parties = {"https://elsewhere"};
  o.issuer = "https://elsewhere";
  // Expired, wrong issuer and wrong azp: azp comes first, then iss, then exp.
  const auto bad =
      R"({"sub":"u","sid":"s","iss":"i","azp":"x","exp":1,"nbf":9999999999,"sts":"pending"})";
  CHECK(refusal(token(std_header, bad), o) == token_reason::token_invalid_authorized_parties);
  o.authorized_parties.clear();
  CHECK(refusal(token(std_header, bad), o) == token_reason::token_invalid_issuer);
  o.issuer.clear();
  CHECK(refusal(token(std_header, bad), o) == token_reason::token_expired);
  // A bad alg wins over a bad typ, crit and kid; crit over the category.
  CHECK(refusal(token(R"({"alg":"HS256","typ":"x","crit":[]})", bad)) ==
        token_reason::token_invalid_algorithm);
  CHECK(refusal(token(R"({"alg":"RS256","crit":[],"cat":"x"})", bad)) ==
        token_reason::token_invalid);
  CHECK(refusal(token(R"({"alg":"RS256","cat":"x"})", bad)) == token_reason::token_type_mismatch);
}

TEST_CASE("a refusal's message names the claim and never holds the token or signature") {
  clerk::verify_options o;
  o.issuer = "https://clerk.other.com";
  const std::string t = token(std_header, claims_json());
  auto r = clerk::verify_session_token(t, test_keys{}, t_now, o);
  REQUIRE(r.has_error());
  const std::string m = r.error().message();
  CHECK(m == "invalid token: token-invalid-issuer: iss: not the configured issuer");
  for (std::string_view bad : {"forged", "good-signature"}) {
    auto f = clerk::verify_session_token(
        token(std_header, R"({"sub":"u","sid":"s","iss":"i","exp":1})", bad), test_keys{}, t_now);
    REQUIRE(f.has_error());
    const std::string fm = f.error().message();
    CHECK(fm.find(b64url(bad)) == std::string::npos);
    CHECK(fm.find(b64url(std_header)) == std::string::npos);
  }
}

TEST_CASE("a clock skew below 0 or above 24 hours is an invalid_request") {
  for (auto skew : {-1ms, std::chrono::milliseconds(24h) + 1ms, std::chrono::milliseconds::max(),
                    std::chrono::milliseconds::min()}) {
    CAPTURE(skew.count());
    clerk::verify_options o;
    o.clock_skew = skew;
    auto r = clerk::verify_session_token(token(std_header, claims_json()), test_keys{}, t_now, o);
    REQUIRE(r.has_error());
    REQUIRE(r.error().as_invalid_request() != nullptr);
    CHECK(r.error().as_invalid_request()->field == "clock_skew");
  }
  clerk::verify_options day;
  day.clock_skew = 24h;
  CHECK(clerk::verify_session_token(token(std_header, claims_json()), test_keys{}, t_now, day));
}

// Review 3's finding 7: seconds times 1000 overflowed for a bound near
// INT64_MAX (a saturated now + skew). UBSan (CI's clang++ build) reports any
// signed overflow here.
TEST_CASE("seconds and milliseconds compare without overflow at every extreme") {
  using clerk::detail::compare_seconds_ms;
  constexpr std::int64_t max = INT64_MAX, min = INT64_MIN, edge = INT64_MAX / 1000;
  CHECK(compare_seconds_ms(edge + 1, max) > 0);
  CHECK(compare_seconds_ms(edge, max) < 0);
  CHECK(compare_seconds_ms(max, max) > 0);
  CHECK(compare_seconds_ms(-edge, min) > 0);
  CHECK(compare_seconds_ms(-edge - 1, min) < 0);
  CHECK(compare_seconds_ms(min, min) < 0);
  CHECK(compare_seconds_ms(min, max) < 0);
  CHECK(compare_seconds_ms(max, min) > 0);
  CHECK(compare_seconds_ms(5, 5000) == 0);
  CHECK(compare_seconds_ms(5, 5001) < 0);
  CHECK(compare_seconds_ms(-5, -5001) > 0);
}

TEST_CASE("tokens with saturated times at the clock's ends and the largest skew") {
  clerk::verify_options o;
  o.clock_skew = clerk::max_clock_skew;
  const auto with = [](std::string_view name, std::int64_t v) {
    return token(std_header, R"({"sub":"u","sid":"s","iss":"i","exp":)" +
                                 std::to_string(INT64_MAX) + ",\"" + std::string(name) +
                                 "\":" + std::to_string(v) + "}");
  };
  for (auto now : {std::chrono::system_clock::time_point::max(),
                   std::chrono::system_clock::time_point::min(), t_now}) {
    for (std::int64_t v : {INT64_MAX, INT64_MAX / 1000 + 1, INT64_MAX / 1000, INT64_MIN,
                           INT64_MIN / 1000 - 1, std::int64_t{0}}) {
      CAPTURE(v);
      // v * 1000 > now + skew in milliseconds, worked out without the
      // multiplication: no wrap-around may make a future date pass.
      const std::int64_t bound =
          std::chrono::floor<std::chrono::milliseconds>(now).time_since_epoch().count() +
          o.clock_skew.count();
      const bool future = v > bound / 1000 - (bound % 1000 < 0 ? 1 : 0);
      auto nbf = clerk::verify_session_token(with("nbf", v), test_keys{}, now, o);
      CHECK(nbf.has_value() == !future);
      auto iat = clerk::verify_session_token(with("iat", v), test_keys{}, now, o);
      CHECK(iat.has_value() == !future);
    }
    auto expired =
        clerk::verify_session_token(token(std_header, R"({"sub":"u","sid":"s","iss":"i","exp":)" +
                                                          std::to_string(INT64_MIN + 1) + "}"),
                                    test_keys{}, now, o);
    CHECK(expired.error().as_invalid_token()->reason == token_reason::token_expired);
  }
}

TEST_CASE("reasons are spelled as @clerk/backend spells them") {
  CHECK(clerk::to_string(token_reason::token_expired) == "token-expired");
  CHECK(clerk::to_string(token_reason::token_invalid) == "token-invalid");
  CHECK(clerk::to_string(token_reason::token_invalid_algorithm) == "token-invalid-algorithm");
  CHECK(clerk::to_string(token_reason::token_invalid_signature) == "token-invalid-signature");
  CHECK(clerk::to_string(token_reason::token_not_active_yet) == "token-not-active-yet");
  CHECK(clerk::to_string(token_reason::token_iat_in_the_future) == "token-iat-in-the-future");
  CHECK(clerk::to_string(token_reason::token_invalid_authorized_parties) ==
        "token-invalid-authorized-parties");
  CHECK(clerk::to_string(token_reason::token_invalid_issuer) == "token-invalid-issuer");
  CHECK(clerk::to_string(token_reason::token_verification_failed) == "token-verification-failed");
  CHECK(clerk::to_string(token_reason::token_type_mismatch) == "token-type-mismatch");
  CHECK(clerk::to_string(token_reason::jwk_kid_mismatch) == "jwk-kid-mismatch");
  CHECK(clerk::to_string(token_reason::jwk_remote_invalid) == "jwk-remote-invalid");
  CHECK(clerk::to_string(token_reason::session_pending) == "session-pending");
}

TEST_CASE("claims print on one line and write back as JSON") {
  auto r = clerk::verify_session_token(token(std_header, claims_json(R"("fva":[3,-1])")),
                                       test_keys{}, t_now);
  REQUIRE(r);
  const std::string json = clerk::to_json_revealing_secrets(*r);
  CHECK(json.find(R"("exp":1767225660)") != std::string::npos);
  CHECK(json.find(R"("fva":[3,-1])") != std::string::npos);
  const std::string line = clerk_test::printed(*r);
  CHECK(line.find("exp=2026-01-01T00:01:00.000Z") != std::string::npos);
  CHECK(line.find("fva=[3, -1]") != std::string::npos);
}

// ---- JWKS ----

namespace {
const std::string n2048 = b64url(std::string(256, '\xc3'));
std::string jwk(std::string_view kid, std::string_view n, std::string_view extra = "") {
  return R"({"kid":")" + std::string(kid) + R"(","kty":"RSA","alg":"RS256","use":"sig","n":")" +
         std::string(n) + R"(","e":"AQAB")" + std::string(extra) + "}";
}
}  // namespace

TEST_CASE("a JWKS keeps its RS256 signature keys and skips the others") {
  auto set = clerk::parse_jwks(
      R"({"keys":[)" + jwk("ins_1", n2048) +
      R"(,{"kid":"ec","kty":"EC","crv":"P-256","x":"AA","y":"AA","alg":"ES256","use":"sig"},)"
      R"({"kid":"sym","kty":"oct","k":"AAAA"},)" +
      jwk("ins_384", n2048, "").replace(jwk("ins_384", n2048).find("RS256"), 5, "RS384") + "," +
      jwk("ins_enc", n2048).replace(jwk("ins_enc", n2048).find("sig"), 3, "enc") + "]}");
  REQUIRE_MESSAGE(set.has_value(), set.error().message());
  CHECK(set->keys.size() == 5);
  auto keys = clerk::rs256_keys(*set);
  REQUIRE_MESSAGE(keys.has_value(), keys.error().message());
  REQUIRE(keys->size() == 1);
  CHECK((*keys)[0].kid == "ins_1");
  CHECK((*keys)[0].n == std::vector<unsigned char>(256, 0xc3));
  CHECK((*keys)[0].e == std::vector<unsigned char>{1, 0, 1});
}

TEST_CASE("an RSA key under 2048 bits is skipped, counting the modulus without leading zeros") {
  auto weak = clerk::parse_jwks(
      R"({"keys":[)" + jwk("ins_1", n2048) + "," +
      jwk("ins_2", b64url(std::string(1, '\0') + std::string(255, '\x7f'))) + "]}");
  REQUIRE(weak);
  std::vector<clerk::skipped_key> skipped;
  auto keys = clerk::rs256_keys(*weak, &skipped);
  REQUIRE_MESSAGE(keys.has_value(), keys.error().message());
  REQUIRE(keys->size() == 1);
  CHECK((*keys)[0].kid == "ins_1");
  REQUIRE(skipped.size() == 1);
  CHECK(skipped[0] ==
        clerk::skipped_key{"ins_2", "keys[1].n", "an RSA modulus of 2039 bits, under 2048"});
  auto big = clerk::parse_jwks(R"({"keys":[)" + jwk("k", b64url(std::string(512, '\x01'))) + "]}");
  CHECK(clerk::rs256_keys(*big));
}

TEST_CASE("keys out of range are skipped and listed, the set refused only when none is left") {
  // RFC 7517 §5: a bad exponent, a kid two keys share (both dropped), no kid,
  // a modulus that is not base64url; the good key stays.
  const std::string bad_e = R"({"kid":"even","kty":"RSA","n":")" + n2048 + R"(","e":"AQAA"})";
  const std::string one_e = R"({"kid":"one","kty":"RSA","n":")" + n2048 + R"(","e":"AQ"})";
  const std::string no_kid = R"({"kty":"RSA","n":")" + n2048 + R"(","e":"AQAB"})";
  auto set = clerk::parse_jwks(R"({"keys":[)" + bad_e + "," + one_e + "," + jwk("twice", n2048) +
                               "," + jwk("good", n2048) + "," + jwk("twice", n2048) + "," + no_kid +
                               "," + jwk("padded", n2048 + "=") + "]}");
  REQUIRE(set);
  std::vector<clerk::skipped_key> skipped;
  auto keys = clerk::rs256_keys(*set, &skipped);
  REQUIRE_MESSAGE(keys.has_value(), keys.error().message());
  REQUIRE(keys->size() == 1);
  CHECK((*keys)[0].kid == "good");
  std::vector<std::string> where;
  for (const auto& k : skipped)
    where.push_back(k.kid + " " + k.where);
  CHECK(where == std::vector<std::string>{"even keys[0].e", "one keys[1].e", "twice keys[2].kid",
                                          "twice keys[4].kid", " keys[5].kid", "padded keys[6].n"});
  // Only bad keys: refused, naming the first one's problem.
  auto only_bad = clerk::parse_jwks(R"({"keys":[)" + bad_e + "," + jwk("k", n2048, "") + "," +
                                    jwk("k", n2048) + "]}");
  auto refused = clerk::rs256_keys(*only_bad);
  REQUIRE(refused.has_error());
  CHECK(refused.error().as_invalid_token()->reason == token_reason::jwk_remote_invalid);
  CHECK(refused.error().as_invalid_token()->claim == "keys[0].e");
  CHECK(clerk::rs256_keys(clerk::jwks{}).error().as_invalid_token()->claim == "keys");
  CHECK(clerk::parse_jwks("[]").error().as_invalid_token()->reason ==
        token_reason::jwk_remote_invalid);
  CHECK(clerk::parse_jwks(R"({"keys":{}})").has_error());
}

TEST_CASE("a token whose kid names a key the adapter skipped is jwk-remote-invalid") {
  auto r = clerk::verify_session_token(token(std_header, claims_json()),
                                       answering<clerk::key_check::refused_key>{}, t_now);
  REQUIRE(r.has_error());
  CHECK(r.error().as_invalid_token()->reason == token_reason::jwk_remote_invalid);
  CHECK(r.error().as_invalid_token()->claim == "header.kid");
  CHECK(r.error().message().find("skipped") != std::string::npos);
}

TEST_CASE("get_jwks is GET /v1/jwks with the secret key") {
  auto r = clerk::build_request(clerk::get_jwks{}, clerk_test::make_config());
  REQUIRE(r);
  CHECK(r->method == clerk::http_method::get);
  CHECK(r->url == "https://api.clerk.com/v1/jwks");
  CHECK(r->headers == clerk_test::golden_headers(false));
  CHECK(r->body.empty());
}

TEST_CASE("get_frontend_jwks is the Frontend API's /.well-known/jwks.json, without a secret") {
  clerk::frontend::frontend_options fo;
  fo.frontend_api_url = "https://clerk.example.com";
  auto cfg = clerk::frontend::frontend_config::make(fo);
  REQUIRE(cfg);
  const clerk::frontend::client_token none;
  auto r =
      clerk::build_request(clerk::get_frontend_jwks{}, clerk::frontend::frontend_call(*cfg, none));
  REQUIRE(r);
  CHECK(r->method == clerk::http_method::get);
  CHECK(r->url.starts_with("https://clerk.example.com/.well-known/jwks.json"));
  CHECK_FALSE(r->headers.find("Authorization"));
}

// ---- finding the token ----

TEST_CASE("the session token comes from Authorization first, else the __session cookie") {
  CHECK(clerk::session_token_from({{"Authorization", "Bearer abc.def.ghi"},
                                   {"Cookie", "__session=zzz"}}) == "abc.def.ghi");
  CHECK(clerk::session_token_from({{"authorization", "abc.def.ghi"}}) == "abc.def.ghi");
  CHECK(clerk::session_token_from(
            {{"Authorization", "Basic dXNlcg=="}, {"Cookie", "a=1; __session=tok; b=2"}}) == "tok");
  CHECK(clerk::session_token_from({{"cookie", "__session_x=1"}, {"Cookie", "__session=two"}}) ==
        "two");
  CHECK(clerk::session_token_from({{"Cookie", "__session_abc=1; x__session=2"}}).empty());
  CHECK(clerk::session_token_from({}).empty());
}

TEST_CASE("the Authorization header is split as @clerk/backend's split(\" \", 2) splits it") {
  const auto from = [](std::string value) {
    return clerk::session_token_from(
        {{"Authorization", std::move(value)}, {"Cookie", "__session=cookie"}});
  };
  CHECK(from("Bearer a b") == "a");        // the second word only
  CHECK(from("Bearer  tok") == "Bearer");  // an empty second word: the first is the token
  CHECK(from("Bearer ") == "Bearer");      // trimmed, as fetch's Headers trims
  CHECK(from("  tok  ") == "tok");
  CHECK(from("bearer tok") == "cookie");  // another scheme: not a session token
  CHECK(from("") == "cookie");
}

TEST_CASE("cookies are read as @clerk/backend's cookie parser reads them") {
  const auto cookie = [](std::string value) {
    return clerk::session_token_from({{"Cookie", std::move(value)}});
  };
  // Review 3's f08 table, with @clerk/backend's answers.
  CHECK(cookie("__session=; __session=tokB").empty());  // the first, even empty: signed out
  CHECK(cookie("__session = tokA") == "tokA");          // spaces around '=' trimmed
  CHECK(cookie("__session=tok%41") == "tokA");          // percent-decoded
  CHECK(cookie("__session=\"tokA\"") == "\"tokA\"");    // quotes kept
  CHECK(cookie("a=1;__session=tokA;__session=tokB") == "tokA");
  CHECK(cookie("__session_abcd1234=tokS; __session=tokA") == "tokA");
  // Tabs trimmed too; a pair without '=' skipped; a malformed escape or
  // bytes that are not UTF-8 keep the value as sent.
  CHECK(cookie("\t__session\t=\ttok\t") == "tok");
  CHECK(cookie("flag; __session=tok") == "tok");
  CHECK(cookie("__session=tok%4") == "tok%4");
  CHECK(cookie("__session=tok%ff") == "tok%ff");
  CHECK(cookie("__session=%C3%A9%3B") == "\xC3\xA9;");
  CHECK(cookie("__session==x=") == "=x=");
}

namespace {
// A cookie's token for the suffix choice: decoded, never verified.
std::string cookie_jwt(std::string_view payload) {
  return token(std_header, payload, "unchecked");
}
const clerk::cookie_instance this_instance{
    clerk::publishable_key{"https://clerk.example.com", clerk::instance_type::production},
    "l2OS3d9k"};
}  // namespace

TEST_CASE("the suffixed session cookie is chosen as @clerk/backend's usesSuffixedCookies does") {
  const std::string ours = cookie_jwt(R"({"iss":"https://clerk.example.com","iat":100})");
  const std::string newer = cookie_jwt(R"({"iss":"https://clerk.example.com","iat":200})");
  const std::string theirs = cookie_jwt(R"({"iss":"https://clerk.other.com","iat":300})");
  const std::string no_iss = cookie_jwt(R"({"sub":"user_1"})");
  // Which of them a request's cookies give.
  const auto pick = [&](std::string cookies,
                        const clerk::cookie_instance& i = this_instance) -> std::string {
    const std::string t = clerk::session_token_from({{"Cookie", std::move(cookies)}}, i, t_now);
    return t == ours     ? "ours"
           : t == newer  ? "newer"
           : t == theirs ? "theirs"
           : t == no_iss ? "no_iss"
           : t.empty()   ? "none"
                         : t;
  };
  const std::string s = "; __session_l2OS3d9k=", u = "; __client_uat_l2OS3d9k=";
  // __session is another instance's: the suffixed cookie, even when absent.
  CHECK(pick("__session=" + theirs + s + newer) == "newer");
  CHECK(pick("__session=" + theirs) == "none");
  // Ours, or without an issuer: __session.
  CHECK(pick("__session=" + ours + s + newer) == "ours");
  CHECK(pick("__session=" + no_iss + s + newer + u + "5") == "no_iss");
  // No suffixed cookies at all: __session.
  CHECK(pick("__session=" + ours) == "ours");
  // Suffixed session and client_uat: the newer iat wins.
  CHECK(pick("__session=" + ours + s + newer + u + "5; __client_uat=5") == "newer");
  CHECK(pick("__session=" + newer + s + ours + u + "5; __client_uat=5") == "newer");
  // The suffixed client_uat says signed out ("0") while the other does not.
  CHECK(pick("__session=" + ours + s + newer + u + "0; __client_uat=5") == "ours");
  // No __session: the suffixed one when its client_uat is there.
  CHECK(pick("__session_l2OS3d9k=" + newer + u + "5") == "newer");
  CHECK(pick("__client_uat_l2OS3d9k=5") == "none");
  // A development instance drops an expired suffixed session when
  // __client_uat is "0"; production does not look.
  const std::string expired = cookie_jwt(R"({"iss":"https://clerk.example.com","iat":200,"exp":)" +
                                         std::to_string(now_s) + "}");
  const std::string cookies = "__session=" + ours + s + expired + u + "5; __client_uat=0";
  clerk::cookie_instance dev = this_instance;
  dev.key.instance = clerk::instance_type::development;
  CHECK(clerk::session_token_from({{"Cookie", cookies}}, this_instance, t_now) == expired);
  CHECK(pick(cookies, dev) == "ours");
  // An instance left empty (no publishable key read into it): no issuer is
  // its own, and nothing throws.
  CHECK(pick("__session=" + ours, clerk::cookie_instance{}) == "none");
  CHECK(pick("__session=" + no_iss, clerk::cookie_instance{}) == "no_iss");
  // A header token still wins.
  CHECK(
      clerk::session_token_from({{"Authorization", "Bearer h"}, {"Cookie", "__session=" + theirs}},
                                this_instance, t_now) == "h");
  // iss with its scheme in capitals, or "http://": the same instance.
  const std::string http = cookie_jwt(R"({"iss":"HTTP://clerk.example.com"})");
  CHECK(clerk::session_token_from({{"Cookie", "__session=" + http + s + newer}}, this_instance,
                                  t_now) == http);
}

// ---- the cache and the verifier ----

TEST_CASE("the cache keeps keys for its TTL") {
  clerk::jwks_cache cache({.ttl = 3600s, .refetch_interval = 300s});
  CHECK(cache.stale(t_now));
  cache.fetched({"ins_1"}, t_now);
  CHECK_FALSE(cache.stale(t_now));
  CHECK_FALSE(cache.stale(t_now + 3599s));
  CHECK(cache.stale(t_now + 3600s));
  CHECK_FALSE(cache.stale(t_now - 1s));  // a thread that read the clock a little earlier
  CHECK(cache.stale(t_now - 3601s));     // a clock gone back cannot keep keys forever
  CHECK(cache.knows("ins_1"));
  CHECK_FALSE(cache.knows("ins_2"));
}

TEST_CASE("a clock read before the last fetch neither refetches nor moves the cache back") {
  clerk::jwks_cache cache({.ttl = 3600s, .refetch_interval = 300s});
  cache.fetched({"ins_1"}, t_now);
  // A thread that read its clock, then waited longer than an interval.
  CHECK_FALSE(cache.may_refetch(t_now - 301s));
  cache.fetched({"ins_1"}, t_now - 1000s);  // a slow thread's fetch
  CHECK_FALSE(cache.stale(t_now + 3599s));  // the keys' age still counts from t_now
  CHECK_FALSE(cache.may_refetch(t_now + 299s));
  CHECK(cache.may_refetch(t_now - 3601s));  // a clock reset by more than the TTL
  CHECK(cache.stale(t_now - 3601s));
}

TEST_CASE("an unknown kid may refetch at most once a refetch interval") {
  clerk::jwks_cache cache({.ttl = 3600s, .refetch_interval = 300s});
  CHECK(cache.may_refetch(t_now));
  cache.fetched({"ins_1"}, t_now);
  CHECK_FALSE(cache.may_refetch(t_now + 299s));
  CHECK(cache.may_refetch(t_now + 300s));
  cache.fetch_failed(t_now + 300s);
  CHECK_FALSE(cache.may_refetch(t_now + 599s));
  CHECK(cache.may_refetch(t_now + 600s));
  CHECK_FALSE(cache.stale(t_now + 600s));  // a failed fetch does not drop the keys
}

TEST_CASE("stale keys stay usable for stale_if_error after the TTL, and no longer") {
  clerk::jwks_cache cache({.ttl = 3600s, .refetch_interval = 300s, .stale_if_error = 7200s});
  CHECK_FALSE(cache.usable(t_now));  // no keys yet
  cache.fetched({"ins_1"}, t_now);
  cache.fetch_failed(t_now + 3600s);
  CHECK(cache.stale(t_now + 3600s));
  CHECK(cache.usable(t_now + 3600s + 7199s));
  CHECK_FALSE(cache.usable(t_now + 3600s + 7200s));
  clerk::jwks_cache none({.ttl = 3600s, .refetch_interval = 300s, .stale_if_error = 0s});
  none.fetched({"ins_1"}, t_now);
  CHECK(none.usable(t_now + 3599s));
  CHECK_FALSE(none.usable(t_now + 3600s));
}

TEST_CASE("the cache's times never overflow, whatever now is") {
  clerk::jwks_cache cache({.ttl = 3600s, .refetch_interval = 300s, .stale_if_error = 3600s});
  const auto max = std::chrono::system_clock::time_point::max(),
             min = std::chrono::system_clock::time_point::min();
  cache.fetched({"ins_1"}, min);
  CHECK(cache.stale(max));
  CHECK_FALSE(cache.usable(max));
  CHECK(cache.may_refetch(max));
  cache.fetched({"ins_1"}, max);
  CHECK(cache.stale(min));  // a clock gone back by more than the TTL starts afresh
  CHECK(cache.may_refetch(min));
  CHECK_FALSE(cache.stale(max));
}

TEST_CASE("cache options out of range are an invalid_request naming the option") {
  using opts = clerk::jwks_cache::options;
  const auto field = [](const opts& o) {
    auto e = clerk::jwks_cache::check(o);
    REQUIRE(e.has_value());
    REQUIRE(e->as_invalid_request() != nullptr);
    return e->as_invalid_request()->field;
  };
  CHECK(field({.ttl = 0s}) == "ttl");
  CHECK(field({.ttl = -1s}) == "ttl");
  CHECK(field({.ttl = std::chrono::seconds(std::chrono::days(31))}) == "ttl");
  CHECK(field({.ttl = 3600s, .refetch_interval = 0s}) == "refetch_interval");
  CHECK(field({.ttl = 3600s, .refetch_interval = -5s}) == "refetch_interval");
  CHECK(field({.ttl = 60s, .refetch_interval = 61s}) == "refetch_interval");
  CHECK(field({.stale_if_error = -1s}) == "stale_if_error");
  CHECK(field({.stale_if_error = std::chrono::seconds::max()}) == "stale_if_error");
  CHECK_FALSE(clerk::jwks_cache::check({}));
  CHECK_FALSE(clerk::jwks_cache::check({.ttl = 1s, .refetch_interval = 1s, .stale_if_error = 0s}));
}

namespace {
// Answers GET /v1/jwks with `body`, counting the calls; an empty body is an
// outage (connection refused).
struct jwks_server {
  std::string body;
  int calls = 0;
  clerk::transport_result operator()(const clerk::http_request& r) {
    ++calls;
    CHECK(r.url == "https://api.clerk.com/v1/jwks");
    if (body.empty())
      return clerk::transport_error{std::make_error_code(std::errc::connection_refused), "down",
                                    true};
    return clerk_test::json_response(200, body);
  }
};
using test_client = clerk::client<std::reference_wrapper<jwks_server>>;
using test_verifier = clerk::session_verifier<test_keys, test_client>;

// A genuine token valid until t_now + 3 days.
std::string lasting_token(std::string_view kid = "ins_1") {
  return token(
      R"({"alg":"RS256","kid":")" + std::string(kid) + "\"}",
      R"({"sub":"u","sid":"s","iss":"i","exp":)" + std::to_string(now_s + 3 * 86400) + "}");
}

// The reason of a refusal, or "ok", or the error's message for another kind.
std::string outcome(const clerk::result<clerk::session_claims>& r) {
  if (r)
    return "ok";
  if (const auto* t = r.error().as_invalid_token())
    return std::string(clerk::to_string(t->reason));
  return r.error().message();
}
}  // namespace

TEST_CASE("the verifier fetches once, then verifies from the cache until the TTL") {
  jwks_server server{R"({"keys":[)" + jwk("ins_1", n2048) + "]}"};
  test_verifier v(test_client(clerk_test::make_config(), std::ref(server)));
  const auto t = token(std_header, claims_json());
  CHECK(v.verify(t, t_now));
  CHECK(v.verify(t, t_now + 10s));
  CHECK(server.calls == 1);
  CHECK(v.verify(lasting_token(), t_now + 3600s));
  CHECK(server.calls == 2);
}

TEST_CASE("the verifier refetches for an unknown kid at most once an interval") {
  jwks_server server{R"({"keys":[)" + jwk("ins_1", n2048) + "]}"};
  test_verifier v(test_client(clerk_test::make_config(), std::ref(server)), {},
                  {.ttl = 3600s, .refetch_interval = 300s});
  const auto rotated = lasting_token("ins_2");
  CHECK(v.verify(token(std_header, claims_json()), t_now));
  CHECK(server.calls == 1);
  // Too soon after the first fetch: refused without a fetch, however often.
  for (int i = 0; i < 5; ++i)
    CHECK(outcome(v.verify(rotated, t_now + 1s)) == "jwk-kid-mismatch");
  CHECK(server.calls == 1);
  // After the interval one refetch, which finds the rotated key.
  server.body = R"({"keys":[)" + jwk("ins_1", n2048) + "," + jwk("ins_2", n2048) + "]}";
  CHECK(v.verify(rotated, t_now + 300s));
  CHECK(server.calls == 2);
  // A forged kid: one refetch in the next interval, then none.
  const auto forged = token(R"({"alg":"RS256","kid":"../../etc"})", claims_json());
  CHECK(outcome(v.verify(forged, t_now + 600s)) == "jwk-kid-mismatch");
  CHECK(v.verify(forged, t_now + 601s).has_error());
  CHECK(server.calls == 3);
}

TEST_CASE("with no keys, a failed fetch is told, and retried after an interval") {
  jwks_server server{""};
  test_verifier v(test_client(clerk_test::make_config(), std::ref(server)), {},
                  {.ttl = 3600s, .refetch_interval = 300s});
  const auto t = lasting_token();
  auto r = v.verify(t, t_now);
  REQUIRE(r.has_error());
  CHECK(r.error().kind() == clerk::error_kind::transport);
  // Within the interval: the same error, no fetch.
  auto again = v.verify(t, t_now + 299s);
  REQUIRE(again.has_error());
  CHECK(again.error() == r.error());
  CHECK(server.calls == 1);
  // A JWKS without a usable key is a failed fetch too.
  server.body = R"({"keys":[)" + jwk("ins_1", b64url(std::string(128, '\xff'))) + "]}";
  CHECK(outcome(v.verify(t, t_now + 300s)) == "jwk-remote-invalid");
  server.body = R"({"keys":[)" + jwk("ins_1", n2048) + "]}";
  CHECK(v.verify(t, t_now + 599s).has_error());
  CHECK(v.verify(t, t_now + 600s));
  CHECK(server.calls == 3);
}

// Review 3's finding 3: after the TTL, every verify fetched while fetches
// failed, and the keys held were dropped.
TEST_CASE("during an outage 50 verifies make one fetch an interval and pass within the grace") {
  jwks_server server{R"({"keys":[)" + jwk("ins_1", n2048) + "]}"};
  test_verifier v(test_client(clerk_test::make_config(), std::ref(server)), {},
                  {.ttl = 3600s, .refetch_interval = 300s, .stale_if_error = 86400s});
  const auto t = lasting_token();
  REQUIRE(v.verify(t, t_now));
  server.body.clear();  // the outage
  int passed = 0;
  // 50 verifies a second apart, from the TTL on: 50 s, within one interval.
  for (int i = 0; i < 50; ++i)
    passed += v.verify(t, t_now + 3600s + std::chrono::seconds(i)).has_value();
  CHECK(passed == 50);
  CHECK(server.calls == 2);  // the first fetch, then one attempt
  // 50 more, one a minute: 50 minutes make 10 intervals, so 10 attempts.
  for (int i = 0; i < 50; ++i)
    passed += v.verify(t, t_now + 3900s + std::chrono::minutes(i)).has_value();
  CHECK(passed == 100);
  CHECK(server.calls == 12);
  // Beyond the grace the keys no longer verify: the last fetch's error.
  auto late = v.verify(t, t_now + 3600s + 86400s);
  REQUIRE(late.has_error());
  CHECK(late.error().kind() == clerk::error_kind::transport);
  // When Clerk answers again, the keys are fresh again.
  server.body = R"({"keys":[)" + jwk("ins_1", n2048) + "]}";
  CHECK(v.verify(t, t_now + 3600s + 86400s + 300s));
}

TEST_CASE("a token's form is checked before anything is fetched") {
  jwks_server server{R"({"keys":[)" + jwk("ins_1", n2048) + "]}"};
  test_verifier v(test_client(clerk_test::make_config(), std::ref(server)));
  const std::string big(9000, 'a');
  for (const std::string& garbage :
       {std::string(""), std::string("abc"), std::string("a.b"), big + ".e30.e30",
        token("{", claims_json()), token(R"({"alg":"HS256","kid":"ins_1"})", claims_json()),
        token(R"({"alg":"RS256"})", claims_json()), token(std_header, "[1]"),
        token(R"({"alg":"RS256","kid":"ins_1","crit":["x"]})", claims_json()),
        token(std_header, R"({"sub":"mch_1","sid":"s","iss":"i","exp":1})")}) {
    CAPTURE(garbage.substr(0, 60));
    auto r = v.verify(garbage, t_now);
    REQUIRE(r.has_error());
    CHECK(r.error().kind() == clerk::error_kind::invalid_token);
  }
  CHECK(server.calls == 0);
}

TEST_CASE("the verifier refuses cache and verify options out of range before any fetch") {
  jwks_server server{R"({"keys":[)" + jwk("ins_1", n2048) + "]}"};
  for (const auto& o : {clerk::jwks_cache::options{.ttl = 0s},
                        clerk::jwks_cache::options{.ttl = 60s, .refetch_interval = 0s},
                        clerk::jwks_cache::options{.ttl = -60s, .refetch_interval = -1s},
                        clerk::jwks_cache::options{.stale_if_error = -1s}}) {
    test_verifier v(test_client(clerk_test::make_config(), std::ref(server)), {}, o);
    auto r = v.verify(lasting_token(), t_now);
    REQUIRE(r.has_error());
    REQUIRE(r.error().as_invalid_request() != nullptr);
    CHECK(r.error().as_invalid_request()->field ==
          clerk::jwks_cache::check(o)->as_invalid_request()->field);
  }
  clerk::verify_options skew;
  skew.clock_skew = std::chrono::milliseconds::max();
  test_verifier v(test_client(clerk_test::make_config(), std::ref(server)), skew);
  CHECK(v.verify(lasting_token(), t_now).error().as_invalid_request()->field == "clock_skew");
  CHECK(server.calls == 0);
}

TEST_CASE("through the verifier, a token naming a skipped key says why it was skipped") {
  jwks_server server{R"({"keys":[)" + jwk("ins_1", n2048) + "," +
                     jwk("ins_legacy", b64url(std::string(128, '\xff'))) + "]}"};
  test_verifier v(test_client(clerk_test::make_config(), std::ref(server)));
  CHECK(v.verify(lasting_token(), t_now));
  auto r = v.verify(lasting_token("ins_legacy"), t_now + 1s);
  REQUIRE(r.has_error());
  CHECK(r.error().as_invalid_token()->reason == token_reason::jwk_remote_invalid);
  CHECK(r.error().message() ==
        "invalid token: jwk-remote-invalid: header.kid: the JWKS's key of this kid was skipped: "
        "keys[1].n: an RSA modulus of 1024 bits, under 2048");
  // A skipped kid is known: it does not make the verifier refetch.
  CHECK(v.verify(lasting_token("ins_legacy"), t_now + 600s).has_error());
  CHECK(server.calls == 1);
}
