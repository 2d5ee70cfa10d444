// Session-token verification: every rule of <clerk/session_tokens.hpp> and
// every reason, with a key adapter written here (real RSA is the OpenSSL
// adapter's, tested in tests/integration): kid "ins_1" accepts exactly the
// signature "good-signature".
#include <clerk/session_tokens.hpp>

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

constexpr std::string_view good_sig = "good-signature";

// The test's key adapter. Counts its calls, to show what is refused before
// any key is touched.
struct test_keys {
  std::vector<std::string> kids{"ins_1"};
  mutable int calls = 0;
  clerk::key_check verify(std::string_view kid, std::string_view alg, std::string_view input,
                          std::span<const unsigned char> sig) const {
    ++calls;
    CHECK(alg == "RS256");
    CHECK(std::count(input.begin(), input.end(), '.') == 1);
    bool known = false;
    for (const auto& k : kids)
      known = known || k == kid;
    if (!known)
      return clerk::key_check::unknown_kid;
    std::string_view s(reinterpret_cast<const char*>(sig.data()), sig.size());
    return s == good_sig ? clerk::key_check::valid : clerk::key_check::bad_signature;
  }
  static clerk::result<test_keys> from_jwks(const clerk::jwks& set) {
    auto usable = clerk::rs256_keys(set);
    if (!usable)
      return std::move(usable).error();
    test_keys k;
    k.kids.clear();
    for (const auto& u : *usable)
      k.kids.push_back(u.kid);
    return k;
  }
};
static_assert(clerk::session_keys<test_keys>);

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
  return b64url(header) + '.' + b64url(payload) + '.' + b64url(sig);
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
  CHECK(r->other_claims.text() == R"({"jti":"abc","pla":"u:free"})");
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

TEST_CASE("a permission mask that is not decimal, or longer than o.per allows, is refused") {
  CHECK(refusal(
            token(std_header,
                  claims_json(R"("fea":"o:f","o":{"id":"o","rol":"r","per":"a","fpm":"0x1"})"))) ==
        token_reason::token_verification_failed);
  CHECK(
      refusal(token(
          std_header,
          claims_json(
              R"("fea":"o:f","o":{"id":"o","rol":"r","per":"a","fpm":"1267650600228229401496703205376"})"))) ==
      token_reason::token_verification_failed);
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
  CHECK(refusal("") == token_reason::token_invalid);
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

TEST_CASE("a key that does not do RS256 is token-invalid-algorithm") {
  struct no_rs256 {
    clerk::key_check verify(std::string_view, std::string_view, std::string_view,
                            std::span<const unsigned char>) const {
      return clerk::key_check::unsupported_alg;
    }
  };
  auto r = clerk::verify_session_token(token(std_header, claims_json()), no_rs256{}, t_now);
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
  // Not set: azp is not checked, present or not.
  CHECK(clerk::verify_session_token(
      token(std_header, R"({"sub":"u","sid":"s","iss":"i","exp":1767225660})"), test_keys{},
      t_now));
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

TEST_CASE("a negative clock skew is an invalid_request") {
  clerk::verify_options o;
  o.clock_skew = -1ms;
  auto r = clerk::verify_session_token(token(std_header, claims_json()), test_keys{}, t_now, o);
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_invalid_request() != nullptr);
  CHECK(r.error().as_invalid_request()->field == "clock_skew");
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

TEST_CASE("an RSA key under 2048 bits is refused, counting the modulus without leading zeros") {
  auto weak = clerk::parse_jwks(
      R"({"keys":[)" + jwk("ins_1", n2048) + "," +
      jwk("ins_2", b64url(std::string(1, '\0') + std::string(255, '\x7f'))) + "]}");
  REQUIRE(weak);
  auto keys = clerk::rs256_keys(*weak);
  REQUIRE(keys.has_error());
  CHECK(keys.error().as_invalid_token()->reason == token_reason::jwk_remote_invalid);
  CHECK(keys.error().as_invalid_token()->claim == "keys[1].n");
  CHECK(keys.error().message().find("2039 bits") != std::string::npos);
  auto big = clerk::parse_jwks(R"({"keys":[)" + jwk("k", b64url(std::string(512, '\x01'))) + "]}");
  CHECK(clerk::rs256_keys(*big));
}

TEST_CASE("a JWKS without a usable key, or with a bad exponent or a shared kid, is refused") {
  CHECK(clerk::rs256_keys(clerk::jwks{}).error().as_invalid_token()->claim == "keys");
  auto even =
      clerk::parse_jwks(R"({"keys":[{"kid":"k","kty":"RSA","n":")" + n2048 + R"(","e":"AQAA"}]})");
  CHECK(clerk::rs256_keys(*even).error().as_invalid_token()->claim == "keys[0].e");
  auto one =
      clerk::parse_jwks(R"({"keys":[{"kid":"k","kty":"RSA","n":")" + n2048 + R"(","e":"AQ"}]})");
  CHECK(clerk::rs256_keys(*one).error().as_invalid_token()->claim == "keys[0].e");
  auto twice = clerk::parse_jwks(R"({"keys":[)" + jwk("k", n2048) + "," + jwk("k", n2048) + "]}");
  CHECK(clerk::rs256_keys(*twice).error().as_invalid_token()->claim == "keys[1].kid");
  auto padded = clerk::parse_jwks(R"({"keys":[)" + jwk("k", n2048 + "=") + "]}");
  CHECK(clerk::rs256_keys(*padded).error().as_invalid_token()->claim == "keys[0].n");
  CHECK(clerk::parse_jwks("[]").error().as_invalid_token()->reason ==
        token_reason::jwk_remote_invalid);
  CHECK(clerk::parse_jwks(R"({"keys":{}})").has_error());
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

namespace {
// Answers GET /v1/jwks with `body`, counting the calls.
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
}  // namespace

TEST_CASE("the verifier fetches once, then verifies from the cache until the TTL") {
  jwks_server server{R"({"keys":[)" + jwk("ins_1", n2048) + "]}"};
  clerk::session_verifier<test_keys, test_client> v(
      test_client(clerk_test::make_config(), std::ref(server)));
  const auto t = token(std_header, claims_json());
  CHECK(v.verify(t, t_now));
  CHECK(v.verify(t, t_now + 10s));
  CHECK(server.calls == 1);
  const auto later = token(
      std_header, R"({"sub":"u","sid":"s","iss":"i","exp":)" + std::to_string(now_s + 7200) + "}");
  CHECK(v.verify(later, t_now + 3600s));
  CHECK(server.calls == 2);
}

TEST_CASE("the verifier refetches for an unknown kid at most once an interval") {
  jwks_server server{R"({"keys":[)" + jwk("ins_1", n2048) + "]}"};
  clerk::session_verifier<test_keys, test_client> v(
      test_client(clerk_test::make_config(), std::ref(server)), {},
      {.ttl = 3600s, .refetch_interval = 300s});
  const auto rotated =
      token(R"({"alg":"RS256","kid":"ins_2"})",
            R"({"sub":"u","sid":"s","iss":"i","exp":)" + std::to_string(now_s + 7200) + "}");
  CHECK(v.verify(token(std_header, claims_json()), t_now));
  CHECK(server.calls == 1);
  // Too soon after the first fetch: refused without a fetch, however often.
  for (int i = 0; i < 5; ++i) {
    auto r = v.verify(rotated, t_now + 1s);
    REQUIRE(r.has_error());
    CHECK(r.error().as_invalid_token()->reason == token_reason::jwk_kid_mismatch);
  }
  CHECK(server.calls == 1);
  // After the interval one refetch, which finds the rotated key.
  server.body = R"({"keys":[)" + jwk("ins_1", n2048) + "," + jwk("ins_2", n2048) + "]}";
  CHECK(v.verify(rotated, t_now + 300s));
  CHECK(server.calls == 2);
  // A forged kid: one refetch in the next interval, then none.
  const auto forged = token(R"({"alg":"RS256","kid":"../../etc"})", claims_json());
  CHECK(v.verify(forged, t_now + 600s).error().as_invalid_token()->reason ==
        token_reason::jwk_kid_mismatch);
  CHECK(v.verify(forged, t_now + 601s).has_error());
  CHECK(server.calls == 3);
}

TEST_CASE("the verifier returns the fetch's error when the keys cannot be had") {
  jwks_server server{""};
  clerk::session_verifier<test_keys, test_client> v(
      test_client(clerk_test::make_config(), std::ref(server)));
  auto r = v.verify(token(std_header, claims_json()), t_now);
  REQUIRE(r.has_error());
  CHECK(r.error().kind() == clerk::error_kind::transport);
  server.body = R"({"keys":[)" + jwk("ins_1", b64url(std::string(128, '\xff'))) + "]}";
  auto weak = v.verify(token(std_header, claims_json()), t_now + 1s);
  REQUIRE(weak.has_error());
  CHECK(weak.error().as_invalid_token()->reason == token_reason::jwk_remote_invalid);
  server.body = R"({"keys":[)" + jwk("ins_1", n2048) + "]}";
  CHECK(v.verify(token(std_header, claims_json()), t_now + 2s));
  CHECK(server.calls == 3);
}
