// <clerk/crypto/openssl.hpp>: keys from PEM and JWKS, checked against
// signatures the openssl command line makes at test time (`openssl dgst
// -sha256 -sign`, RSASSA-PKCS1-v1_5 with SHA-256: JWS's RS256), with keys it
// generates: nothing of the library signs, so a mistake shared by a signer
// and the verifier (digest, padding, key encoding) cannot hide here.
#include <clerk/crypto/openssl.hpp>
#include <clerk/session_tokens.hpp>

#include "openssl_cli.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/err.h>

#include <atomic>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using clerk::key_check;
using clerk::openssl_keys;
using clerk_test::b64url;
using clerk_test::cli_key;
using clerk_test::openssl;
using clerk_test::work_dir;

namespace {

std::span<const unsigned char> bytes(const std::string& s) {
  return {reinterpret_cast<const unsigned char*>(s.data()), s.size()};
}

// The PEM body alone, as Clerk's dashboard shows it: no armour, no newlines.
std::string bare(std::string pem) {
  std::string out;
  for (std::string_view line : {std::string_view(pem)}) {
    std::size_t start = 0;
    while (start < line.size()) {
      auto end = line.find('\n', start);
      if (end == std::string_view::npos)
        end = line.size();
      auto l = line.substr(start, end - start);
      if (!l.starts_with("-----"))
        out += l;
      start = end + 1;
    }
  }
  return out;
}

// A JWT of `key`: header and claims as given, signed by the openssl command line.
std::string jwt(const cli_key& key, std::string_view header, std::string_view claims) {
  const std::string input = b64url(header) + '.' + b64url(claims);
  return input + '.' + b64url(key.sign(input));
}

const cli_key& key2048() {
  static const cli_key k;
  return k;
}

std::string reason_of(const clerk::result<openssl_keys>& r) {
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_invalid_request() != nullptr);
  return r.error().as_invalid_request()->field + ": " + r.error().as_invalid_request()->reason;
}

// A JWKS refused: jwk-remote-invalid, "claim: detail".
std::string jwks_problem(const clerk::result<openssl_keys>& r) {
  REQUIRE(r.has_error());
  const clerk::invalid_token* t = r.error().as_invalid_token();
  REQUIRE(t != nullptr);
  CHECK(t->reason == clerk::token_reason::jwk_remote_invalid);
  return t->claim + ": " + t->detail;
}

}  // namespace

TEST_CASE("openssl_keys from a PEM checks an RS256 signature made by the private key, any kid") {
  const auto& s = key2048();
  auto keys = openssl_keys::from_pem(s.public_pem());
  REQUIRE(keys.has_value());
  std::string sig = s.sign("header.payload");
  CHECK(keys->verify("ins_cli", "RS256", "header.payload", bytes(sig)) == key_check::valid);
  CHECK(keys->verify("another_kid", "RS256", "header.payload", bytes(sig)) == key_check::valid);
  CHECK(keys->kids().empty());
}

TEST_CASE("openssl_keys refuses a changed input, a changed signature and a truncated one") {
  const auto& s = key2048();
  auto keys = openssl_keys::from_pem(s.public_pem());
  REQUIRE(keys.has_value());
  std::string sig = s.sign("header.payload");
  CHECK(keys->verify("k", "RS256", "header.payloaD", bytes(sig)) == key_check::bad_signature);
  std::string flipped = sig;
  flipped[10] = static_cast<char>(flipped[10] ^ 1);
  CHECK(keys->verify("k", "RS256", "header.payload", bytes(flipped)) == key_check::bad_signature);
  CHECK(keys->verify("k", "RS256", "header.payload", bytes(sig.substr(1))) ==
        key_check::bad_signature);
  CHECK(keys->verify("k", "RS256", "header.payload", {}) == key_check::bad_signature);
  // A failure leaves nothing in this thread's OpenSSL error queue.
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("openssl_keys checks RS256 only: any other alg is unsupported before a key is used") {
  const auto& s = key2048();
  auto keys = openssl_keys::from_pem(s.public_pem());
  REQUIRE(keys.has_value());
  std::string sig = s.sign("h.p");
  for (std::string_view alg : {"none", "HS256", "RS384", "RS512", "PS256", "ES256", "rs256", ""})
    CHECK(keys->verify("k", alg, "h.p", bytes(sig)) == key_check::unsupported_alg);
}

TEST_CASE("openssl_keys takes the bare base64 body of Clerk's dashboard PEM, and CRLF lines") {
  const auto& s = key2048();
  std::string sig = s.sign("h.p");
  auto body = openssl_keys::from_pem(bare(s.public_pem()));
  REQUIRE(body.has_value());
  CHECK(body->verify("k", "RS256", "h.p", bytes(sig)) == key_check::valid);
  std::string crlf;
  for (char c : s.public_pem()) {
    if (c == '\n')
      crlf += '\r';
    crlf += c;
  }
  auto windows = openssl_keys::from_pem(crlf);
  REQUIRE(windows.has_value());
  CHECK(windows->verify("k", "RS256", "h.p", bytes(sig)) == key_check::valid);
}

TEST_CASE("openssl_keys from a PEM refuses what is not an SPKI RSA public key, naming why") {
  CHECK(reason_of(openssl_keys::from_pem("")) == "pem: is not base64");
  CHECK(reason_of(openssl_keys::from_pem("not*base64")) == "pem: is not base64");
  CHECK(reason_of(openssl_keys::from_pem("AAAA")) ==
        "pem: is not a DER SubjectPublicKeyInfo public key");
  CHECK(reason_of(openssl_keys::from_pem("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA "
                                         "PUBLIC KEY-----\n")) ==
        "pem: is not a SubjectPublicKeyInfo key (-----BEGIN PUBLIC KEY-----)");
  CHECK(reason_of(openssl_keys::from_pem(key2048().pkcs1_pem())) ==
        "pem: is not a SubjectPublicKeyInfo key (-----BEGIN PUBLIC KEY-----)");
  std::string pem = key2048().public_pem();
  CHECK(reason_of(openssl_keys::from_pem(pem.substr(0, pem.find("-----END")))) ==
        "pem: has no -----END PUBLIC KEY----- line");
  // Bytes after the key are not ignored.
  std::string der_plus = bare(pem);
  der_plus.insert(der_plus.size() - 4, "AAAA");
  CHECK(openssl_keys::from_pem(der_plus).has_error());

  // An EC key is a public key, but not RSA.
  const std::string ec = (work_dir() / "ec.pem").string();
  openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", ec});
  const std::string ec_pem = openssl({"pkey", "-in", ec, "-pubout"});
  CHECK(reason_of(openssl_keys::from_pem(ec_pem)) == "pem: is not an RSA public key");
}

TEST_CASE("openssl_keys takes RSA keys of 3072 and 4096 bits and other exponents; refuses 1024") {
  // No structured binding: CAPTURE's lambda cannot capture one under clang++ 14.
  for (auto size : {std::pair{3072u, 65537u}, {4096u, 65537u}, {2048u, 3u}}) {
    const unsigned bits = size.first, exponent = size.second;
    CAPTURE(bits);
    CAPTURE(exponent);
    const cli_key s(bits, exponent);
    std::string sig = s.sign("h.p");
    auto pem = openssl_keys::from_pem(s.public_pem());
    REQUIRE(pem.has_value());
    CHECK(pem->verify("k", "RS256", "h.p", bytes(sig)) == key_check::valid);
    auto jwks = openssl_keys::from_jwks(s.jwks());
    REQUIRE(jwks.has_value());
    CHECK(jwks->verify("ins_cli", "RS256", "h.p", bytes(sig)) == key_check::valid);
  }
  const cli_key small(1024);
  CHECK(reason_of(openssl_keys::from_pem(small.public_pem())) ==
        "pem: is an RSA key of 1024 bits; at least 2048 are required");
  CHECK(jwks_problem(openssl_keys::from_jwks(small.jwks())).find("1024") != std::string::npos);
}

TEST_CASE("openssl_keys from a JWKS finds keys by kid; an unknown kid is unknown_kid") {
  const cli_key a(2048, 65537, "ins_a"), b(2048, 65537, "ins_b");
  auto ja = boost::json::parse(a.jwks()), jb = boost::json::parse(b.jwks());
  ja.as_object()["keys"].as_array().push_back(jb.as_object()["keys"].as_array()[0]);
  auto keys = openssl_keys::from_jwks(boost::json::serialize(ja));
  REQUIRE(keys.has_value());
  CHECK(keys->kids() == std::vector<std::string>{"ins_a", "ins_b"});
  std::string sa = a.sign("h.p"), sb = b.sign("h.p");
  CHECK(keys->verify("ins_a", "RS256", "h.p", bytes(sa)) == key_check::valid);
  CHECK(keys->verify("ins_b", "RS256", "h.p", bytes(sb)) == key_check::valid);
  CHECK(keys->verify("ins_a", "RS256", "h.p", bytes(sb)) == key_check::bad_signature);
  CHECK(keys->verify("ins_c", "RS256", "h.p", bytes(sa)) == key_check::unknown_kid);
  CHECK(keys->verify("", "RS256", "h.p", bytes(sa)) == key_check::unknown_kid);
}

TEST_CASE("openssl_keys skips JWKS keys that are not RSA RS256 signature keys") {
  const auto& s = key2048();
  auto doc = boost::json::parse(s.jwks());
  auto& list = doc.as_object()["keys"].as_array();
  boost::json::object good = list[0].as_object();
  auto with = [&](std::string_view name, boost::json::value v) {
    boost::json::object k = good;
    k[name] = std::move(v);
    k["kid"] = std::string("other_") + std::string(name);
    return k;
  };
  list.push_back(with("alg", "RS384"));
  list.push_back(with("use", "enc"));
  list.push_back(with("kty", "EC"));
  list.push_back(boost::json::object{{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "hmac"}});
  auto keys = openssl_keys::from_jwks(boost::json::serialize(doc));
  REQUIRE(keys.has_value());
  CHECK(keys->kids() == std::vector<std::string>{"ins_cli"});
  std::string sig = s.sign("h.p");
  CHECK(keys->verify("other_alg", "RS256", "h.p", bytes(sig)) == key_check::unknown_kid);
  CHECK(keys->verify("hmac", "RS256", "h.p", bytes(sig)) == key_check::unknown_kid);
}

TEST_CASE("openssl_keys refuses a JWKS that is malformed, empty, ambiguous or has a broken key") {
  const auto& s = key2048();
  auto good = boost::json::parse(s.jwks()).as_object()["keys"].as_array()[0].as_object();
  auto doc = [](boost::json::array keys) {
    return boost::json::serialize(boost::json::object{{"keys", std::move(keys)}});
  };
  CHECK(openssl_keys::from_jwks("").has_error());
  CHECK(openssl_keys::from_jwks(R"({"keys":{}})").has_error());
  jwks_problem(openssl_keys::from_jwks(R"({"keys":[]})"));
  jwks_problem(openssl_keys::from_jwks(doc({good, good})));
  auto broken = [&](std::string_view name, boost::json::value v) {
    boost::json::object k = good;
    k[name] = std::move(v);
    return jwks_problem(openssl_keys::from_jwks(doc({k})));
  };
  broken("e", "");
  broken("e", "AQAB=");
  broken("e", "AQA+");
  broken("e", "AQ");  // e = 1
  std::string n(good["n"].as_string());
  n[n.size() - 1] = n[n.size() - 1] == 'A' ? 'Q' : 'A';  // an even modulus
  CHECK(broken("n", boost::json::value(n)).starts_with("keys[ins_cli]: "));
}

TEST_CASE("one openssl_keys checks signatures from two threads at once") {
  const auto& s = key2048();
  auto keys = openssl_keys::from_jwks(s.jwks());
  REQUIRE(keys.has_value());
  const std::string sig = s.sign("h.p");
  std::string bad = sig;
  bad[0] = static_cast<char>(bad[0] ^ 1);
  std::atomic<int> wrong{0};
  auto work = [&] {
    for (int i = 0; i < 200; ++i) {
      wrong += keys->verify("ins_cli", "RS256", "h.p", bytes(sig)) != key_check::valid;
      wrong += keys->verify("ins_cli", "RS256", "h.p", bytes(bad)) != key_check::bad_signature;
    }
  };
  std::thread t1(work), t2(work);
  t1.join();
  t2.join();
  CHECK(wrong == 0);
}

TEST_CASE("a session JWT the openssl command line signed verifies, and its claims are read") {
  const auto& s = key2048();
  auto keys = openssl_keys::from_jwks(s.jwks());
  REQUIRE(keys.has_value());
  const std::string header = b64url(R"({"alg":"RS256","kid":"ins_cli","typ":"JWT"})");
  const std::string payload =
      b64url(R"({"sub":"user_1","sid":"sess_1","iss":"https://clerk.example.test",)"
             R"("iat":1700000000,"nbf":1699999990,"exp":1700000060,"v":2})");
  const std::string input = header + '.' + payload;
  const std::string token = input + '.' + b64url(s.sign(input));
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1700000010));
  const clerk::verify_options options{.issuer = "https://clerk.example.test"};

  auto claims = clerk::verify_session_token(token, *keys, now, options);
  REQUIRE_MESSAGE(claims.has_value(), claims.error().message());
  CHECK(claims->user_id == "user_1");
  CHECK(claims->session_id == "sess_1");
  CHECK(claims->expires_at.time_since_epoch().count() == 1700000060);
  CHECK(claims->version == 2);

  // The same signature over another payload, or by another key, is refused.
  const std::string other = b64url(R"({"sub":"user_2","sid":"sess_1",)"
                                   R"("iss":"https://clerk.example.test","exp":1700000060})");
  const std::string sig = token.substr(token.rfind('.'));
  for (const std::string& forged :
       {header + '.' + other + sig, input + '.' + b64url(cli_key(2048, 65537).sign(input))}) {
    auto r = clerk::verify_session_token(forged, *keys, now, options);
    REQUIRE(r.has_error());
    REQUIRE(r.error().as_invalid_token() != nullptr);
    CHECK(r.error().as_invalid_token()->reason == clerk::token_reason::token_invalid_signature);
  }
}

// Review 3's finding 5 (f06): one key out of range no longer makes the whole
// set unusable; a token naming it is told why it is refused.
TEST_CASE("a JWKS with a 1024-bit key beside a 2048-bit one keeps the good key") {
  const cli_key good(2048, 65537, "ins_good"), weak(1024, 65537, "ins_legacy");
  auto doc = boost::json::parse(good.jwks());
  doc.as_object()["keys"].as_array().push_back(
      boost::json::parse(weak.jwks()).as_object()["keys"].as_array()[0]);
  auto keys = openssl_keys::from_jwks(boost::json::serialize(doc));
  REQUIRE_MESSAGE(keys.has_value(), keys.error().message());
  CHECK(keys->kids() == std::vector<std::string>{"ins_good"});
  const std::string sg = good.sign("h.p"), sw = weak.sign("h.p");
  CHECK(keys->verify("ins_good", "RS256", "h.p", bytes(sg)) == key_check::valid);
  CHECK(keys->verify("ins_legacy", "RS256", "h.p", bytes(sw)) == key_check::refused_key);
  CHECK(keys->verify("ins_other", "RS256", "h.p", bytes(sw)) == key_check::unknown_kid);
  // Through the verifier: the good key's token passes, the weak key's is
  // jwk-remote-invalid, not a kid mismatch that would ask for a refetch.
  const auto now = std::chrono::system_clock::now();
  const std::string claims =
      R"({"sub":"user_1","sid":"sess_1","iss":"https://clerk.example.com","exp":)" +
      std::to_string(
          std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() + 60) +
      "}";
  CHECK(clerk::verify_session_token(jwt(good, R"({"alg":"RS256","kid":"ins_good"})", claims), *keys,
                                    now));
  auto refused = clerk::verify_session_token(
      jwt(weak, R"({"alg":"RS256","kid":"ins_legacy"})", claims), *keys, now);
  REQUIRE(refused.has_error());
  CHECK(refused.error().as_invalid_token()->reason == clerk::token_reason::jwk_remote_invalid);
  // Two keys sharing a kid: both dropped, the other key kept.
  const cli_key twin(2048, 65537, "ins_good");
  doc.as_object()["keys"].as_array().push_back(
      boost::json::parse(twin.jwks()).as_object()["keys"].as_array()[0]);
  const cli_key other(2048, 65537, "ins_other");
  doc.as_object()["keys"].as_array().push_back(
      boost::json::parse(other.jwks()).as_object()["keys"].as_array()[0]);
  auto shared = openssl_keys::from_jwks(boost::json::serialize(doc));
  REQUIRE(shared.has_value());
  CHECK(shared->kids() == std::vector<std::string>{"ins_other"});
  CHECK(shared->verify("ins_good", "RS256", "h.p", bytes(sg)) == key_check::refused_key);
}

// Review 3's finding 8: the suffix of __session_<suffix>, from the key.
TEST_CASE("cookie_suffix is @clerk/shared's getCookieSuffix of the publishable key") {
  // Fixtures: the pinned @clerk/shared 4.41.0's getCookieSuffix (node, from
  // tests/crosscheck/node_modules) gave these; `printf %s KEY | openssl dgst
  // -sha1 -binary | base64 | tr '+/' '-_' | cut -c1-8` gives the same.
  CHECK(clerk::cookie_suffix("pk_test_Y2xlcmsuZXhhbXBsZS5jb20k").value() == "l2OS3d9k");
  CHECK(clerk::cookie_suffix("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k").value() == "naoXFJnI");
  CHECK(clerk::cookie_suffix("pk_test_Zm9vLWJhci0xMy5jbGVyay5hY2NvdW50cy5kZXYk").value() ==
        "nx2hSE6I");
  auto bad = clerk::cookie_suffix("sk_test_abc");
  REQUIRE(bad.has_error());
  CHECK(bad.error().as_invalid_request()->field == "publishable_key");
}
