// has() and machine JWTs checked against Clerk's own packages (issue 27),
// judged by machines_judge.mjs:
// 1. has() on random session claim sets and checks, against @clerk/shared's
//    createCheckAuthorization over what @clerk/backend's auth object gives it;
// 2. the reverification answer against @clerk/shared's reverificationError;
// 3. M2M and OAuth access token JWTs signed by Node's crypto, hand-made and
//    random, against @clerk/backend's verifyMachineAuthToken with the PEM
//    (jwtKey: it verifies networklessly). @clerk/backend names every JWT
//    refusal token-verification-failed (or token-invalid for a JWT it cannot
//    decode or an M2M token of another category); the library names the
//    session verifier's reasons. Where they differ in accepting, the table
//    (hand-made) or the vector's `stricter` (random) names the library's rule.
// Exits 77 (CTest: skipped) when node or the npm packages are missing.
#define DOCTEST_CONFIG_IMPLEMENT
#include <clerk/authorization.hpp>
#include <clerk/crypto/openssl.hpp>
#include <clerk/machine_tokens.hpp>

#include "../support.hpp"
#include "process.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const std::string node = CLERK_NODE_PATH;
const fs::path here = CLERK_CROSSCHECK_DIR;

json::value judge(std::vector<std::string> args) {
  args.insert(args.begin(), (here / "machines_judge.mjs").string());
  auto r = clerk_test::run_process(node, args, {"PATH=/usr/bin:/bin"}, std::chrono::seconds(240));
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

struct any_signature {
  clerk::key_check verify(std::string_view, std::string_view, std::string_view,
                          std::span<const unsigned char>) const {
    return clerk::key_check::valid;
  }
};

std::optional<std::string> text(const json::object& o, std::string_view key) {
  if (const auto* v = o.if_contains(key))
    return std::string(v->as_string());
  return std::nullopt;
}

clerk::reverification_policy policy_of(const json::value& v) {
  using clerk::reverification_level, clerk::reverification_policy;
  if (v.is_string()) {
    const std::string_view name = v.get_string();
    return name == "strict_mfa" ? reverification_policy::strict_mfa
           : name == "strict"   ? reverification_policy::strict
           : name == "moderate" ? reverification_policy::moderate
                                : reverification_policy::lax;
  }
  const auto& o = v.as_object();
  const std::string_view level = o.at("level").as_string();
  return reverification_policy(level == "first_factor"    ? reverification_level::first_factor
                               : level == "second_factor" ? reverification_level::second_factor
                                                          : reverification_level::multi_factor,
                               std::chrono::minutes(o.at("afterMinutes").as_int64()));
}

clerk::authorization_check check_of(const json::object& o) {
  clerk::authorization_check c;
  c.role = text(o, "role");
  c.permission = text(o, "permission");
  c.feature = text(o, "feature");
  c.plan = text(o, "plan");
  if (const auto* r = o.if_contains("reverification"))
    c.reverification = policy_of(*r);
  return c;
}

}  // namespace

TEST_CASE("has() agrees with @clerk/shared's createCheckAuthorization on 3,000 random checks") {
  constexpr int count = 3000, seed = 20270127;
  const auto sets = judge({"has", std::to_string(count), std::to_string(seed)}).as_array();
  REQUIRE(sets.size() == count);
  const std::string header = clerk_test::b64url(R"({"alg":"RS256","kid":"k"})");
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  int disagreements = 0, granted = 0, unreadable = 0, nothing_asked = 0;
  std::map<std::string, int> asked;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const auto& set = sets[i].as_object();
    const std::string payload = json::serialize(set.at("claims"));
    const auto& check = set.at("check").as_object();
    const json::value& clerk = set.at("clerk");
    auto claims = clerk::verify_session_token(
        header + "." + clerk_test::b64url(payload) + "." + clerk_test::b64url("sig"),
        any_signature{}, now);
    std::string problem;
    if (clerk.is_object()) {
      // @clerk/shared cannot read the claims (fea without a colon beside an
      // organization): the verifier refuses the token, naming fea.
      ++unreadable;
      if (claims || claims.error().as_invalid_token() == nullptr ||
          claims.error().as_invalid_token()->claim != "fea")
        problem = "@clerk/shared throws (" + std::string(clerk.at("throws").as_string()) +
                  "), the verifier says " + (claims ? "ok" : claims.error().message());
    } else if (!claims) {
      problem = "the verifier refuses: " + claims.error().message();
    } else {
      const bool mine = clerk::has(*claims, check_of(check));
      granted += clerk.as_bool();
      if (mine != clerk.as_bool())
        problem = std::string("@clerk/shared says ") + (clerk.as_bool() ? "true" : "false") +
                  ", has() says " + (mine ? "true" : "false");
    }
    nothing_asked += check.empty();
    for (const auto& [k, v] : check)
      ++asked[std::string(k)];
    if (!problem.empty() && ++disagreements <= 5)
      FAIL_CHECK("set " << i << " (seed " << seed << "): " << problem << "\n  claims " << payload
                        << "\n  check " << json::serialize(check));
  }
  MESSAGE(count << " claim sets and checks: " << granted << " granted, " << unreadable
                << " @clerk/shared cannot read, " << nothing_asked
                << " asking nothing; asked: role " << asked["role"] << ", permission "
                << asked["permission"] << ", feature " << asked["feature"] << ", plan "
                << asked["plan"] << ", reverification " << asked["reverification"] << "; "
                << disagreements << " disagreements");
  CHECK(disagreements == 0);
  // Every path is reached often enough to mean something.
  CHECK(granted >= count / 20);
  CHECK(unreadable >= 10);
  for (const char* k : {"role", "permission", "feature", "plan", "reverification"})
    CHECK(asked[k] >= count / 10);
}

TEST_CASE("the reverification answer is @clerk/shared's reverificationError, byte for byte") {
  const auto cases = judge({"reverification"}).as_array();
  REQUIRE(cases.size() >= 7);
  for (const auto& c : cases) {
    CAPTURE(json::serialize(c));
    CHECK(clerk::reverification_error_body(policy_of(c.at("config"))) ==
          std::string_view(c.at("body").as_string()));
  }
}

namespace {

// What each side says of a hand-made vector: "ok", a reason or code, or
// "throws" (verifyMachineAuthToken raised instead of answering). `rule`, set
// exactly where one accepts and the other does not, is the library's.
struct verdict {
  std::string_view library, clerk, rule;
};
// clang-format off
const std::map<std::string_view, verdict, std::less<>> expected{
  {"m2m valid", {"ok", "ok", ""}},
  {"m2m without cat", {"ok", "ok", ""}},
  {"m2m without typ", {"ok", "ok", ""}},
  {"m2m with the session category", {"token-type-mismatch", "token-invalid", ""}},
  {"m2m with the ignore category", {"token-type-mismatch", "token-invalid", ""}},
  {"m2m typ at+jwt", {"token-invalid", "token-verification-failed", ""}},
  {"m2m scopes with double spaces", {"ok", "ok", ""}},
  {"m2m aud string, no scopes", {"ok", "ok", ""}},
  {"m2m aud array, no scopes", {"ok", "ok", ""}},
  {"m2m no scopes, no aud", {"ok", "ok", ""}},
  {"m2m scopes not a string", {"token-verification-failed", "throws", ""}},
  {"m2m jti a number", {"token-verification-failed", "ok",
    "jti a string (RFC 7519 §4.1.7): claims of the wrong type fail; @clerk/backend takes 5 as the id"}},
  {"m2m jti absent", {"ok", "ok", ""}},
  {"m2m expired", {"token-expired", "token-verification-failed", ""}},
  {"m2m nbf in the future", {"token-not-active-yet", "token-verification-failed", ""}},
  {"m2m iat in the future", {"token-iat-in-the-future", "token-verification-failed", ""}},
  {"m2m exp absent", {"token-verification-failed", "token-verification-failed", ""}},
  {"m2m exp a float", {"token-verification-failed", "ok",
    "NumericDate read as whole seconds only, as for session tokens"}},
  {"m2m exp a string", {"token-verification-failed", "token-verification-failed", ""}},
  {"m2m alg none", {"token-invalid-algorithm", "token-verification-failed", ""}},
  {"m2m alg HS256", {"token-invalid-algorithm", "token-verification-failed", ""}},
  {"m2m RS384 with the same key", {"token-invalid-algorithm", "token-verification-failed", ""}},
  {"m2m kid absent", {"token-invalid", "ok",
    "kid required in the header (RFC 8725 §3.10), as for session tokens; jwtKey ignores kid"}},
  {"m2m crit", {"token-invalid", "ok", "any crit refused (RFC 7515 §4.1.11), as for session tokens"}},
  {"m2m duplicate sub", {"token-invalid", "ok",
    "no repeated JSON member, as for session tokens; JSON.parse takes the last sub"}},
  {"m2m another key", {"token-invalid-signature", "token-verification-failed", ""}},
  {"m2m one signature bit changed", {"token-invalid-signature", "token-verification-failed", ""}},
  {"m2m signature with = padding", {"token-invalid", "throws", ""}},
  {"m2m payload not JSON", {"token-invalid", "token-invalid", ""}},
  {"m2m audience matched by aud", {"ok", "ok", ""}},
  {"m2m audience not in aud", {"token-verification-failed", "token-verification-failed", ""}},
  {"m2m audience set, no aud", {"token-verification-failed", "ok",
    "with an audience set, aud is required of M2M tokens too; @clerk/backend's assertAudienceClaim skips a token without aud"}},
  {"oauth valid", {"ok", "ok", ""}},
  {"oauth typ application/at+jwt", {"ok", "ok", ""}},
  {"oauth scope string", {"ok", "ok", ""}},
  {"oauth no scopes", {"ok", "ok", ""}},
  {"oauth scp not an array", {"token-verification-failed", "ok",
    "scp an array of strings; @clerk/backend keeps the string \"read write\" as its scopes"}},
  {"oauth client_id absent", {"ok", "ok", ""}},
  {"oauth empty sub", {"token-verification-failed", "ok", "sub required and not empty, as for session tokens"}},
  {"oauth with the ignore category", {"ok", "ok", ""}},
  {"oauth with the M2M category", {"token-type-mismatch", "ok",
    "another class's category is refused, as the session and M2M verifiers refuse it; @clerk/backend reads no category on OAuth tokens"}},
  {"oauth with the session category", {"token-type-mismatch", "ok", "as above"}},
  {"oauth typ AT+JWT", {"token-type-mismatch", "token-verification-failed", ""}},
  {"oauth expired", {"token-expired", "token-verification-failed", ""}},
  {"oauth audience matched", {"ok", "ok", ""}},
  {"oauth audience matched in an array", {"ok", "ok", ""}},
  {"oauth audience not matched", {"token-verification-failed", "token-verification-failed", ""}},
  {"oauth audience set, no aud", {"token-verification-failed", "token-verification-failed", ""}},
  {"oauth aud a number", {"token-verification-failed", "ok",
    "aud a string or an array of strings (RFC 7519 §4.1.3)"}},
  {"session token", {"token-type-mismatch", "token-verification-failed", ""}},
  {"session token with the session category", {"token-type-mismatch", "token-verification-failed", ""}},
};
// clang-format on

// The codes @clerk/backend gives where the library gives `reason`: its
// verifyJwt refusals all become token-verification-failed; token-invalid is
// a JWT it cannot decode or an M2M token of another category, which it tells
// first (the library tells alg first).
bool maps_to(std::string_view reason, std::string_view code) {
  if (code == "token-verification-failed")
    return reason != "ok";
  if (code == "token-invalid")
    return reason == "token-invalid" || reason == "token-type-mismatch" ||
           reason == "token-invalid-algorithm";
  return false;
}

std::string reason_of(const clerk::result<clerk::machine_claims>& r) {
  if (r)
    return "ok";
  if (const auto* t = r.error().as_invalid_token())
    return std::string(clerk::to_string(t->reason));
  return "error: " + r.error().message();
}

std::string clerk_verdict(const json::object& c) {
  if (c.at("ok").as_bool())
    return "ok";
  if (c.contains("throws"))
    return "throws";
  return std::string(c.at("code").as_string());
}

std::vector<std::string> non_empty(std::vector<std::string> v) {
  v.erase(std::remove(v.begin(), v.end(), std::string()), v.end());
  return v;
}

// Where both accept: the same kind, id, subject, client, scopes (the empty
// strings of JavaScript's split(" ") left out, which the library drops) and
// expiry. Empty when they agree.
std::string data_difference(const clerk::machine_claims& m, const json::object& c) {
  std::string d;
  if (c.at("kind").as_string() != clerk::to_string(m.kind))
    d += " kind";
  const json::value& id = c.at("id");
  if (!id.is_string() || id.get_string() != m.id)
    d += " id";
  if (c.at("subject").as_string() != m.subject)
    d += " subject";
  const json::value& client = c.at("client_id");
  if ((client.is_string() ? std::string(client.get_string()) : std::string()) !=
      m.client_id.value_or(""))
    d += " client_id";
  std::vector<std::string> scopes;
  for (const auto& s : c.at("scopes").as_array())
    scopes.push_back(s.is_string() ? std::string(s.get_string()) : json::serialize(s));
  if (non_empty(scopes) != non_empty(m.scopes))
    d += " scopes";
  if (!m.expires_at || c.at("expiration").to_number<double>() !=
                           double(m.expires_at->time_since_epoch().count()) * 1000)
    d += " expiration";
  return d;
}

clerk::machine_verify_options options_of(const json::object& v) {
  clerk::machine_verify_options o;
  if (v.at("audience").is_array())
    for (const auto& a : v.at("audience").as_array())
      o.audience.emplace_back(a.as_string());
  return o;
}

struct machine_vectors {
  json::object doc;
  clerk::openssl_keys keys;
  std::chrono::system_clock::time_point now;
};
machine_vectors machine_judge(int count, int seed) {
  auto doc = judge({"machine", std::to_string(count), std::to_string(seed)}).as_object();
  auto keys = clerk::openssl_keys::from_pem(doc.at("pem").as_string());
  REQUIRE(keys.has_value());
  const std::chrono::system_clock::time_point now(std::chrono::seconds(doc.at("now").as_int64()));
  return {std::move(doc), std::move(*keys), now};
}

}  // namespace

TEST_CASE(
    "hand-made machine JWTs: the library and verifyMachineAuthToken judge alike, or the table "
    "says why the library is stricter") {
  const auto v = machine_judge(0, 1);
  std::size_t seen = 0;
  for (const auto& item : v.doc.at("vectors").as_array()) {
    const auto& o = item.as_object();
    const std::string name(o.at("name").as_string());
    CAPTURE(name);
    auto it = expected.find(name);
    REQUIRE_MESSAGE(it != expected.end(), "a vector without a verdict in the table");
    ++seen;
    const verdict& want = it->second;
    const auto& clerk = o.at("clerk").as_object();
    auto mine = clerk::verify_machine_jwt(std::string_view(o.at("token").as_string()), v.keys,
                                          v.now, options_of(o));
    CHECK(reason_of(mine) == want.library);
    CHECK(clerk_verdict(clerk) == want.clerk);
    if (mine && clerk.at("ok").as_bool())
      CHECK(data_difference(*mine, clerk).empty());
    if (want.library != "ok" && want.clerk != "ok" && want.clerk != "throws")
      CHECK(maps_to(want.library, want.clerk));
    const bool differ = (want.library == "ok") != (want.clerk == "ok");
    CHECK(differ == !want.rule.empty());
  }
  CHECK(seen == expected.size());
}

TEST_CASE("2,000 random machine JWTs: the library and verifyMachineAuthToken agree") {
  constexpr int count = 2000, seed = 20270128;
  const auto v = machine_judge(count, seed);
  int disagreements = 0, accepted = 0, stricter = 0, random = 0;
  std::set<std::string> reasons;
  for (const auto& item : v.doc.at("vectors").as_array()) {
    const auto& o = item.as_object();
    const std::string name(o.at("name").as_string());
    if (!name.starts_with("random "))
      continue;
    ++random;
    const auto& clerk = o.at("clerk").as_object();
    auto mine = clerk::verify_machine_jwt(std::string_view(o.at("token").as_string()), v.keys,
                                          v.now, options_of(o));
    const std::string reason = reason_of(mine), code = clerk_verdict(clerk);
    const std::string_view rule = o.at("stricter").as_string();
    reasons.insert(reason);
    std::string problem;
    if (!rule.empty()) {
      // The library's own rule: it refuses, whatever @clerk/backend says.
      ++stricter;
      if (mine)
        problem = "accepted a vector that meets the library's rule " + std::string(rule);
    } else if (mine && code == "ok") {
      ++accepted;
      if (auto d = data_difference(*mine, clerk); !d.empty())
        problem = "the claims differ:" + d;
    } else if (!maps_to(reason, code)) {
      problem = "the library says " + reason + ", @clerk/backend " + code;
    }
    if (!problem.empty() && ++disagreements <= 5)
      FAIL_CHECK(name << " (seed " << seed << "): " << problem << "\n  token "
                      << o.at("token").as_string());
  }
  std::string all;
  for (const auto& r : reasons)
    all += " " + r;
  MESSAGE(random << " random vectors: " << accepted << " accepted by both, " << stricter
                 << " meeting a rule of the library's own; reasons:" << all << "; " << disagreements
                 << " disagreements");
  CHECK(random == count);
  CHECK(disagreements == 0);
  CHECK(accepted >= count / 10);
  CHECK(reasons.size() >= 7);
}

int main(int argc, char** argv) {
  if (node.empty() || !fs::exists(node)) {
    std::cout << "SKIP: node is not installed (bash tests/setup.sh installs it)\n";
    return 77;
  }
  if (!fs::exists(here / "node_modules/@clerk/backend/package.json")) {
    std::cout << "SKIP: @clerk/backend is not installed in " << here.string()
              << "/node_modules (bash tests/setup.sh runs npm ci there)\n";
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}
