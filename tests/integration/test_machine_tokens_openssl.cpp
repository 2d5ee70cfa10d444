// Machine tokens for real: the fake Clerk mints M2M and OAuth access token
// JWTs with an RSA key of its own (clerk::fakes::openssl_signer) and answers
// the Backend API's three verify endpoints; the library checks them with
// clerk::openssl_keys (from the JWKS or the PEM), through a session_verifier
// that fetches the fake's JWKS, and through authenticate_request, beside a
// session JWT from a ticket sign-in.
#include <clerk/machine_tokens.hpp>

#include <clerk/authorization.hpp>
#include <clerk/backend.hpp>
#include <clerk/crypto/openssl.hpp>
#include <clerk/fakes/fake_clerk.hpp>
#include <clerk/fakes/openssl_signer.hpp>
#include <clerk/frontend/sign_in.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <variant>

using namespace std::chrono_literals;

namespace {

struct machine_fake {
  std::shared_ptr<clerk::fakes::openssl_signer> signer =
      std::make_shared<clerk::fakes::openssl_signer>();
  clerk::fakes::fake_clerk fake{[this] {
    clerk::fakes::fake_clerk_options o;
    o.signer = signer;
    return o;
  }()};
  clerk::client<clerk::fakes::fake_clerk> backend{
      *clerk::config::make({.secret_key = fake.secret_key()}), fake};
  std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::time_point(fake.now());
  }
};

clerk::header_list bearer(const std::string& token) {
  clerk::header_list h;
  h.add("Authorization", "Bearer " + token);
  return h;
}

std::string reason_of(const clerk::error& e) {
  return e.as_invalid_token() ? std::string(clerk::to_string(e.as_invalid_token()->reason))
                              : e.message();
}

}  // namespace

TEST_CASE("the fake's M2M and OAuth JWTs verify with its JWKS and its PEM, tampered ones do not") {
  machine_fake f;
  auto by_kid = clerk::openssl_keys::from_jwks(f.fake.jwks());
  auto by_pem = clerk::openssl_keys::from_pem(f.signer->public_pem());
  REQUIRE(by_kid.has_value());
  REQUIRE(by_pem.has_value());
  const std::string m2m = f.fake.m2m_jwt("mch_1", {"mch_2", "mch_3"}, 1h, R"({"tier":"gold"})");
  const std::string oauth = f.fake.oauth_jwt("user_1", "client_1", {"email", "profile"});
  for (const auto* keys : {&*by_kid, &*by_pem}) {
    auto m = clerk::verify_machine_jwt(m2m, *keys, f.now());
    REQUIRE_MESSAGE(m.has_value(), m.error().message());
    CHECK(m->kind == clerk::token_type::m2m);
    CHECK(m->subject == "mch_1");
    CHECK(m->id.starts_with("mt_"));
    CHECK(m->scopes == std::vector<std::string>{"mch_2", "mch_3"});
    CHECK(m->other_claims.text().find(R"("tier":"gold")") != std::string_view::npos);
    auto o = clerk::verify_machine_jwt(oauth, *keys, f.now());
    REQUIRE_MESSAGE(o.has_value(), o.error().message());
    CHECK(o->kind == clerk::token_type::oauth);
    CHECK(o->client_id == "client_1");
    CHECK(o->scopes == std::vector<std::string>{"email", "profile"});
  }
  std::string tampered = m2m;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  auto t = clerk::verify_machine_jwt(tampered, *by_kid, f.now());
  REQUIRE(t.has_error());
  CHECK(reason_of(t.error()) != "ok");
  CHECK(reason_of(clerk::verify_machine_jwt(m2m, *by_kid, f.now() + 2h).error()) ==
        "token-expired");
  // A new key: the old JWKS knows neither the new kid nor signature.
  f.fake.rotate_signing_key();
  const std::string after = f.fake.m2m_jwt("mch_1");
  CHECK(reason_of(clerk::verify_machine_jwt(after, *by_kid, f.now()).error()) ==
        "jwk-kid-mismatch");
  CHECK(reason_of(clerk::verify_machine_jwt(after, *by_pem, f.now()).error()) ==
        "token-invalid-signature");
}

TEST_CASE("one session_verifier serves users and machines: the JWKS fetched once") {
  machine_fake f;
  f.fake.add_user("user_1");
  using verifier_t = clerk::session_verifier<clerk::openssl_keys, decltype(f.backend)>;
  const verifier_t verifier(f.backend);
  // A user's session JWT, from a ticket redeemed as a native client does.
  auto sit = f.backend.send(clerk::create_sign_in_token{.user_id = "user_1"});
  REQUIRE(sit.has_value());
  auto fapi = clerk::frontend::frontend_config::make({.frontend_api_url = "http://127.0.0.1:1"});
  REQUIRE(fapi.has_value());
  clerk::frontend::client_token client_token;
  auto session = clerk::frontend::consume_ticket(clerk::client(*fapi, f.fake), client_token,
                                                 clerk::secret(std::string(sit->token->reveal())));
  REQUIRE_MESSAGE(session.has_value(), session.error().message());
  const std::string session_jwt(session->jwt.reveal());

  const auto requests_before = f.fake.request_count();
  const clerk::authenticate_options any{.accepts = clerk::any_token};
  auto user = clerk::authenticate_request(bearer(session_jwt), verifier, f.backend, f.now(), any);
  REQUIRE_MESSAGE(user.has_value(), user.error().message());
  CHECK(std::get<clerk::session_claims>(*user).user_id == "user_1");
  CHECK(clerk::has(std::get<clerk::session_claims>(*user),
                   {.reverification = clerk::reverification_policy::lax}) == false);  // no fva

  auto machine = clerk::authenticate_request(bearer(f.fake.m2m_jwt("mch_7", {"mch_8"})), verifier,
                                             f.backend, f.now(), any);
  REQUIRE_MESSAGE(machine.has_value(), machine.error().message());
  CHECK(std::get<clerk::machine_claims>(*machine).subject == "mch_7");
  auto oauth = clerk::authenticate_request(bearer(f.fake.oauth_jwt("user_1", "client_1")), verifier,
                                           f.backend, f.now(), any);
  REQUIRE_MESSAGE(oauth.has_value(), oauth.error().message());
  CHECK(std::get<clerk::machine_claims>(*oauth).client_id == "client_1");
  // The JWKS fetch, and nothing else: JWTs are checked here.
  CHECK(f.fake.request_count() == requests_before + 1);

  // Opaque tokens go to the Backend API, one request each.
  for (const std::string& token :
       {f.fake.create_m2m_token("mch_7", {"mch_8"}), f.fake.create_api_key("user_1", {"read"}),
        f.fake.create_oauth_access_token("user_1", "client_1", {"email"})}) {
    auto r = clerk::authenticate_request(bearer(token), verifier, f.backend, f.now(), any);
    REQUIRE_MESSAGE(r.has_value(), r.error().message());
    CHECK(std::get<clerk::machine_claims>(*r).kind == clerk::token_type_of(token));
  }
  CHECK(f.fake.request_count() == requests_before + 4);

  // The route for machines only refuses the user, and a session-only one the machines.
  auto refused = clerk::authenticate_request(bearer(session_jwt), verifier, f.backend, f.now(),
                                             {.accepts = clerk::token_type::m2m});
  REQUIRE(refused.has_error());
  CHECK(reason_of(refused.error()) == "token-type-mismatch");
  refused =
      clerk::authenticate_request(bearer(f.fake.m2m_jwt("mch_7")), verifier, f.backend, f.now());
  REQUIRE(refused.has_error());
  CHECK(reason_of(refused.error()) == "token-type-mismatch");
}
