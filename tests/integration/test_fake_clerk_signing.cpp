// The fake Clerk signs for real: session JWTs signed with an RSA key of its
// own (clerk::fakes::openssl_signer), with Clerk's claims, its JWKS served,
// its key rotated. The JWTs are decoded here (base64url and a Boost.JSON DOM
// of the test's own), their signatures and the JWKS's key checked by the
// openssl command line (openssl_cli.hpp), and the library's verifier must
// read the same claims.
#include <clerk/crypto/openssl.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/fakes/openssl_signer.hpp>
#include <clerk/session_tokens.hpp>

#include <clerk/backend.hpp>

#include "openssl_cli.hpp"

#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

using namespace std::chrono_literals;
using clerk::fakes::fake_clerk;
using clerk::fakes::openssl_signer;
namespace json = boost::json;

namespace {

struct signed_fake {
  std::shared_ptr<openssl_signer> signer = std::make_shared<openssl_signer>();
  fake_clerk fake;
  explicit signed_fake(std::size_t rotate_after = 0)
      : fake([&] {
          clerk::fakes::fake_clerk_options o;
          o.signer = signer;
          o.rotate_key_after = rotate_after;
          return o;
        }()) {
    fake.add_user("user_1");
    fake.add_organization("org_1", {"user_1"});
  }
};

clerk::http_request request(clerk::http_method m, std::string target, std::string body = {},
                            std::string token = {}) {
  clerk::http_request r;
  r.method = m;
  r.url = "http://127.0.0.1:1" + target;
  if (!token.empty())
    r.headers.add("Authorization", token);
  if (!body.empty()) {
    r.headers.add("Content-Type", "application/x-www-form-urlencoded");
    r.body = std::move(body);
  }
  return r;
}

clerk::http_response answer(const fake_clerk& fake, const clerk::http_request& r) {
  auto a = fake(r);
  REQUIRE(a.has_value());
  return *a;
}

json::object body_of(const clerk::http_response& r) {
  auto v = json::parse(r.body);
  REQUIRE(v.is_object());
  return v.as_object();
}

// A ticket from the Backend API: a sign-in token's, or an actor token's.
std::string ticket(const fake_clerk& fake, std::string_view body, std::string_view what) {
  clerk::http_request r;
  r.method = clerk::http_method::post;
  r.url = "http://127.0.0.1:1/v1/" + std::string(what);
  r.body = std::string(body);
  r.headers.add("Authorization", "Bearer " + fake.secret_key());
  r.headers.add("Content-Type", "application/json");
  auto a = answer(fake, r);
  REQUIRE(a.status == 200);
  return std::string(body_of(a)["token"].as_string());
}

struct signed_in {
  std::string client_token, session_id;
};

// A native client signs in with `t`: its client token and session id.
signed_in sign_in(const fake_clerk& fake, const std::string& t) {
  auto r = answer(fake, request(clerk::http_method::post, "/v1/client/sign_ins?_is_native=1",
                                "strategy=ticket&ticket=" + t));
  REQUIRE(r.status == 200);
  auto b = body_of(r);
  return {std::string(*r.headers.find("authorization")),
          std::string(b["response"].as_object()["created_session_id"].as_string())};
}

std::string session_jwt(const fake_clerk& fake, const signed_in& s, std::string body = {}) {
  auto r = answer(fake, request(clerk::http_method::post,
                                "/v1/client/sessions/" + s.session_id + "/tokens?_is_native=1",
                                std::move(body), s.client_token));
  REQUIRE(r.status == 200);
  return std::string(body_of(r)["jwt"].as_string());
}

std::string b64url_decode(std::string_view in) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
            : c == '_'             ? 63
                                   : -1;
    REQUIRE(v >= 0);
    acc = (acc << 6) | unsigned(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  return out;
}

struct parts {
  json::object header, claims;
  std::string input, signature;
};
parts split(std::string_view jwt) {
  auto a = jwt.find('.'), b = jwt.rfind('.');
  REQUIRE(a != b);
  return {json::parse(b64url_decode(jwt.substr(0, a))).as_object(),
          json::parse(b64url_decode(jwt.substr(a + 1, b - a - 1))).as_object(),
          std::string(jwt.substr(0, b)), b64url_decode(jwt.substr(b + 1))};
}

clerk::key_check check(const clerk::openssl_keys& keys, const parts& p) {
  return keys.verify(
      std::string(p.header.at("kid").as_string()), "RS256", p.input,
      {reinterpret_cast<const unsigned char*>(p.signature.data()), p.signature.size()});
}

std::chrono::system_clock::time_point now_of(const fake_clerk& fake) {
  return std::chrono::system_clock::time_point(fake.now().time_since_epoch());
}

}  // namespace

TEST_CASE("the fake signs a session JWT RS256 with its key, with Clerk's v2 claims") {
  signed_fake f;
  auto s = sign_in(f.fake, ticket(f.fake, R"({"user_id":"user_1"})", "sign_in_tokens"));
  auto p = split(session_jwt(f.fake, s));
  CHECK(p.header == json::object{{"alg", "RS256"}, {"kid", f.signer->kid()}, {"typ", "JWT"}});
  // The signature, judged outside the library, then by it.
  CHECK(clerk_test::openssl_verifies(f.signer->public_pem(), p.input, p.signature));
  CHECK_FALSE(clerk_test::openssl_verifies(f.signer->public_pem(), p.input + "x", p.signature));
  auto pem = clerk::openssl_keys::from_pem(f.signer->public_pem());
  REQUIRE(pem.has_value());
  CHECK(check(*pem, p) == clerk::key_check::valid);
  const std::int64_t iat = f.fake.now().time_since_epoch().count() / 1000;
  CHECK(p.claims == json::object{{"iss", "https://clerk.fake-clerk.test"},
                                 {"sub", "user_1"},
                                 {"sid", s.session_id},
                                 {"iat", iat},
                                 {"nbf", iat - 10},
                                 {"exp", iat + 60},
                                 {"v", 2}});
}

TEST_CASE("the fake serves its JWKS at /v1/jwks with the secret key and at the well-known path") {
  signed_fake f;
  auto bapi = request(clerk::http_method::get, "/v1/jwks", {}, "Bearer " + f.fake.secret_key());
  auto a = answer(f.fake, bapi);
  CHECK(a.status == 200);
  CHECK(a.body == f.signer->jwks());
  CHECK(answer(f.fake, request(clerk::http_method::get, "/v1/jwks")).status == 401);
  CHECK(answer(f.fake, request(clerk::http_method::get, "/v1/jwks", {}, "Bearer sk_test_other"))
            .status == 401);
  auto well_known = answer(f.fake, request(clerk::http_method::get, "/.well-known/jwks.json"));
  CHECK(well_known.status == 200);
  CHECK(well_known.body == f.signer->jwks());
  auto keys = json::parse(a.body).as_object()["keys"].as_array();
  REQUIRE(keys.size() == 1);
  CHECK(keys[0].as_object()["kid"].as_string() == f.signer->kid());
  CHECK(keys[0].as_object()["e"] == "AQAB");
  // The modulus of the key that signs, as the openssl command line reads it.
  const std::string n = b64url_decode(keys[0].as_object()["n"].as_string());
  CHECK(n.size() == 256);  // 2048 bits
  CHECK(n == clerk_test::openssl_modulus(f.signer->public_pem()));
}

TEST_CASE("the fake without a signer serves an empty JWKS and still mints made-up JWTs") {
  fake_clerk fake;
  CHECK(fake.jwks() == R"({"keys":[]})");
  auto a = answer(fake, request(clerk::http_method::get, "/.well-known/jwks.json"));
  CHECK(a.body == R"({"keys":[]})");
  fake.rotate_signing_key();  // nothing to rotate: no effect
  CHECK(fake.jwks() == R"({"keys":[]})");
}

TEST_CASE("a browser's request (Origin and the __client cookie) yields a JWT with azp") {
  signed_fake f;
  auto s = sign_in(f.fake, ticket(f.fake, R"({"user_id":"user_1"})", "sign_in_tokens"));
  auto r = request(clerk::http_method::post, "/v1/client/sessions/" + s.session_id + "/tokens");
  r.headers.add("Origin", "https://app.example.com");
  r.headers.add("Cookie", "theme=dark; __client=" + s.client_token.substr(7));
  auto a = answer(f.fake, r);
  REQUIRE(a.status == 200);
  auto p = split(std::string(body_of(a)["jwt"].as_string()));
  CHECK(p.claims["azp"] == "https://app.example.com");
  // Without the cookie the browser is signed out.
  auto bare = request(clerk::http_method::post, "/v1/client/sessions/" + s.session_id + "/tokens");
  bare.headers.add("Origin", "https://app.example.com");
  CHECK(answer(f.fake, bare).status == 401);
}

TEST_CASE("a session with an organization carries o; one from an actor token carries act") {
  signed_fake f;
  auto org =
      sign_in(f.fake, ticket(f.fake, R"({"user_id":"user_1","org_id":"org_1"})", "sign_in_tokens"));
  auto o = split(session_jwt(f.fake, org)).claims;
  CHECK(o["o"] == json::object{{"id", "org_1"}, {"rol", "member"}});
  CHECK_FALSE(o.contains("act"));

  auto acted = sign_in(f.fake, ticket(f.fake,
                                      R"({"user_id":"user_1","actor":{"sub":"user_admin",)"
                                      R"("iss":"https://dashboard.clerk.com"}})",
                                      "actor_tokens"));
  auto a = split(session_jwt(f.fake, acted)).claims;
  CHECK(a["sub"] == "user_1");
  CHECK(a["act"] == json::object{{"sub", "user_admin"}, {"iss", "https://dashboard.clerk.com"}});
}

TEST_CASE("an actor token's ticket signs in once, and not once revoked") {
  signed_fake f;
  auto t = ticket(f.fake, R"({"user_id":"user_1","actor":{"sub":"user_admin"}})", "actor_tokens");
  sign_in(f.fake, t);
  auto again = answer(f.fake, request(clerk::http_method::post, "/v1/client/sign_ins?_is_native=1",
                                      "strategy=ticket&ticket=" + t));
  CHECK(again.status == 400);
}

TEST_CASE("the fake's session JWTs verify with the keys of the JWKS it serves") {
  signed_fake f;
  auto keys = clerk::openssl_keys::from_jwks(f.fake.jwks());
  REQUIRE(keys.has_value());
  auto s = sign_in(f.fake, ticket(f.fake, R"({"user_id":"user_1"})", "sign_in_tokens"));
  auto jwt = session_jwt(f.fake, s);
  const auto p = split(jwt);
  CHECK(check(*keys, p) == clerk::key_check::valid);
  auto claims = clerk::verify_session_token(jwt, *keys, now_of(f.fake),
                                            {.issuer = "https://clerk.fake-clerk.test"});
  REQUIRE(claims.has_value());
  // What the verifier read is what the token says (decoded here).
  CHECK(claims->user_id == "user_1");
  CHECK(claims->user_id == p.claims.at("sub").as_string());
  CHECK(claims->session_id == s.session_id);
  CHECK(claims->session_id == p.claims.at("sid").as_string());
  CHECK(claims->issuer == p.claims.at("iss").as_string());
  CHECK(claims->expires_at.time_since_epoch().count() == p.claims.at("exp").as_int64());
  REQUIRE(claims->issued_at.has_value());
  CHECK(claims->issued_at->time_since_epoch().count() == p.claims.at("iat").as_int64());
  REQUIRE(claims->not_before.has_value());
  CHECK(claims->not_before->time_since_epoch().count() == p.claims.at("nbf").as_int64());
  CHECK(claims->version == 2);
  CHECK(claims->version == p.claims.at("v").as_int64());
}

TEST_CASE("after a rotation the fake signs with a new kid, and its JWKS lists only the new key") {
  signed_fake f;
  auto s = sign_in(f.fake, ticket(f.fake, R"({"user_id":"user_1"})", "sign_in_tokens"));
  auto before = split(session_jwt(f.fake, s));
  auto old_keys = clerk::openssl_keys::from_jwks(f.fake.jwks());
  REQUIRE(old_keys.has_value());
  f.fake.rotate_signing_key();
  auto after = split(session_jwt(f.fake, s));
  CHECK(after.header["kid"] != before.header["kid"]);
  CHECK(after.header["kid"].as_string() == f.signer->kid());
  auto new_keys = clerk::openssl_keys::from_jwks(f.fake.jwks());
  REQUIRE(new_keys.has_value());
  CHECK(check(*new_keys, after) == clerk::key_check::valid);
  CHECK(clerk_test::openssl_verifies(f.signer->public_pem(), after.input, after.signature));
  CHECK_FALSE(clerk_test::openssl_verifies(f.signer->public_pem(), before.input, before.signature));
  CHECK(check(*new_keys, before) == clerk::key_check::unknown_kid);
  CHECK(check(*old_keys, after) == clerk::key_check::unknown_kid);
}

TEST_CASE("rotate_key_after N: every N session JWTs the key changes") {
  signed_fake f(2);
  auto s = sign_in(f.fake, ticket(f.fake, R"({"user_id":"user_1"})", "sign_in_tokens"));
  std::string kids[5];
  for (auto& k : kids)
    k = std::string(split(session_jwt(f.fake, s)).header["kid"].as_string());
  CHECK(kids[0] == kids[1]);
  CHECK(kids[1] != kids[2]);
  CHECK(kids[2] == kids[3]);
  CHECK(kids[3] != kids[4]);
}
