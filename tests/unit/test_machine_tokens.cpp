// Machine tokens and a request's caller: every rule and refusal of
// <clerk/machine_tokens.hpp>, with the tests' key adapter (jwt_test_keys.hpp:
// kid "ins_1" accepts exactly the signature "good-signature"; real RSA is in
// tests/integration) and the fake Clerk as the Backend API for opaque tokens.
// Helpers have names of their own: unity builds put this file in one
// translation unit with others.
#include <clerk/machine_tokens.hpp>

#include "jwt_test_keys.hpp"
#include "support.hpp"

#include <clerk/client.hpp>
#include <clerk/fakes/fake_clerk.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;
using clerk::token_reason;
using clerk::token_type;

namespace {

using clerk_test::b64url;
using machine_keys = clerk_test::jwt_test_keys;

constexpr std::int64_t mnow_s = 1767225600;  // 2026-01-01T00:00:00Z
const auto mt_now = std::chrono::system_clock::time_point(std::chrono::seconds(mnow_s));

const std::string m2m_header =
    R"({"alg":"RS256","kid":"ins_1","typ":"JWT","cat":"cl_B7d4PD333AAA"})";
const std::string oauth_header = R"({"alg":"RS256","kid":"ins_1","typ":"at+jwt"})";
const std::string session_header = R"({"alg":"RS256","kid":"ins_1","typ":"JWT"})";

std::string claim_times() {
  return R"("iat":)" + std::to_string(mnow_s - 10) + R"(,"nbf":)" + std::to_string(mnow_s - 15) +
         R"(,"exp":)" + std::to_string(mnow_s + 600);
}
std::string m2m_claims(std::string_view extra = "") {
  std::string s = R"({"iss":"https://clerk.example.com","sub":"mch_1","jti":"mt_1",)" +
                  claim_times() + R"(,"aud":["mch_2","mch_3"],"scopes":"mch_2 mch_3")";
  if (!extra.empty())
    s += std::string(",") + std::string(extra);
  return s + "}";
}
std::string oauth_claims(std::string_view extra = "") {
  std::string s = R"({"iss":"https://clerk.example.com","sub":"user_1","jti":"oat_1",)" +
                  claim_times() + R"(,"client_id":"client_1")";
  if (!extra.empty())
    s += std::string(",") + std::string(extra);
  return s + "}";
}
std::string session_claims_json() {
  return R"({"sub":"user_1","sid":"sess_1","iss":"https://clerk.example.com",)" + claim_times() +
         "}";
}

// The reason `t` is refused for; fails the test when it is accepted.
token_reason machine_refusal(const std::string& t, const clerk::machine_verify_options& o = {},
                             const machine_keys& keys = {}) {
  auto r = clerk::verify_machine_jwt(t, keys, mt_now, o);
  REQUIRE_MESSAGE(r.has_error(), "accepted");
  REQUIRE_MESSAGE(r.error().kind() == clerk::error_kind::invalid_token, r.error().message());
  return r.error().as_invalid_token()->reason;
}
std::string refused_claim(const std::string& t, const clerk::machine_verify_options& o = {}) {
  auto r = clerk::verify_machine_jwt(t, machine_keys{}, mt_now, o);
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_invalid_token() != nullptr);
  return r.error().as_invalid_token()->claim;
}

std::vector<std::string> scopes_of(const std::string& t) {
  auto r = clerk::verify_machine_jwt(t, machine_keys{}, mt_now);
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  return r->scopes;
}

}  // namespace

// ---- verify_machine_jwt ------------------------------------------------------

TEST_CASE("a genuine M2M JWT yields its machine, scopes and times") {
  auto r = clerk::verify_machine_jwt(
      clerk_test::signed_jwt(m2m_header, m2m_claims(R"("tier":"gold")")), machine_keys{}, mt_now);
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(r->kind == token_type::m2m);
  CHECK(r->id == "mt_1");
  CHECK(r->subject == "mch_1");
  CHECK_FALSE(r->client_id.has_value());
  CHECK(r->scopes == std::vector<std::string>{"mch_2", "mch_3"});
  CHECK(r->expires_at == std::chrono::sys_seconds(std::chrono::seconds(mnow_s + 600)));
  CHECK(r->issued_at == std::chrono::sys_seconds(std::chrono::seconds(mnow_s - 10)));
  CHECK(r->not_before == std::chrono::sys_seconds(std::chrono::seconds(mnow_s - 15)));
  CHECK(r->other_claims.text() ==
        R"({"iss":"https://clerk.example.com","aud":["mch_2","mch_3"],"scopes":"mch_2 mch_3",)"
        R"("tier":"gold"})");
}

TEST_CASE("an M2M JWT's scopes are its scopes split at spaces, else its aud") {
  const std::string times_only = R"({"sub":"mch_1",)" + claim_times();
  CHECK(scopes_of(clerk_test::signed_jwt(m2m_header,
                                         times_only + R"(,"scopes":" a  b ","aud":["x"]})")) ==
        std::vector<std::string>{"a", "b"});
  CHECK(scopes_of(clerk_test::signed_jwt(m2m_header, times_only + R"(,"aud":["x","y"]})")) ==
        std::vector<std::string>{"x", "y"});
  CHECK(scopes_of(clerk_test::signed_jwt(m2m_header, times_only + R"(,"aud":"x"})")) ==
        std::vector<std::string>{"x"});
  CHECK(
      scopes_of(clerk_test::signed_jwt(m2m_header, times_only + R"(,"scopes":null,"aud":"x"})")) ==
      std::vector<std::string>{"x"});
  CHECK(scopes_of(clerk_test::signed_jwt(m2m_header, times_only + "}")).empty());
  CHECK(scopes_of(clerk_test::signed_jwt(m2m_header, times_only + R"(,"scopes":""})")).empty());
}

TEST_CASE("a genuine OAuth access token JWT yields its user, client and scopes") {
  for (std::string_view typ : {"at+jwt", "application/at+jwt"}) {
    CAPTURE(typ);
    const std::string header = R"({"alg":"RS256","kid":"ins_1","typ":")" + std::string(typ) + "\"}";
    auto r = clerk::verify_machine_jwt(
        clerk_test::signed_jwt(header, oauth_claims(R"("scp":["read","write"])")), machine_keys{},
        mt_now);
    REQUIRE_MESSAGE(r.has_value(), r.error().message());
    CHECK(r->kind == token_type::oauth);
    CHECK(r->id == "oat_1");
    CHECK(r->subject == "user_1");
    CHECK(r->client_id == "client_1");
    CHECK(r->scopes == std::vector<std::string>{"read", "write"});
  }
  // scp wins over scope; scope is split at spaces; neither is none.
  CHECK(scopes_of(
            clerk_test::signed_jwt(oauth_header, oauth_claims(R"("scp":["a"],"scope":"b c")"))) ==
        std::vector<std::string>{"a"});
  CHECK(scopes_of(clerk_test::signed_jwt(oauth_header, oauth_claims(R"("scope":"b c")"))) ==
        std::vector<std::string>{"b", "c"});
  CHECK(scopes_of(clerk_test::signed_jwt(oauth_header, oauth_claims())).empty());
  // jti and client_id are optional, as @clerk/backend reads them ("" then).
  auto bare = clerk::verify_machine_jwt(
      clerk_test::signed_jwt(oauth_header, R"({"sub":"user_1",)" + claim_times() + "}"),
      machine_keys{}, mt_now);
  REQUIRE_MESSAGE(bare.has_value(), bare.error().message());
  CHECK(bare->id.empty());
  CHECK_FALSE(bare->client_id.has_value());
}

TEST_CASE("a session token, or any JWT that is neither kind, is token-type-mismatch") {
  machine_keys keys;
  CHECK(machine_refusal(clerk_test::signed_jwt(session_header, session_claims_json()), {}, keys) ==
        token_reason::token_type_mismatch);
  CHECK(machine_refusal(clerk_test::signed_jwt(R"({"alg":"RS256","kid":"ins_1"})",
                                               R"({"sub":"user_1","exp":1})")) ==
        token_reason::token_type_mismatch);
  // A subject that is not a string is no machine's; typ JWT no OAuth token's.
  CHECK(machine_refusal(clerk_test::signed_jwt(session_header, R"({"sub":7,"exp":1})")) ==
        token_reason::token_type_mismatch);
  CHECK(machine_refusal(clerk_test::signed_jwt(R"({"alg":"RS256","kid":"ins_1","typ":"AT+JWT"})",
                                               oauth_claims())) ==
        token_reason::token_type_mismatch);
  CHECK(keys.calls == 0);  // told before any key is touched
}

TEST_CASE("verify_session_token keeps refusing machine JWTs, and the machine verifier sessions") {
  struct any_key {
    clerk::key_check verify(std::string_view, std::string_view, std::string_view,
                            std::span<const unsigned char>) const {
      return clerk::key_check::valid;
    }
  };
  const std::string m2m = clerk_test::signed_jwt(m2m_header, m2m_claims()),
                    oauth = clerk_test::signed_jwt(oauth_header, oauth_claims());
  REQUIRE(clerk::verify_machine_jwt(m2m, any_key{}, mt_now));
  REQUIRE(clerk::verify_machine_jwt(oauth, any_key{}, mt_now));
  auto as_session = [&](const std::string& t) {
    auto r = clerk::verify_session_token(t, any_key{}, mt_now);
    REQUIRE(r.has_error());
    return r.error().as_invalid_token()->reason;
  };
  CHECK(as_session(m2m) == token_reason::token_type_mismatch);
  // An M2M token without its category is still a machine's by its subject.
  CHECK(as_session(clerk_test::signed_jwt(session_header, m2m_claims(R"("sid":"sess_1")"))) ==
        token_reason::token_type_mismatch);
  // typ at+jwt is refused as @clerk/backend's verifyToken refuses it.
  CHECK(as_session(oauth) == token_reason::token_invalid);
  CHECK(as_session(clerk_test::signed_jwt(oauth_header, session_claims_json())) ==
        token_reason::token_invalid);
  CHECK(clerk::verify_session_token(clerk_test::signed_jwt(session_header, session_claims_json()),
                                    any_key{}, mt_now));
}

TEST_CASE("the header's typ: absent or JWT for M2M, at+jwt for OAuth") {
  CHECK(clerk::verify_machine_jwt(
      clerk_test::signed_jwt(R"({"alg":"RS256","kid":"ins_1","cat":"cl_B7d4PD333AAA"})",
                             m2m_claims()),
      machine_keys{}, mt_now));
  // The subject decides first: an M2M subject with typ at+jwt is an M2M
  // token with a wrong typ.
  CHECK(machine_refusal(clerk_test::signed_jwt(oauth_header, m2m_claims())) ==
        token_reason::token_invalid);
  CHECK(refused_claim(clerk_test::signed_jwt(oauth_header, m2m_claims())) == "header.typ");
  CHECK(machine_refusal(clerk_test::signed_jwt(R"({"alg":"RS256","kid":"ins_1","typ":5})",
                                               m2m_claims())) == token_reason::token_invalid);
}

TEST_CASE("categories: an M2M token's or none; an OAuth token's none or the ignore category") {
  auto m2m_with = [](std::string_view cat) {
    return clerk_test::signed_jwt(
        R"({"alg":"RS256","kid":"ins_1","cat":")" + std::string(cat) + "\"}", m2m_claims());
  };
  auto oauth_with = [](std::string_view cat) {
    return clerk_test::signed_jwt(
        R"({"alg":"RS256","kid":"ins_1","typ":"at+jwt","cat":")" + std::string(cat) + "\"}",
        oauth_claims());
  };
  CHECK(clerk::verify_machine_jwt(m2m_with("cl_B7d4PD333AAA"), machine_keys{}, mt_now));
  for (std::string_view other : {"cl_B7d4PD111AAA", "cl_B7d4PD222AAA", "cl_I7d4PD111III", "x"}) {
    CAPTURE(other);
    CHECK(machine_refusal(m2m_with(other)) == token_reason::token_type_mismatch);
  }
  CHECK(clerk::verify_machine_jwt(oauth_with("cl_I7d4PD111III"), machine_keys{}, mt_now));
  for (std::string_view other : {"cl_B7d4PD111AAA", "cl_B7d4PD222AAA", "cl_B7d4PD333AAA"}) {
    CAPTURE(other);
    CHECK(machine_refusal(oauth_with(other)) == token_reason::token_type_mismatch);
  }
  CHECK(machine_refusal(clerk_test::signed_jwt(R"({"alg":"RS256","kid":"ins_1","cat":7})",
                                               m2m_claims())) == token_reason::token_type_mismatch);
}

TEST_CASE("alg, crit and kid are checked as the session verifier checks them, before any key") {
  machine_keys keys;
  for (std::string_view alg : {"none", "HS256", "RS384", "ES256"}) {
    CAPTURE(alg);
    CHECK(
        machine_refusal(clerk_test::signed_jwt(
                            R"({"alg":")" + std::string(alg) + R"(","kid":"ins_1"})", m2m_claims()),
                        {}, keys) == token_reason::token_invalid_algorithm);
  }
  CHECK(machine_refusal(clerk_test::signed_jwt(R"({"kid":"ins_1"})", m2m_claims()), {}, keys) ==
        token_reason::token_invalid_algorithm);
  CHECK(machine_refusal(
            clerk_test::signed_jwt(R"({"alg":"RS256","kid":"ins_1","crit":["x"]})", m2m_claims()),
            {}, keys) == token_reason::token_invalid);
  CHECK(machine_refusal(clerk_test::signed_jwt(R"({"alg":"RS256"})", m2m_claims()), {}, keys) ==
        token_reason::token_invalid);
  CHECK(machine_refusal(
            clerk_test::signed_jwt(R"({"alg":"RS256","kid":"","typ":"at+jwt"})", oauth_claims()),
            {}, keys) == token_reason::token_invalid);
  CHECK(keys.calls == 0);
  CHECK(machine_refusal(clerk_test::signed_jwt(R"({"alg":"RS256","kid":"ins_2"})", m2m_claims()),
                        {}, keys) == token_reason::jwk_kid_mismatch);
}

TEST_CASE("size, parts, base64url and JSON are token-invalid, as for session tokens") {
  const std::string t = clerk_test::signed_jwt(m2m_header, m2m_claims());
  clerk::machine_verify_options small;
  small.max_token_bytes = t.size() - 1;
  CHECK(machine_refusal(t, small) == token_reason::token_invalid);
  CHECK(machine_refusal(t.substr(0, t.rfind('.'))) == token_reason::token_invalid);
  CHECK(machine_refusal(t + "=") == token_reason::token_invalid);
  CHECK(machine_refusal(clerk_test::signed_jwt("[1]", m2m_claims())) ==
        token_reason::token_invalid);
  CHECK(machine_refusal(clerk_test::signed_jwt(m2m_header, "not json")) ==
        token_reason::token_invalid);
  CHECK(machine_refusal(clerk_test::signed_jwt(m2m_header, R"({"sub":"mch_1","sub":"mch_2"})")) ==
        token_reason::token_invalid);
  CHECK(machine_refusal("") == token_reason::token_invalid);
}

TEST_CASE("a wrong signature is token-invalid-signature, before any claim is read") {
  CHECK(machine_refusal(clerk_test::signed_jwt(m2m_header, m2m_claims(), "forged")) ==
        token_reason::token_invalid_signature);
  // A claim of the wrong type under a forged signature is not told.
  CHECK(machine_refusal(clerk_test::signed_jwt(m2m_header, m2m_claims(R"("client_id":5)"),
                                               "forged")) == token_reason::token_invalid_signature);
}

TEST_CASE("claims of the wrong type are token-verification-failed, naming the claim") {
  auto failed = [](const std::string& t) {
    CHECK(machine_refusal(t) == token_reason::token_verification_failed);
    return refused_claim(t);
  };
  CHECK(failed(clerk_test::signed_jwt(m2m_header, m2m_claims(R"("jti2":1,"client_id":5)"))) ==
        "client_id");
  CHECK(failed(clerk_test::signed_jwt(
            oauth_header, R"({"sub":"user_1","jti":7,)" + claim_times() + "}")) == "jti");
  CHECK(failed(clerk_test::signed_jwt(m2m_header, R"({"sub":"mch_1","iat":1.5,"exp":)" +
                                                      std::to_string(mnow_s + 60) + "}")) == "iat");
  CHECK(failed(clerk_test::signed_jwt(
            m2m_header, R"({"sub":"mch_1",)" + claim_times() + R"(,"scopes":["a"]})")) == "scopes");
  CHECK(failed(clerk_test::signed_jwt(oauth_header, oauth_claims(R"("scp":"a b")"))) == "scp");
  CHECK(failed(clerk_test::signed_jwt(oauth_header, oauth_claims(R"("scp":["a",1])"))) == "scp[1]");
  CHECK(failed(clerk_test::signed_jwt(oauth_header, oauth_claims(R"("scope":["a"])"))) == "scope");
  CHECK(failed(clerk_test::signed_jwt(
            m2m_header, R"({"sub":"mch_1",)" + claim_times() + R"(,"aud":5})")) == "aud");
  CHECK(failed(clerk_test::signed_jwt(
            m2m_header, R"({"sub":"mch_1",)" + claim_times() + R"(,"aud":["a",2]})")) == "aud");
  // aud is checked whatever carries the scopes.
  CHECK(failed(clerk_test::signed_jwt(oauth_header, oauth_claims(R"("aud":{})"))) == "aud");
}

TEST_CASE("an M2M JWT's null typ, cat, iat or nbf is refused, not read as absent") {
  CHECK(machine_refusal(clerk_test::signed_jwt(
            R"({"alg":"RS256","kid":"ins_1","typ":null,"cat":"cl_B7d4PD333AAA"})", m2m_claims())) ==
        token_reason::token_invalid);
  CHECK(machine_refusal(clerk_test::signed_jwt(R"({"alg":"RS256","kid":"ins_1","cat":null})",
                                               m2m_claims())) == token_reason::token_type_mismatch);
  const std::string head =
      R"({"iss":"https://clerk.example.com","sub":"mch_1","exp":)" + std::to_string(mnow_s + 600);
  for (std::string claim : {"iat", "nbf"}) {
    CAPTURE(claim);
    const auto t = clerk_test::signed_jwt(m2m_header, head + ",\"" + claim + "\":null}");
    CHECK(machine_refusal(t) == token_reason::token_verification_failed);
    CHECK(refused_claim(t) == claim);
  }
  CHECK(clerk::verify_machine_jwt(clerk_test::signed_jwt(m2m_header, head + "}"), machine_keys{},
                                  mt_now));
}

TEST_CASE("sub and exp are required") {
  CHECK(machine_refusal(
            clerk_test::signed_jwt(oauth_header, R"({"sub":"",)" + claim_times() + "}")) ==
        token_reason::token_verification_failed);
  CHECK(refused_claim(clerk_test::signed_jwt(oauth_header, R"({)" + claim_times() + "}")) == "sub");
  CHECK(refused_claim(clerk_test::signed_jwt(m2m_header, R"({"sub":"mch_1"})")) == "exp");
  CHECK(refused_claim(clerk_test::signed_jwt(m2m_header, R"({"sub":"mch_1","exp":null})")) ==
        "exp");
}

TEST_CASE("exp, nbf and iat with the clock skew, as for session tokens") {
  auto at = [](std::int64_t exp, std::string_view more = "") {
    return clerk_test::signed_jwt(
        m2m_header, R"({"sub":"mch_1","exp":)" + std::to_string(exp) + std::string(more) + "}");
  };
  CHECK(clerk::verify_machine_jwt(at(mnow_s - 4), machine_keys{}, mt_now));
  CHECK(machine_refusal(at(mnow_s - 5)) == token_reason::token_expired);
  CHECK(machine_refusal(at(mnow_s + 60, R"(,"nbf":)" + std::to_string(mnow_s + 6))) ==
        token_reason::token_not_active_yet);
  CHECK(machine_refusal(at(mnow_s + 60, R"(,"iat":)" + std::to_string(mnow_s + 6))) ==
        token_reason::token_iat_in_the_future);
  clerk::machine_verify_options none;
  none.clock_skew = 0ms;
  CHECK(machine_refusal(at(mnow_s), none) == token_reason::token_expired);
  // Extremes neither overflow nor pass.
  CHECK(machine_refusal(at(INT64_MIN + 1)) == token_reason::token_expired);
  CHECK(clerk::verify_machine_jwt(at(INT64_MAX), machine_keys{}, mt_now));
}

TEST_CASE("audience: when set, aud must hold one of its values") {
  clerk::machine_verify_options o;
  o.audience = {"https://api.example.com", "mch_3"};
  CHECK(clerk::verify_machine_jwt(clerk_test::signed_jwt(m2m_header, m2m_claims()), machine_keys{},
                                  mt_now, o));
  CHECK(clerk::verify_machine_jwt(
      clerk_test::signed_jwt(oauth_header, oauth_claims(R"("aud":"https://api.example.com")")),
      machine_keys{}, mt_now, o));
  CHECK(machine_refusal(clerk_test::signed_jwt(
                            oauth_header, oauth_claims(R"("aud":["https://other.example.com"])")),
                        o) == token_reason::token_verification_failed);
  CHECK(refused_claim(clerk_test::signed_jwt(oauth_header, oauth_claims()), o) == "aud");  // absent
  CHECK(refused_claim(clerk_test::signed_jwt(oauth_header, oauth_claims(R"("aud":[])")), o) ==
        "aud");
  CHECK(refused_claim(clerk_test::signed_jwt(
                          m2m_header, R"({"sub":"mch_1","scopes":"mch_3",)" + claim_times() + "}"),
                      o) == "aud");
  // Unset, aud is not compared.
  CHECK(clerk::verify_machine_jwt(
      clerk_test::signed_jwt(oauth_header, oauth_claims(R"("aud":"x")")), machine_keys{}, mt_now));
}

TEST_CASE("a clock skew below 0 or above 24 hours is an invalid_request") {
  for (auto skew : {-1ms, std::chrono::milliseconds(std::chrono::hours(24) + 1ms)}) {
    clerk::machine_verify_options o;
    o.clock_skew = skew;
    auto r = clerk::verify_machine_jwt(clerk_test::signed_jwt(m2m_header, m2m_claims()),
                                       machine_keys{}, mt_now, o);
    REQUIRE(r.has_error());
    REQUIRE(r.error().as_invalid_request() != nullptr);
    CHECK(r.error().as_invalid_request()->field == "clock_skew");
  }
}

TEST_CASE("the rules apply in their order") {
  // Every fault at once, then one fewer each time: each refusal is the first rule's.
  std::string header = R"({"alg":"none","kid":"","crit":["x"],"typ":"JWT","cat":"x"})";
  const std::string bad_claims = R"({"sub":"mch_1","jti":5,"exp":1})";
  CHECK(machine_refusal(clerk_test::signed_jwt(header, bad_claims, "forged")) ==
        token_reason::token_invalid_algorithm);
  header = R"({"alg":"RS256","kid":"","crit":["x"],"typ":"at+jwt","cat":"x"})";
  CHECK(refused_claim(clerk_test::signed_jwt(header, bad_claims, "forged")) == "header.typ");
  header = R"({"alg":"RS256","kid":"","crit":["x"],"cat":"x"})";
  CHECK(refused_claim(clerk_test::signed_jwt(header, bad_claims, "forged")) == "header.crit");
  header = R"({"alg":"RS256","kid":"","cat":"x"})";
  CHECK(refused_claim(clerk_test::signed_jwt(header, bad_claims, "forged")) == "header.cat");
  header = R"({"alg":"RS256","kid":""})";
  CHECK(refused_claim(clerk_test::signed_jwt(header, bad_claims, "forged")) == "header.kid");
  header = R"({"alg":"RS256","kid":"ins_1"})";
  CHECK(refused_claim(clerk_test::signed_jwt(header, bad_claims, "forged")) == "signature");
  CHECK(refused_claim(clerk_test::signed_jwt(header, bad_claims)) == "jti");
  CHECK(refused_claim(clerk_test::signed_jwt(header, R"({"sub":"mch_1","aud":1,"exp":1})")) ==
        "aud");
  CHECK(refused_claim(clerk_test::signed_jwt(header, R"({"sub":"mch_1","exp":1})")) == "exp");
}

TEST_CASE("a refusal's message holds neither the token nor its signature") {
  const std::string sig = "a-signature-long-enough-to-see-0123456789";
  for (const std::string& t :
       {clerk_test::signed_jwt(m2m_header, m2m_claims(), sig),
        clerk_test::signed_jwt(m2m_header, m2m_claims(R"("jti":5)"), sig),
        clerk_test::signed_jwt(session_header, session_claims_json(), sig)}) {
    auto r = clerk::verify_machine_jwt(t, machine_keys{}, mt_now);
    REQUIRE(r.has_error());
    const std::string m = r.error().message();
    CHECK(m.find(t) == std::string::npos);
    CHECK(m.find(b64url(sig)) == std::string::npos);
    CHECK(m.find(sig) == std::string::npos);
  }
}

TEST_CASE("machine claims print on one line") {
  auto r = clerk::verify_machine_jwt(
      clerk_test::signed_jwt(oauth_header, oauth_claims(R"("scp":["a","b"])")), machine_keys{},
      mt_now);
  REQUIRE(r.has_value());
  std::ostringstream os;
  os << *r;
  CHECK(os.str() ==
        "machine_claims{kind=oauth_token, id=oat_1, subject=user_1, client_id=client_1, "
        "scopes=[a b], expires_at=" +
            std::to_string(mnow_s + 600) + "}");
}

namespace {
// Answers GET /v1/jwks with one RS256 key of kid ins_1, counting the calls.
struct one_key_jwks {
  int calls = 0;
  clerk::transport_result operator()(const clerk::http_request& r) {
    ++calls;
    CHECK(r.url == "https://api.clerk.com/v1/jwks");
    const std::string n = b64url(std::string(1, '\x80') + std::string(255, '\x01'));
    return clerk_test::json_response(
        200, R"({"keys":[{"kid":"ins_1","kty":"RSA","alg":"RS256","use":"sig","n":")" + n +
                 R"(","e":"AQAB"}]})");
  }
};
using one_key_client = clerk::client<std::reference_wrapper<one_key_jwks>>;
}  // namespace

TEST_CASE("through a session_verifier, machine JWTs use its keys, fetched once") {
  one_key_jwks server;
  const clerk::session_verifier<machine_keys, one_key_client> v(
      one_key_client(clerk_test::make_config(), std::ref(server)));
  auto m = clerk::verify_machine_jwt(clerk_test::signed_jwt(m2m_header, m2m_claims()), v, mt_now);
  REQUIRE_MESSAGE(m.has_value(), m.error().message());
  CHECK(m->subject == "mch_1");
  CHECK(clerk::verify_machine_jwt(clerk_test::signed_jwt(oauth_header, oauth_claims()), v, mt_now));
  CHECK(v.verify(clerk_test::signed_jwt(session_header, session_claims_json()), mt_now));
  CHECK(server.calls == 1);
  // A session token or a malformed one fetches nothing more, and is refused.
  auto s = clerk::verify_machine_jwt(clerk_test::signed_jwt(session_header, session_claims_json()),
                                     v, mt_now);
  REQUIRE(s.has_error());
  CHECK(s.error().as_invalid_token()->reason == token_reason::token_type_mismatch);
  CHECK(server.calls == 1);
}

// ---- token_type_of -----------------------------------------------------------

TEST_CASE("token_type_of tells tokens apart as @clerk/backend's getMachineTokenType") {
  CHECK(clerk::token_type_of("mt_abc") == token_type::m2m);
  CHECK(clerk::token_type_of("oat_abc") == token_type::oauth);
  CHECK(clerk::token_type_of("ak_abc") == token_type::api_key);
  CHECK(clerk::token_type_of(clerk_test::signed_jwt(m2m_header, m2m_claims())) == token_type::m2m);
  CHECK(clerk::token_type_of(clerk_test::signed_jwt(session_header, m2m_claims())) ==
        token_type::m2m);
  CHECK(clerk::token_type_of(clerk_test::signed_jwt(oauth_header, oauth_claims())) ==
        token_type::oauth);
  CHECK(clerk::token_type_of(clerk_test::signed_jwt(R"({"typ":"application/at+jwt"})", "{}")) ==
        token_type::oauth);
  // The subject first: an M2M subject with typ at+jwt is M2M.
  CHECK(clerk::token_type_of(clerk_test::signed_jwt(oauth_header, m2m_claims())) ==
        token_type::m2m);
  CHECK(clerk::token_type_of(clerk_test::signed_jwt(session_header, session_claims_json())) ==
        token_type::session);
  // Neither form nor JSON: a session token's verifier will say why.
  CHECK(clerk::token_type_of("") == token_type::session);
  CHECK(clerk::token_type_of("garbage") == token_type::session);
  CHECK(clerk::token_type_of(clerk_test::signed_jwt(oauth_header, m2m_claims()) + ".x") ==
        token_type::session);
  CHECK(clerk::token_type_of(clerk_test::signed_jwt("[1]", m2m_claims())) == token_type::session);
  CHECK(clerk::token_type_of(clerk_test::signed_jwt(oauth_header, "[1]")) == token_type::session);
  CHECK(clerk::token_type_of("Ak_abc") == token_type::session);
}

TEST_CASE("token type sets and their names") {
  const clerk::token_types s = token_type::session | token_type::api_key;
  CHECK(s.contains(token_type::session));
  CHECK(s.contains(token_type::api_key));
  CHECK_FALSE(s.contains(token_type::m2m));
  CHECK_FALSE(clerk::token_types(token_type::oauth).contains(token_type::session));
  for (auto t : {token_type::session, token_type::m2m, token_type::api_key, token_type::oauth})
    CHECK(clerk::any_token.contains(t));
  CHECK(clerk::to_string(token_type::session) == "session_token");
  CHECK(clerk::to_string(token_type::m2m) == "m2m_token");
  CHECK(clerk::to_string(token_type::api_key) == "api_key");
  CHECK(clerk::to_string(token_type::oauth) == "oauth_token");
  CHECK(clerk::to_string(token_reason::secret_key_invalid) == "secret-key-invalid");
  CHECK(clerk::to_string(token_reason::session_token_missing) == "session-token-missing");
  CHECK(clerk::to_string(token_reason::no_token_in_header) == "No token in header");
}

// ---- authenticate_request ----------------------------------------------------

namespace {

struct machine_backend {
  clerk::fakes::fake_clerk fake;
  clerk::client<clerk::fakes::fake_clerk> client{
      *clerk::config::make({.secret_key = fake.secret_key()}), fake};
};

clerk::header_list bearer(std::string_view t) {
  clerk::header_list h;
  h.add("Authorization", "Bearer " + std::string(t));
  return h;
}
clerk::header_list cookie_header(std::string_view value) {
  clerk::header_list h;
  h.add("Cookie", std::string(value));
  return h;
}

clerk::result<clerk::caller> authenticate(const clerk::header_list& h, const machine_backend& b,
                                          clerk::token_types accepts = token_type::session,
                                          std::chrono::system_clock::time_point now = mt_now) {
  return clerk::authenticate_request(h, machine_keys{}, b.client, now, {.accepts = accepts});
}

std::string caller_outcome(const clerk::result<clerk::caller>& r) {
  if (r)
    return std::holds_alternative<clerk::session_claims>(*r)
               ? "session"
               : std::string(clerk::to_string(std::get<clerk::machine_claims>(*r).kind));
  if (const auto* t = r.error().as_invalid_token())
    return std::string(clerk::to_string(t->reason));
  return r.error().message();
}

}  // namespace

TEST_CASE("a session token in the Authorization header or the __session cookie is a user") {
  machine_backend b;
  const std::string s = clerk_test::signed_jwt(session_header, session_claims_json());
  auto r = authenticate(bearer(s), b);
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(std::get<clerk::session_claims>(*r).user_id == "user_1");
  CHECK(caller_outcome(authenticate(cookie_header("a=1; __session=" + s), b)) == "session");
  // The header wins: the cookie is not read when it holds a token.
  clerk::header_list both =
      bearer(clerk_test::signed_jwt(session_header, session_claims_json(), "forged"));
  both.add("Cookie", "__session=" + s);
  CHECK(caller_outcome(authenticate(both, b)) == "token-invalid-signature");
  CHECK(b.fake.request_count() == 0);
}

TEST_CASE("machine JWTs are verified with the keys, never sent to the Backend API") {
  machine_backend b;
  auto r =
      authenticate(bearer(clerk_test::signed_jwt(m2m_header, m2m_claims())), b, clerk::any_token);
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(std::get<clerk::machine_claims>(*r).subject == "mch_1");
  CHECK(caller_outcome(authenticate(bearer(clerk_test::signed_jwt(oauth_header, oauth_claims())), b,
                                    token_type::oauth)) == "oauth_token");
  CHECK(caller_outcome(authenticate(bearer(clerk_test::signed_jwt(m2m_header, m2m_claims(), "x")),
                                    b, token_type::m2m)) == "token-invalid-signature");
  CHECK(b.fake.request_count() == 0);
}

TEST_CASE("a token of a type the route does not accept is token-type-mismatch") {
  machine_backend b;
  const std::string m2m = clerk_test::signed_jwt(m2m_header, m2m_claims()),
                    oauth = clerk_test::signed_jwt(oauth_header, oauth_claims()),
                    session = clerk_test::signed_jwt(session_header, session_claims_json());
  CHECK(caller_outcome(authenticate(bearer(m2m), b)) == "token-type-mismatch");
  CHECK(caller_outcome(authenticate(bearer(oauth), b)) == "token-type-mismatch");
  CHECK(caller_outcome(authenticate(bearer("ak_123"), b)) == "token-type-mismatch");
  CHECK(caller_outcome(authenticate(bearer("mt_123"), b)) == "token-type-mismatch");
  CHECK(caller_outcome(authenticate(bearer(session), b, token_type::m2m | token_type::oauth)) ==
        "token-type-mismatch");
  CHECK(caller_outcome(authenticate(bearer(m2m), b, token_type::oauth | token_type::api_key)) ==
        "token-type-mismatch");
  CHECK(caller_outcome(authenticate(bearer(oauth), b, token_type::m2m)) == "token-type-mismatch");
  // A machine token in the cookie: the cookie carries sessions only.
  CHECK(caller_outcome(authenticate(cookie_header("__session=" + m2m), b, clerk::any_token)) ==
        "token-type-mismatch");
  CHECK(caller_outcome(authenticate(cookie_header("__session=mt_123"), b, clerk::any_token)) ==
        "token-type-mismatch");
  CHECK(b.fake.request_count() == 0);
}

TEST_CASE("no token: session-token-missing, or for machines only \"No token in header\"") {
  machine_backend b;
  CHECK(caller_outcome(authenticate({}, b)) == "session-token-missing");
  CHECK(caller_outcome(authenticate(cookie_header("__session="), b, clerk::any_token)) ==
        "session-token-missing");
  CHECK(caller_outcome(authenticate(
            cookie_header("__session=" +
                          clerk_test::signed_jwt(session_header, session_claims_json())),
            b, token_type::m2m)) == "No token in header");
  CHECK(caller_outcome(authenticate({}, b, token_type::api_key | token_type::oauth)) ==
        "No token in header");
}

TEST_CASE("opaque M2M tokens, API keys and OAuth tokens are verified by the Backend API") {
  machine_backend b;
  const std::string mt = b.fake.create_m2m_token("mch_1", {"mch_2"}, 1h);
  const std::string ak = b.fake.create_api_key("user_1", {"read"});
  const std::string oat = b.fake.create_oauth_access_token("user_2", "client_9", {"email"}, 1h);
  const auto now = std::chrono::system_clock::time_point(b.fake.now());

  auto m = authenticate(bearer(mt), b, clerk::any_token, now);
  REQUIRE_MESSAGE(m.has_value(), m.error().message());
  const auto& mc = std::get<clerk::machine_claims>(*m);
  CHECK(mc.kind == token_type::m2m);
  CHECK(mc.id.starts_with("mt_"));
  CHECK(mc.id != mt);  // the resource's id, not the token
  CHECK(mc.subject == "mch_1");
  CHECK(mc.scopes == std::vector<std::string>{"mch_2"});
  CHECK(mc.expires_at == std::chrono::floor<std::chrono::seconds>(b.fake.now() + 1h));
  CHECK(mc.issued_at == std::chrono::floor<std::chrono::seconds>(b.fake.now()));

  auto k = authenticate(bearer(ak), b, token_type::api_key, now);
  REQUIRE_MESSAGE(k.has_value(), k.error().message());
  const auto& kc = std::get<clerk::machine_claims>(*k);
  CHECK(kc.kind == token_type::api_key);
  CHECK(kc.subject == "user_1");
  CHECK(kc.scopes == std::vector<std::string>{"read"});
  CHECK_FALSE(kc.expires_at.has_value());  // never expires

  auto o = authenticate(bearer(oat), b, token_type::oauth, now);
  REQUIRE_MESSAGE(o.has_value(), o.error().message());
  const auto& oc = std::get<clerk::machine_claims>(*o);
  CHECK(oc.kind == token_type::oauth);
  CHECK(oc.subject == "user_2");
  CHECK(oc.client_id == "client_9");
  CHECK(oc.scopes == std::vector<std::string>{"email"});
  CHECK(b.fake.request_count() == 3);
}

TEST_CASE("the Backend API's refusals map as @clerk/backend maps them") {
  machine_backend b;
  // 404: a token it does not know.
  CHECK(caller_outcome(authenticate(bearer("mt_unknown"), b, clerk::any_token)) == "token-invalid");
  CHECK(caller_outcome(authenticate(bearer("ak_unknown"), b, clerk::any_token)) == "token-invalid");
  CHECK(caller_outcome(authenticate(bearer("oat_unknown"), b, clerk::any_token)) ==
        "token-invalid");
  // 401: the secret key is not the instance's.
  clerk::client<clerk::fakes::fake_clerk> wrong(
      *clerk::config::make({.secret_key = "sk_test_not0the0fake0key0000000"}), b.fake);
  const std::string ak = b.fake.create_api_key("user_1");
  auto r = clerk::authenticate_request(bearer(ak), machine_keys{}, wrong, mt_now,
                                       {.accepts = token_type::api_key});
  CHECK(caller_outcome(r) == "secret-key-invalid");
  CHECK(r.error().message().find(ak) == std::string::npos);
  // Revoked and expired, as the answer says.
  const std::string mt = b.fake.create_m2m_token("mch_1", {}, 60s);
  CHECK(b.fake.revoke_machine_token(mt));
  CHECK(caller_outcome(authenticate(bearer(mt), b, token_type::m2m)) == "token-invalid");
  const std::string oat = b.fake.create_oauth_access_token("user_1", "client_1", {}, 60s);
  b.fake.advance(61s);
  CHECK(caller_outcome(authenticate(bearer(oat), b, token_type::oauth)) == "token-expired");
  CHECK_FALSE(b.fake.revoke_machine_token("mt_unknown"));
}

namespace {
// A Backend API that answers every request with `answer`.
struct canned {
  std::function<clerk::transport_result(const clerk::http_request&)> answer;
  clerk::transport_result operator()(const clerk::http_request& r) const { return answer(r); }
};
}  // namespace

TEST_CASE("an OAuth answer {\"active\":false} is token-invalid; other failures keep their kind") {
  auto with = [](canned c, std::string_view t) {
    clerk::client<canned> client(clerk_test::make_config(), std::move(c));
    return clerk::authenticate_request(bearer(t), machine_keys{}, client, mt_now,
                                       {.accepts = clerk::any_token});
  };
  auto inactive = with({[](const clerk::http_request& r) -> clerk::transport_result {
                         CHECK(r.url ==
                               "https://api.clerk.com/v1/oauth_applications/"
                               "access_tokens/verify");
                         CHECK(r.body == R"({"access_token":"oat_1"})");
                         return clerk_test::json_response(200, R"({"active":false})");
                       }},
                       "oat_1");
  CHECK(caller_outcome(inactive) == "token-invalid");
  auto down = with({[](const clerk::http_request&) -> clerk::transport_result {
                     return clerk::transport_error{
                         std::make_error_code(std::errc::connection_refused), "down", true};
                   }},
                   "mt_1");
  REQUIRE(down.has_error());
  CHECK(down.error().kind() == clerk::error_kind::transport);
  auto busy = with({[](const clerk::http_request&) -> clerk::transport_result {
                     return clerk_test::json_response(
                         503, R"({"errors":[{"code":"busy","message":"m","long_message":"l"}]})");
                   }},
                   "ak_1");
  REQUIRE(busy.has_error());
  CHECK(busy.error().kind() == clerk::error_kind::api);
  CHECK(busy.error().http_status() == 503);
  auto html = with({[](const clerk::http_request&) -> clerk::transport_result {
                     return clerk_test::response(200, "text/html", "<html>");
                   }},
                   "mt_1");
  REQUIRE(html.has_error());
  CHECK(html.error().kind() == clerk::error_kind::unexpected_response);
}

TEST_CASE("verify requests carry the token in the body the Backend API reads") {
  std::vector<std::string> seen;
  canned c{[&](const clerk::http_request& r) -> clerk::transport_result {
    seen.push_back(r.url + " " + r.body);
    return clerk_test::json_response(404, R"({"errors":[{"code":"not_found","message":"m"}]})");
  }};
  clerk::client<canned> client(clerk_test::make_config(), c);
  for (std::string_view t : {"mt_a", "ak_b", "oat_c"})
    CHECK(caller_outcome(clerk::authenticate_request(bearer(t), machine_keys{}, client, mt_now,
                                                     {.accepts = clerk::any_token})) ==
          "token-invalid");
  CHECK(
      seen ==
      std::vector<std::string>{
          R"(https://api.clerk.com/v1/m2m_tokens/verify {"token":"mt_a"})",
          R"(https://api.clerk.com/v1/api_keys/verify {"secret":"ak_b"})",
          R"(https://api.clerk.com/v1/oauth_applications/access_tokens/verify {"access_token":"oat_c"})"});
}

TEST_CASE("options: session options with a session_verifier are refused, never ignored") {
  machine_backend b;
  one_key_jwks server;
  const clerk::session_verifier<machine_keys, one_key_client> v(
      one_key_client(clerk_test::make_config(), std::ref(server)));
  const auto h = bearer(clerk_test::signed_jwt(session_header, session_claims_json()));
  auto refused =
      clerk::authenticate_request(h, v, b.client, mt_now, {.session = clerk::verify_options{}});
  REQUIRE(refused.has_error());
  REQUIRE(refused.error().as_invalid_request() != nullptr);
  CHECK(refused.error().as_invalid_request()->field == "session");
  CHECK(caller_outcome(clerk::authenticate_request(h, v, b.client, mt_now)) == "session");
  // With a key adapter, they apply.
  clerk::verify_options issuer;
  issuer.issuer = "https://clerk.other.com";
  CHECK(caller_outcome(clerk::authenticate_request(h, machine_keys{}, b.client, mt_now,
                                                   {.session = issuer})) == "token-invalid-issuer");
  // Machine options are checked first.
  clerk::authenticate_options bad;
  bad.machine.clock_skew = -1ms;
  auto r = clerk::authenticate_request(h, machine_keys{}, b.client, mt_now, bad);
  REQUIRE(r.has_error());
  CHECK(r.error().as_invalid_request()->field == "clock_skew");
}

TEST_CASE("with the instance's cookie suffix, the suffixed session cookie is read") {
  machine_backend b;
  const std::string s = clerk_test::signed_jwt(session_header, session_claims_json());
  auto key = clerk::parse_publishable_key("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k");
  REQUIRE(key.has_value());
  clerk::authenticate_options o;
  o.cookies = clerk::cookie_instance{*key, "Sfx1"};
  // __session holds another instance's token: @clerk/backend takes the suffixed one.
  const std::string other = clerk_test::signed_jwt(
      session_header,
      R"({"sub":"user_9","sid":"s","iss":"https://clerk.other.com",)" + claim_times() + "}");
  const auto h = cookie_header("__session=" + other + "; __session_Sfx1=" + s);
  auto r = clerk::authenticate_request(h, machine_keys{}, b.client, mt_now, o);
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(std::get<clerk::session_claims>(*r).user_id == "user_1");
  auto plain = authenticate(h, b);
  REQUIRE(plain.has_value());
  CHECK(std::get<clerk::session_claims>(*plain).user_id == "user_9");
}
