// clerk-sign-in-token verify, run as a process: keys from a PEM file,
// CLERK_JWT_KEY, a JWKS file or the fake Clerk's /v1/jwks; the claims on
// stdout; a refusal's reason on stderr, never the token; exit codes 1, 2, 3.
#include "process.hpp"
#include "servers.hpp"

#include <clerk/backend.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/fakes/openssl_signer.hpp>

#include <doctest/doctest.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace {

namespace json = boost::json;
using clerk::fakes::openssl_signer;

const std::string secret_key = "sk_test_verify0cli0key0000000000";
const std::string issuer = "https://clerk.example.test";

struct run : clerk_test::process_result {
  json::object claims() const {
    boost::system::error_code ec;
    auto v = json::parse(out, ec);
    REQUIRE_FALSE(ec);
    REQUIRE(v.is_object());
    return v.as_object();
  }
};

// A file holding `text`, removed with the object.
struct temp_file {
  std::string path;
  explicit temp_file(const std::string& text) {
    char name[] = "/tmp/clerk_cli_verify_XXXXXX";
    int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    ::close(fd);
    path = name;
  }
  ~temp_file() { ::unlink(path.c_str()); }
};

// Runs `clerk-sign-in-token verify ARGS...`; checks that the token never
// shows in its output and that a failure says one line.
run verify(std::vector<std::string> args, std::vector<std::string> env = {},
           const std::string& token = {}, const std::string& input = "/dev/null") {
  args.insert(args.begin(), "verify");
  env.push_back("PATH=/usr/bin:/bin");
  run r{clerk_test::run_process(CLERK_CLI_PATH, args, env, std::chrono::seconds(30), input)};
  INFO("stdout: " << r.out);
  INFO("stderr: " << r.err);
  CHECK_FALSE(r.timed_out);
  if (!token.empty()) {
    auto signature = token.substr(token.rfind('.') + 1);
    CHECK(r.err.find(signature) == std::string::npos);
    CHECK(r.out.find(signature) == std::string::npos);
  }
  if (r.exit_code == 1)
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  return r;
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Clerk's v2 claims, alive now, with `extra` members added or replaced.
std::string session_token(const openssl_signer& s, json::object extra = {}) {
  const std::int64_t iat = now_s();
  json::object claims{{"azp", "https://app.example.test"},
                      {"exp", iat + 60},
                      {"iat", iat},
                      {"iss", issuer},
                      {"nbf", iat - 10},
                      {"sid", "sess_123"},
                      {"sub", "user_123"},
                      {"v", 2}};
  for (auto& kv : extra)
    claims[kv.key()] = kv.value();
  return s.jwt(R"({"alg":"RS256","kid":")" + s.kid() + R"(","typ":"JWT"})",
               json::serialize(claims));
}

const openssl_signer& signer() {
  static const openssl_signer s(2048, 65537, "ins_verify");
  return s;
}

}  // namespace

TEST_CASE("verify --jwt-key FILE prints the claims of a genuine session JWT, networkless") {
  temp_file pem(signer().public_pem());
  auto token = session_token(signer());
  auto r = verify({"--jwt-key", pem.path, token}, {}, token);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  auto c = r.claims();
  CHECK(c["user_id"] == "user_123");
  CHECK(c["session_id"] == "sess_123");
  CHECK(c["issuer"].as_string() == issuer);
  CHECK(c["expires_at"].as_int64() > now_s());
  CHECK_FALSE(c.contains("org_id"));
  CHECK_FALSE(c.contains("actor"));
}

TEST_CASE("verify takes the PEM from CLERK_JWT_KEY, armoured or as the bare body") {
  auto token = session_token(signer());
  auto pem = signer().public_pem();
  REQUIRE(verify({token}, {"CLERK_JWT_KEY=" + pem}, token).exit_code == 0);
  std::string body;
  for (std::size_t at = 0; at < pem.size();) {
    auto end = pem.find('\n', at);
    auto line = pem.substr(at, end - at);
    if (!line.starts_with("-----"))
      body += line;
    at = end + 1;
  }
  REQUIRE(verify({token}, {"CLERK_JWT_KEY=" + body}, token).exit_code == 0);
}

TEST_CASE("verify - reads the token from standard input; --jwks FILE takes a JWKS") {
  auto token = session_token(signer());
  temp_file in(token + "\n"), jwks(signer().jwks());
  auto r = verify({"--jwks", jwks.path, "-"}, {}, token, in.path);
  REQUIRE(r.exit_code == 0);
  CHECK(r.claims()["user_id"] == "user_123");
}

TEST_CASE("verify prints org_id, org_role and actor when the token has them") {
  auto token = session_token(
      signer(),
      {{"o", json::object{{"id", "org_9"}, {"rol", "admin"}, {"slg", "nine"}}},
       {"act", json::object{{"sub", "user_admin"}, {"iss", "https://dashboard.clerk.com"}}}});
  temp_file pem(signer().public_pem());
  auto r = verify({"--jwt-key", pem.path, token}, {}, token);
  REQUIRE(r.exit_code == 0);
  auto c = r.claims();
  CHECK(c["org_id"] == "org_9");
  CHECK(c["org_role"] == "admin");
  CHECK(c["actor"] == json::object{{"sub", "user_admin"}, {"iss", "https://dashboard.clerk.com"}});
}

TEST_CASE("verify refuses a tampered, expired or foreign token with exit 1 and the reason") {
  temp_file pem(signer().public_pem());
  auto check_refused = [&](const std::string& token, std::vector<std::string> options,
                           const std::string& reason) {
    CAPTURE(reason);
    options.push_back(token);
    options.insert(options.begin(), {"--jwt-key", pem.path});
    auto r = verify(options, {}, token);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK(r.err.starts_with("clerk-sign-in-token: " + reason));
  };
  auto token = session_token(signer());
  // The claims of another user under this token's signature.
  auto sig = token.substr(token.rfind('.'));
  auto forged = session_token(openssl_signer(2048, 65537, "ins_verify"), {{"sub", "user_666"}});
  check_refused(forged.substr(0, forged.rfind('.')) + sig, {}, "token-invalid-signature");
  openssl_signer other(2048, 65537, "ins_verify");
  check_refused(session_token(other), {}, "token-invalid-signature");
  check_refused(session_token(signer(), {{"exp", now_s() - 60}}), {}, "token-expired");
  check_refused(session_token(signer(), {{"nbf", now_s() + 60}}), {}, "token-not-active-yet");
  check_refused(token, {"--issuer", "https://clerk.other.test"}, "token-invalid-issuer");
  check_refused(token, {"--authorized-party", "https://evil.test"},
                "token-invalid-authorized-parties");
  check_refused(signer().jwt(R"({"alg":"none","kid":"ins_verify"})", R"({"sub":"user_1"})"), {},
                "token-invalid-algorithm");
  check_refused("not-a-jwt", {}, "token-invalid");
}

TEST_CASE("verify's --issuer, --authorized-party (repeatable) and --clock-skew accept a match") {
  temp_file pem(signer().public_pem());
  auto token = session_token(signer());
  CHECK(verify({"--jwt-key", pem.path, "--issuer", issuer, "--authorized-party",
                "https://other.test", "--authorized-party=https://app.example.test", token},
               {}, token)
            .exit_code == 0);
  // Expired 2 s ago: within the default 5 s skew, not within 0 s.
  auto late = session_token(signer(), {{"exp", now_s() - 2}});
  CHECK(verify({"--jwt-key", pem.path, late}, {}, late).exit_code == 0);
  auto strict = verify({"--jwt-key", pem.path, "--clock-skew", "0", late}, {}, late);
  CHECK(strict.exit_code == 1);
  CHECK(strict.err.find("token-expired") != std::string::npos);
}

TEST_CASE("verify exits 2 for usage errors and unreadable or unusable keys") {
  auto token = session_token(signer());
  temp_file pem(signer().public_pem()), garbage("not a key");
  openssl_signer weak(1024);
  temp_file weak_pem(weak.public_pem());
  for (const auto& args :
       std::vector<std::vector<std::string>>{{token},  // no source of keys
                                             {"--jwt-key", "/nonexistent/key.pem", token},
                                             {"--jwt-key", garbage.path, token},
                                             {"--jwt-key", weak_pem.path, token},
                                             {"--jwks", garbage.path, token},
                                             {"--jwt-key", pem.path},
                                             {"--jwt-key", pem.path, token, token},
                                             {"--jwt-key", pem.path, "--jwks", pem.path, token},
                                             {"--jwt-key", pem.path, "--clock-skew", "soon", token},
                                             {"--jwt-key", pem.path, "--frobnicate", token}}) {
    auto r = verify(args, {}, token);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
  }
  auto bad_env = verify({token}, {"CLERK_JWT_KEY=garbage"}, token);
  CHECK(bad_env.exit_code == 2);
}

TEST_CASE("verify fetches the fake Clerk's JWKS with CLERK_SECRET_KEY and checks its JWTs") {
  auto key_signer = std::make_shared<openssl_signer>();
  clerk::fakes::fake_clerk_options o;
  o.secret_key = secret_key;
  o.signer = key_signer;
  o.frontend_issuer = issuer;
  o.clock = [] {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  };
  clerk::fakes::fake_clerk fake(o);
  clerk_test::fake_clerk_server server(fake);
  // A session JWT as the fake signs it (here made with its key, directly).
  auto token = session_token(*key_signer);
  auto r = verify({"--api-url", server.origin(), "--issuer", issuer, token},
                  {"CLERK_SECRET_KEY=" + secret_key}, token);
  REQUIRE(r.exit_code == 0);
  CHECK(r.claims()["user_id"] == "user_123");
  CHECK(r.out.find(secret_key) == std::string::npos);
  CHECK(r.err.find(secret_key) == std::string::npos);

  // A wrong secret key: the JWKS cannot be fetched.
  auto refused = verify({"--api-url", server.origin(), token},
                        {"CLERK_SECRET_KEY=sk_test_wrong0key0000000000000000"}, token);
  CHECK(refused.exit_code == 3);
  // Nothing listens there.
  auto nobody = verify({"--api-url", "http://127.0.0.1:1", "--timeout", "2", token},
                       {"CLERK_SECRET_KEY=" + secret_key}, token);
  CHECK(nobody.exit_code == 3);
}

TEST_CASE("verify --help prints the help, verify's options included, and exits 0") {
  auto r = verify({"--help"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("--jwt-key FILE") != std::string::npos);
  CHECK(r.out.find("CLERK_JWT_KEY") != std::string::npos);
  // Review 3's notes: the token through standard input, and what goes
  // unchecked without --issuer and --authorized-party.
  CHECK(r.out.find("Give the token as \"-\"") != std::string::npos);
  CHECK(r.out.find("Without --issuer, iss is not checked, and without\n--authorized-party, azp "
                   "is not") != std::string::npos);
}
