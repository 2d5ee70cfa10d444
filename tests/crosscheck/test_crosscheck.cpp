// The library checked against Clerk's own @clerk/backend (pinned in
// package-lock.json here; `npm ci` by tests/setup.sh), in the same test:
// 1. @clerk/backend's verifyToken verifies the fake Clerk's session JWTs
//    through the fake's /v1/jwks on 127.0.0.1 (fake_clerk_server in process);
// 2. tokens signed outside the project (Node's crypto, judge.mjs), valid and
//    hostile, are judged by the library and by verifyToken (with jwtKey, and
//    with secretKey against a JWKS served by judge.mjs). Where the two
//    differ, the table below names the vector and the stricter rule the
//    library follows; a verdict not in the table fails the test;
// 3. the organization's id, role and permissions of random v1 and v2 claim
//    sets, against @clerk/shared's __experimental_JWTPayloadToAuthObjectProperties;
// 4. the session token of random requests' Cookie and Authorization headers,
//    against @clerk/backend's own AuthenticateContext (suffixed cookies too).
// Exits 77 (CTest: skipped) when node or the npm packages are missing.
#define DOCTEST_CONFIG_IMPLEMENT
#include "../support.hpp"
#include "process.hpp"
#include "servers.hpp"

#include <clerk/crypto/openssl.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/fakes/openssl_signer.hpp>
#include <clerk/frontend/sign_in.hpp>
#include <clerk/session_tokens.hpp>

#include <clerk/backend.hpp>

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

const std::string node = CLERK_NODE_PATH;
const fs::path here = CLERK_CROSSCHECK_DIR;

// What the library and @clerk/backend (jwtKey, then remote JWKS) say of each
// vector of judge.mjs; "ok" is accepted. `rule` is set where they differ: the
// stricter rule the library follows, and where it comes from.
struct verdict {
  std::string_view library, clerk_pem, clerk_jwks, rule;
};
// clang-format off
const std::map<std::string_view, verdict, std::less<>> expected{
  {"valid", {"ok", "ok", "ok", ""}},
  {"alg none, empty signature", {"token-invalid-algorithm", "token-invalid-algorithm", "token-invalid-algorithm", ""}},
  {"HS256 keyed with the public key PEM", {"token-invalid-algorithm", "token-invalid-algorithm", "token-invalid-algorithm", ""}},
  {"RS384 signed with the same RSA key", {"token-invalid-algorithm", "token-verification-failed", "token-verification-failed",
    "alg exactly RS256, refused before any key is touched (RFC 8725 §3.1); @clerk/backend allows RS384/512 and fails in WebCrypto's import"}},
  {"RS512 signed with the same RSA key", {"token-invalid-algorithm", "token-verification-failed", "token-verification-failed",
    "alg exactly RS256 (RFC 8725 §3.1), as above"}},
  {"ES256 alg with an RSA signature", {"token-invalid-algorithm", "token-invalid-algorithm", "token-invalid-algorithm", ""}},
  {"kid injection ../../etc/passwd", {"jwk-kid-mismatch", "ok", "jwk-kid-mismatch",
    "the kid must name a key of the set; @clerk/backend's jwtKey path ignores kid"}},
  {"kid absent", {"token-invalid", "ok", "jwk-kid-mismatch",
    "kid required in the header (RFC 8725 §3.10), a malformed header: token-invalid"}},
  {"kid of 10,000 characters", {"token-invalid", "ok", "jwk-kid-mismatch",
    "size cap: max_token_bytes 8 KiB before anything is decoded (Clerk's cookie holds ~4 KB)"}},
  {"crit [\"exp\"]", {"token-invalid", "ok", "ok",
    "any crit refused: RFC 7515 §4.1.11 says a recipient MUST reject extensions it does not understand; no Clerk SDK checks crit"}},
  {"crit with an unknown extension", {"token-invalid", "ok", "ok", "RFC 7515 §4.1.11, as above"}},
  {"typ at+jwt", {"token-invalid", "token-invalid", "token-invalid", ""}},
  {"typ absent", {"ok", "ok", "ok", ""}},
  {"duplicate sub claim (last wins in JSON.parse)", {"token-invalid", "ok", "ok",
    "no repeated JSON member (RFC 7515 §4 / RFC 7519 §4 allow refusing); JSON.parse takes the last sub"}},
  {"duplicate alg header (none then RS256)", {"token-invalid", "ok", "ok",
    "no repeated header member, as above: the alg read must be the only alg"}},
  {"signature with = padding", {"token-invalid", "ok", "ok",
    "unpadded base64url only (RFC 7515 §2); @clerk/backend's loose parser drops the ="}},
  {"payload with = padding", {"token-invalid", "token-invalid-signature", "token-invalid-signature",
    "unpadded base64url only, refused before the signature is checked"}},
  {"standard base64 alphabet (+ /) in the signature", {"token-invalid", "token-invalid", "token-invalid", ""}},
  {"a newline inside the token", {"token-invalid", "token-invalid", "token-invalid", ""}},
  {"a fourth segment", {"token-invalid", "token-invalid", "token-invalid", ""}},
  {"exp as a float", {"token-verification-failed", "ok", "ok",
    "NumericDate read as whole seconds only: Clerk mints integers, a fraction means another minter"}},
  {"exp as a string", {"token-verification-failed", "token-verification-failed", "token-verification-failed", ""}},
  {"exp absent", {"token-verification-failed", "token-verification-failed", "token-verification-failed", ""}},
  {"exp 1e300", {"token-verification-failed", "ok", "ok",
    "dates must be integers in range; in JS 1e300 s makes an invalid Date that never expires"}},
  {"exp -1e13 (an invalid Date in JS)", {"token-expired", "ok", "ok",
    "a date is whole seconds compared as such: -1e13 s is long past; in JS it makes an invalid Date, never expired"}},
  {"exp 2^63", {"token-verification-failed", "ok", "ok", "dates must fit a signed 64-bit number of seconds"}},
  {"nbf as a string", {"token-verification-failed", "token-verification-failed", "token-verification-failed", ""}},
  {"iat as a float in the past", {"token-verification-failed", "ok", "ok", "NumericDate as whole seconds, as for exp"}},
  {"payload of 1 MB", {"token-invalid", "ok", "ok", "size cap: max_token_bytes 8 KiB"}},
  {"expired an hour ago", {"token-expired", "token-expired", "token-expired", ""}},
  {"not valid for an hour (nbf)", {"token-not-active-yet", "token-not-active-yet", "token-not-active-yet", ""}},
  {"issued an hour from now (iat)", {"token-iat-in-the-future", "token-iat-in-the-future", "token-iat-in-the-future", ""}},
  {"another instance (iss)", {"token-invalid-issuer", "ok", "ok",
    "iss must be the instance's Frontend API URL when verify_options::issuer is set (RFC 8725 §3.8); @clerk/backend checks iss only when given an issuer (assertIssuerClaim), and judge.mjs gives none"}},
  {"iss absent", {"token-verification-failed", "ok", "ok",
    "iss is a required claim of a session token (Clerk always sets it); @clerk/backend reads iss only when given an issuer"}},
  {"another key, same kid", {"token-invalid-signature", "token-invalid-signature", "token-invalid-signature", ""}},
  {"one signature bit changed", {"token-invalid-signature", "token-invalid-signature", "token-invalid-signature", ""}},
  {"empty signature", {"token-invalid-signature", "token-invalid-signature", "token-invalid-signature", ""}},
  {"azp not an authorized party", {"token-invalid-authorized-parties", "token-invalid-authorized-parties", "token-invalid-authorized-parties", ""}},
  {"azp absent", {"token-invalid-authorized-parties", "token-invalid-authorized-parties", "token-invalid-authorized-parties", ""}},
  {"sub absent", {"token-verification-failed", "token-verification-failed", "token-verification-failed", ""}},
  {"sub not a string", {"token-verification-failed", "token-verification-failed", "token-verification-failed", ""}},
  {"sts pending", {"session-pending", "ok", "ok",
    "a pending session is refused unless accept_pending_sessions: Clerk's authenticateRequest treats it as signed out, verifyToken does not look"}},
  {"machine-token category cat (M2M)", {"token-type-mismatch", "token-invalid", "token-invalid",
    "same refusal, reason as authenticateRequest names it (token-type-mismatch)"}},
  {"machine subject mch_", {"token-type-mismatch", "ok", "ok",
    "a machine subject is not a session: authenticateRequest refuses it, verifyToken alone does not"}},
  {"header not an object", {"token-invalid", "token-invalid-algorithm", "jwk-kid-mismatch",
    "header must be a JSON object, checked first"}},
  {"payload not JSON", {"token-invalid", "token-invalid", "token-invalid", ""}},
};
// clang-format on

std::string reason_of(const clerk::result<clerk::session_claims>& r) {
  if (r)
    return "ok";
  if (const auto* t = r.error().as_invalid_token())
    return std::string(clerk::to_string(t->reason));
  return "error: " + r.error().message();
}

// A file holding `text`, removed with the object.
struct temp_file {
  std::string path;
  explicit temp_file(const std::string& text) {
    char name[] = "/tmp/clerk_crosscheck_XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
    path = name;
  }
  ~temp_file() { ::unlink(path.c_str()); }
};

clerk_test::process_result judge(std::vector<std::string> args, std::vector<std::string> env = {},
                                 const std::string& input = "/dev/null") {
  args.insert(args.begin(), (here / "judge.mjs").string());
  env.push_back("PATH=/usr/bin:/bin");
  auto r = clerk_test::run_process(node, args, env, std::chrono::seconds(120), input);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

}  // namespace

TEST_CASE("@clerk/backend's verifyToken verifies the fake Clerk's session JWTs via its /v1/jwks") {
  const std::string secret_key = "sk_test_crosscheck0fake0key000000";
  auto signer = std::make_shared<clerk::fakes::openssl_signer>();
  clerk::fakes::fake_clerk_options o;
  o.secret_key = secret_key;
  o.signer = signer;
  o.clock = [] {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  };
  clerk::fakes::fake_clerk fake(o);
  fake.add_user("user_x");
  fake.add_organization("org_x", {"user_x"});
  clerk_test::fake_clerk_server server(fake);

  // The library's own flows on the fake: a sign-in (or actor) token minted,
  // its ticket consumed as a native client does, the session's JWT.
  auto bapi = clerk::config::make({.secret_key = secret_key, .base_url = server.base_url()});
  REQUIRE(bapi.has_value());
  const clerk::client admin(*bapi, fake);
  auto session_jwt = [&](std::optional<std::string> org, bool actor) {
    std::string ticket;
    if (actor) {
      auto t = admin.send(clerk::create_actor_token{
          .user_id = "user_x", .actor = {.sub = "user_support", .other_claims = {}}});
      REQUIRE(t.has_value());
      ticket = std::string(t->token->reveal());
    } else {
      auto t = admin.send(clerk::create_sign_in_token{.user_id = "user_x", .org_id = org});
      REQUIRE(t.has_value());
      ticket = std::string(t->token->reveal());
    }
    auto fapi = clerk::frontend::frontend_config::make({.frontend_api_url = server.origin()});
    REQUIRE(fapi.has_value());
    clerk::frontend::client_token client_token;
    auto s = clerk::frontend::consume_ticket(clerk::client(*fapi, fake), client_token,
                                             clerk::secret(ticket));
    REQUIRE(s.has_value());
    return std::pair<std::string, std::string>{std::string(s->jwt.reveal()),
                                               std::string(s->session_id)};
  };
  // verifyToken on each token, in one node process: its JSON verdicts.
  auto judge_remote = [&](const std::vector<std::pair<std::string, std::string>>& jwts) {
    std::string lines;
    for (auto& [jwt, sid] : jwts)
      lines += jwt + '\n';
    temp_file tokens(lines);
    auto r = judge({"remote", server.origin()}, {"CLERK_SECRET_KEY=" + secret_key}, tokens.path);
    std::vector<json::object> out;
    for (std::size_t at = 0; at < r.out.size();) {
      auto end = r.out.find('\n', at);
      out.push_back(json::parse(r.out.substr(at, end - at)).as_object());
      at = end + 1;
    }
    REQUIRE(out.size() == jwts.size());
    return out;
  };
  std::vector<std::pair<std::string, std::string>> all{session_jwt(std::nullopt, false),
                                                       session_jwt("org_x", false),
                                                       session_jwt(std::nullopt, true)};
  auto verdicts = judge_remote(all);
  // A rotation: the fake's JWKS now lists only the new key, which verifies
  // the new tokens; an old token's kid is gone.
  fake.rotate_signing_key();
  all.push_back(session_jwt(std::nullopt, false));
  auto after = judge_remote({all[3], all[0]});
  verdicts.push_back(after[0]);
  CHECK(after[1] == json::object{{"ok", false}, {"reason", "jwk-kid-mismatch"}});
  for (std::size_t i = 0; i < all.size(); ++i) {
    CAPTURE(i);
    CAPTURE(json::serialize(verdicts[i]));
    CHECK(verdicts[i]["ok"] == true);
    CHECK(verdicts[i]["sub"] == "user_x");
    CHECK(verdicts[i]["sid"].as_string() == all[i].second);
  }
  CHECK(verdicts[2]["act"] == json::object{{"sub", "user_support"}});
}

TEST_CASE(
    "tokens signed by Node's crypto: the library and @clerk/backend judge alike, or the "
    "table says why the library is stricter") {
  auto r = judge({"vectors"});
  auto doc = json::parse(r.out).as_object();
  const std::string jwks_text(doc["jwks"].as_string());
  auto by_kid = clerk::openssl_keys::from_jwks(jwks_text);
  REQUIRE(by_kid.has_value());
  clerk::verify_options options;
  options.issuer = std::string(doc["issuer"].as_string());
  options.authorized_parties = {std::string(doc["authorized_party"].as_string())};
  const auto now =
      std::chrono::system_clock::time_point(std::chrono::seconds(doc["now"].as_int64()));

  std::size_t seen = 0;
  for (const auto& v : doc["vectors"].as_array()) {
    const auto& o = v.as_object();
    const std::string name(o.at("name").as_string());
    CAPTURE(name);
    auto it = expected.find(name);
    REQUIRE_MESSAGE(it != expected.end(), "a vector without a verdict in the table");
    const verdict& want = it->second;
    ++seen;
    const std::string token(o.at("token").as_string());
    CHECK(reason_of(clerk::verify_session_token(token, *by_kid, now, options)) == want.library);
    CHECK(o.at("pem").as_string() == want.clerk_pem);
    CHECK(o.at("jwks").as_string() == want.clerk_jwks);
    // A difference is stated with its rule; an agreement has none.
    const bool differ = want.library != want.clerk_pem || want.library != want.clerk_jwks;
    CHECK(differ == !want.rule.empty());
  }
  CHECK(seen == expected.size());
}

namespace {

// A key adapter that accepts every signature: cases 3 and 4 judge what the
// claims and headers say, not signatures.
struct any_signature {
  clerk::key_check verify(std::string_view, std::string_view, std::string_view,
                          std::span<const unsigned char>) const {
    return clerk::key_check::valid;
  }
};

// A role as @clerk/shared's checkOrgAuthorization compares it (prefixWithOrg:
// every leading "org:" made one).
std::string prefix_with_org(std::string_view role) {
  while (role.starts_with("org:"))
    role.remove_prefix(4);
  return "org:" + std::string(role);
}

// What an organization gives has({role}) and has({permission}): nothing
// without an id (checkOrgAuthorization fails first), else the id, the role
// as compared, and the permissions in order.
struct org_view {
  std::string id, role;
  std::vector<std::string> permissions;
  friend bool operator==(const org_view&, const org_view&) = default;
};
std::ostream& operator<<(std::ostream& os, const org_view& o) {
  os << "{id " << o.id << ", role " << o.role << ", permissions";
  for (const auto& p : o.permissions)
    os << " " << p;
  return os << "}";
}

org_view clerk_view(const json::object& clerk) {
  const json::value& id = clerk.at("orgId");
  if (!id.is_string() || id.get_string().empty())
    return {};
  org_view v{std::string(id.get_string()), "", {}};
  if (const json::value& role = clerk.at("orgRole"); role.is_string() && !role.get_string().empty())
    v.role = prefix_with_org(role.get_string());
  if (const json::value& p = clerk.at("orgPermissions"); p.is_array())
    for (const auto& e : p.get_array())
      v.permissions.push_back(std::string(e.as_string()));
  return v;
}

org_view library_view(const clerk::session_claims& c) {
  if (!c.organization || c.organization->id.empty())
    return {};
  const auto& o = *c.organization;
  return {o.id, o.role.empty() ? "" : prefix_with_org("org:" + o.role), o.permissions};
}

}  // namespace

// Review 3's finding 1: @clerk/shared counts fea's scopes o, ou and uo as the
// organization's, trims, ignores surplus bits; finding 6: v1's org_* claims.
TEST_CASE(
    "organization id, role and permissions agree with @clerk/shared on 2,000 random claim sets") {
  constexpr int count = 2000, seed = 20261205;
  auto r = judge({"permissions", std::to_string(count), std::to_string(seed)});
  const auto sets = json::parse(r.out).as_array();
  REQUIRE(sets.size() == count);
  const std::string header = clerk_test::b64url(R"({"alg":"RS256","kid":"k"})");
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));
  int disagreements = 0, v1 = 0, granting = 0, throwing = 0, with_org = 0;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    const auto& set = sets[i].as_object();
    const std::string payload = json::serialize(set.at("claims"));
    const auto& clerk = set.at("clerk").as_object();
    auto mine = clerk::verify_session_token(
        header + "." + clerk_test::b64url(payload) + "." + clerk_test::b64url("sig"),
        any_signature{}, now);
    v1 += !set.at("claims").as_object().contains("v") || set.at("claims").as_object().at("v") != 2;
    std::string problem;
    if (clerk.contains("throws")) {
      ++throwing;
      // splitByScope throws on a fea element without a colon: the library
      // refuses the token, naming fea.
      if (mine || mine.error().as_invalid_token() == nullptr ||
          mine.error().as_invalid_token()->claim != "fea")
        problem = "@clerk/shared throws (" + std::string(clerk.at("throws").as_string()) +
                  "), the library says " + (mine ? "ok" : mine.error().message());
    } else if (!mine) {
      problem = "the library refuses: " + mine.error().message();
    } else {
      const org_view want = clerk_view(clerk), got = library_view(*mine);
      with_org += !want.id.empty();
      granting += !want.permissions.empty();
      if (!(want == got)) {
        std::ostringstream os;
        os << "@clerk/shared " << want << ", the library " << got;
        problem = os.str();
      }
    }
    if (!problem.empty() && ++disagreements <= 5)
      FAIL_CHECK("set " << i << " (seed " << seed << "): " << problem << "\n  claims " << payload);
  }
  MESSAGE(count << " claim sets: " << v1 << " v1, " << with_org << " with an organization, "
                << granting << " granting permissions, " << throwing
                << " that @clerk/shared cannot read; " << disagreements << " disagreements");
  CHECK(disagreements == 0);
  // The sets reach every path: none of these may be rare.
  CHECK(v1 >= count / 5);
  CHECK(with_org >= count / 3);
  CHECK(granting >= count / 10);
  CHECK(throwing >= count / 100);
}

// Review 3's finding 8: cookies as @clerk/backend reads them, and the
// instance's suffixed cookie chosen as it chooses.
TEST_CASE("the session token of 2,000 random requests is the one @clerk/backend takes") {
  constexpr int count = 2000, seed = 20261206;
  auto r = judge({"cookies", std::to_string(count), std::to_string(seed)});
  const auto cases = json::parse(r.out).as_array();
  REQUIRE(cases.size() == count);
  int disagreements = 0, header = 0, differ = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i].as_object();
    const std::string pk(c.at("publishable_key").as_string());
    clerk::header_list headers;
    headers.add("Cookie", std::string(c.at("cookie").as_string()));
    if (c.at("authorization").is_string()) {
      headers.add("Authorization", std::string(c.at("authorization").as_string()));
      ++header;
    }
    auto key = clerk::parse_publishable_key(pk);
    auto suffix = clerk::cookie_suffix(pk);
    REQUIRE(key.has_value());
    REQUIRE(suffix.has_value());
    const auto now =
        std::chrono::system_clock::time_point(std::chrono::seconds(c.at("now").as_int64()));
    const std::string plain = clerk::session_token_from(headers),
                      chosen = clerk::session_token_from(headers, {*key, *suffix}, now);
    const std::string want_plain(c.at("plain").as_string()), want(c.at("suffixed").as_string());
    differ += want != want_plain;
    if ((plain != want_plain || chosen != want) && ++disagreements <= 5)
      FAIL_CHECK("request " << i << " (seed " << seed << "), " << pk
                            << "\n  Cookie: " << c.at("cookie").as_string() << "\n  Authorization: "
                            << c.at("authorization") << "\n  @clerk/backend: " << want_plain
                            << " / " << want << "\n  the library:    " << plain << " / " << chosen);
  }
  MESSAGE(count << " requests: " << header << " with an Authorization header, " << differ
                << " where the suffix changes the token, " << disagreements << " disagreements");
  CHECK(disagreements == 0);
  CHECK(differ >= count / 20);
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
