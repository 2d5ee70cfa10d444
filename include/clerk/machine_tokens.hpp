// Machine tokens, and the one call that tells a request's caller.
//
// Machines call a server behind Clerk with an M2M token, an API key or an
// OAuth access token; users with a session token. This header verifies the
// JWT kinds networklessly with the keys that verify session tokens (the same
// rules, order and reasons as <clerk/session_tokens.hpp>), sends the opaque
// kinds to the Backend API, and authenticates a request's headers:
//
//   auto who = clerk::authenticate_request(
//       request_headers, verifier, verifier.client(), std::chrono::system_clock::now(),
//       {.accepts = clerk::token_type::session | clerk::token_type::m2m});
//   if (!who) return reply(401, who.error().message());   // "... token-type-mismatch: ..."
//   if (const auto* user = std::get_if<clerk::session_claims>(&*who)) ...;
//   if (const auto* machine = std::get_if<clerk::machine_claims>(&*who)) ...;
//
// What is out of scope: the browser handshake of @clerk/backend's
// authenticateRequest (redirects through the Frontend API when a cookie is
// stale or missing, the __client_uat and dev-browser cookies, satellite
// domains). A browser session's expired cookie is refused here; its page
// gets a fresh one from Clerk's frontend SDK. No I/O of its own: the client
// given sends the opaque tokens; the keys (or a session_verifier, which
// fetches the JWKS through its own client) check signatures.
#ifndef CLERK_MACHINE_TOKENS_HPP
#define CLERK_MACHINE_TOKENS_HPP

#include <clerk/backend/api_keys.hpp>
#include <clerk/backend/m2m_tokens.hpp>
#include <clerk/backend/oauth_access_tokens.hpp>
#include <clerk/detail/decl.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/model.hpp>
#include <clerk/operation.hpp>
#include <clerk/raw_json.hpp>
#include <clerk/result.hpp>
#include <clerk/secret.hpp>
#include <clerk/session_tokens.hpp>
#include <clerk/timestamp.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// The kinds of token a request may carry, as @clerk/backend's TokenType.
enum class token_type { session, m2m, api_key, oauth };

// "session_token", "m2m_token", "api_key", "oauth_token": @clerk/backend's words.
constexpr std::string_view to_string(token_type t) noexcept {
  switch (t) {
    case token_type::m2m:
      return "m2m_token";
    case token_type::api_key:
      return "api_key";
    case token_type::oauth:
      return "oauth_token";
    default:
      return "session_token";
  }
}

// A set of token types: token_type::session | token_type::m2m, or any_token.
class token_types {
 public:
  constexpr token_types(token_type t) noexcept : bits_(bit(t)) {}  // NOLINT: a set of one
  constexpr bool contains(token_type t) const noexcept { return (bits_ & bit(t)) != 0; }
  friend constexpr token_types operator|(token_types a, token_types b) noexcept {
    return token_types(a.bits_ | b.bits_, 0);
  }
  friend constexpr bool operator==(token_types, token_types) = default;
  static constexpr token_types any() noexcept { return token_types(15u, 0); }

 private:
  constexpr token_types(unsigned bits, int) noexcept : bits_(bits) {}
  static constexpr unsigned bit(token_type t) noexcept { return 1u << static_cast<unsigned>(t); }
  unsigned bits_;
};
constexpr token_types operator|(token_type a, token_type b) noexcept {
  return token_types(a) | token_types(b);
}
// Every type: what @clerk/backend's acceptsToken "any" accepts.
inline constexpr token_types any_token = token_types::any();

// What @clerk/backend takes `token` for (getMachineTokenType): "mt_..." or a
// JWT whose payload's sub starts with "mch_" is m2m; else "oat_..." or a JWT
// whose header's typ is "at+jwt" or "application/at+jwt" is oauth; else
// "ak_..." is api_key; anything else (an empty string too) is session. The
// JWT is decoded for that choice only, never trusted.
CLERK_BACKEND_DECL token_type token_type_of(std::string_view token);

struct machine_claims;
namespace detail {
CLERK_BACKEND_DECL void print_machine_claims(std::ostream& os, const machine_claims& c);
}  // namespace detail

// A verified machine: an M2M token's machine, an OAuth access token's user
// and client, or an API key's owner.
struct machine_claims {
  token_type kind = token_type::m2m;     // m2m, oauth or api_key
  std::string id;                        // JWT: "jti" ("" when absent); opaque: "mt_...", ...
  std::string subject;                   // "mch_..." (M2M); "user_..." (OAuth); an API key's owner
  std::optional<std::string> client_id;  // OAuth: the OAuth application's client_id
  // M2M JWT: "scopes" split at spaces, else "aud" (the machines it may
  // call); OAuth JWT: "scp", else "scope" split at spaces; opaque: the
  // answer's scopes. Empty elements of a split are dropped.
  std::vector<std::string> scopes;
  std::optional<std::chrono::sys_seconds>
      expires_at;  // JWT: "exp"; opaque: none when it never expires
  std::optional<std::chrono::sys_seconds> issued_at;   // JWT: "iat"; opaque: created_at
  std::optional<std::chrono::sys_seconds> not_before;  // JWT: "nbf"
  // JWT: every claim but jti, sub, client_id, exp, iat and nbf, as JSON
  // text (iss, aud, scopes, scp, custom claims). Opaque M2M token or API
  // key: its custom "claims" as Clerk returns them ("" when null).
  raw_json other_claims{};

  friend bool operator==(const machine_claims&, const machine_claims&) = default;
  // One line for a log: kind, id, subject, client_id, scopes, expires_at.
  friend std::ostream& operator<<(std::ostream& os, const machine_claims& c) {
    detail::print_machine_claims(os, c);
    return os;
  }
};

struct machine_verify_options {
  // Empty: aud is not checked. Else the token's aud (a string, or an array
  // of strings) must hold one of these, as @clerk/backend's
  // assertOAuthAudienceClaim requires for OAuth tokens; an M2M token
  // without aud is refused too (@clerk/backend lets it through).
  std::vector<std::string> audience{};
  // As verify_options: how far exp, nbf and iat may be off (0 to
  // max_clock_skew, else an invalid_request), and the size cap.
  std::chrono::milliseconds clock_skew{std::chrono::seconds(5)};
  std::size_t max_token_bytes = 8 * 1024;
};

namespace detail {
// A machine JWT's claims as the engine reads them: what machine_claims
// keeps in members, the rest in `others` (read again for the scopes).
struct machine_jwt_claims {
  std::string sub;
  std::optional<std::string> jti, client_id;
  std::chrono::sys_seconds exp = std::chrono::sys_seconds::min();  // min: absent
  std::optional<std::chrono::sys_seconds> iat, nbf;
  raw_json others{};
  static constexpr auto describe() {
    using namespace decl;
    using c = machine_jwt_claims;
    return model("machine_claims", field("sub", &c::sub, absent_in_response), field("jti", &c::jti),
                 field("client_id", &c::client_id), field("exp", &c::exp, absent_in_response),
                 field("iat", &c::iat, never_null), field("nbf", &c::nbf, never_null),
                 other_members(&c::others));
  }
};
// A machine JWT read up to its signature (read_token's counterpart).
struct read_machine_token {
  token_type kind = token_type::m2m;  // m2m or oauth
  std::string_view signing_input;
  std::string kid;
  std::string signature;
  machine_jwt_claims claims;
  std::string claim_problem;
};
CLERK_BACKEND_DECL std::optional<error> check_options(const machine_verify_options& options);
// Size, parts, JSON, the kind (sub "mch_": M2M; typ at+jwt: OAuth; else
// token-type-mismatch), then the header's rules for that kind.
CLERK_BACKEND_DECL result<read_machine_token> read_machine_token_of(
    std::string_view token, const machine_verify_options& options);
// The signature with `keys`, then the claims.
CLERK_BACKEND_DECL result<machine_claims> check_machine_token(
    read_machine_token&& token, const keys_ref& keys, std::chrono::system_clock::time_point now,
    const machine_verify_options& options);

template <class T>
struct is_session_verifier : std::false_type {};
template <class K, class C, class Op>
struct is_session_verifier<session_verifier<K, C, Op>> : std::true_type {};
}  // namespace detail

// The claims of `token` when it is a genuine, current M2M or OAuth access
// token JWT signed by `keys` (a key adapter, as verify_session_token takes;
// or a session_verifier, whose cached JWKS it uses); else an invalid_token
// error (its reason as the session verifier names it), or an invalid_request
// for bad options, or a session_verifier's error getting keys. The rules,
// in order: size; three unpadded base64url parts; header and payload JSON
// objects repeating no member; the kind: a sub starting with "mch_" is an
// M2M token, else typ "at+jwt" or "application/at+jwt" an OAuth one, else
// token-type-mismatch (a session token is one); alg exactly RS256; typ
// (M2M: absent or "JWT"; OAuth: as said); no crit; cat (M2M: absent or
// "cl_B7d4PD333AAA"; OAuth: absent or "cl_I7d4PD111III", no other class's);
// a kid the keys know; the signature; then claim types, sub, aud's type
// and the scope claims' (scopes and scope strings, scp an array of
// strings, aud a string or an array of strings), audience, exp, nbf, iat.
// Pure: `now` is the caller's.
template <class Keys>
requires session_keys<Keys> || detail::is_session_verifier<Keys>::value result<machine_claims>
verify_machine_jwt(std::string_view token, const Keys& keys,
                   std::chrono::system_clock::time_point now,
                   const machine_verify_options& options = {}) {
  auto read = detail::read_machine_token_of(token, options);
  if (!read)
    return std::move(read).error();
  if constexpr (detail::is_session_verifier<Keys>::value) {
    return keys.template with_keys<machine_claims>(read->kid, now, [&](const detail::keys_ref& k) {
      return detail::check_machine_token(std::move(*read), k, now, options);
    });
  } else {
    return detail::check_machine_token(std::move(*read), detail::ref_to(keys), now, options);
  }
}

// ---- opaque tokens: the Backend API ----------------------------------------

namespace detail {
// The claims of an answer, or why it is refused: revoked (token-invalid),
// expired (token-expired), not active (token-invalid).
CLERK_BACKEND_DECL result<machine_claims> machine_claims_of(backend::m2m_token&& answer);
CLERK_BACKEND_DECL result<machine_claims> machine_claims_of(backend::api_key&& answer);
CLERK_BACKEND_DECL result<machine_claims> machine_claims_of_oauth(const raw_json& answer);
// A verify call's failure as @clerk/backend maps it: 401 is
// secret-key-invalid, 404 token-invalid; any other error stays as it is.
CLERK_BACKEND_DECL error machine_api_error(error&& e, token_type type);

template <class Client>
result<machine_claims> verify_opaque(const Client& client, std::string_view token,
                                     token_type type) {
  if (type == token_type::m2m) {
    auto r = client.send(backend::verify_m2m_token{.token = secret(std::string(token))});
    if (!r)
      return machine_api_error(std::move(r).error(), type);
    return machine_claims_of(std::move(*r));
  }
  if (type == token_type::api_key) {
    auto r = client.send(backend::verify_api_key{.secret = secret(std::string(token))});
    if (!r)
      return machine_api_error(std::move(r).error(), type);
    return machine_claims_of(std::move(*r));
  }
  auto r =
      client.send(backend::verify_oauth_access_token{.access_token = secret(std::string(token))});
  if (!r)
    return machine_api_error(std::move(r).error(), type);
  return machine_claims_of_oauth(*r);
}
}  // namespace detail

// ---- a request's caller ------------------------------------------------------

// Who called: a user's session, or a machine.
using caller = std::variant<session_claims, machine_claims>;

struct authenticate_options {
  // The token types the route takes; a token of another type is refused as
  // token-type-mismatch. The default takes users' sessions only, as
  // @clerk/backend's authenticateRequest does.
  token_types accepts = token_type::session;
  // With a key adapter: how session tokens are checked (issuer,
  // authorized_parties, ...; unset, verify_options{}). With a
  // session_verifier, which has its own: leave unset (set, it is an
  // invalid_request, so that options are never silently ignored).
  std::optional<verify_options> session{};
  // How machine JWTs are checked.
  machine_verify_options machine{};
  // Set to read the instance's suffixed cookie (__session_<suffix>) as
  // @clerk/backend chooses it; unset, __session.
  std::optional<cookie_instance> cookies{};
};

namespace detail {
// A request's token and its type, as authenticate_request picks it.
struct request_token {
  std::string token;
  token_type type = token_type::session;
  bool in_header = false;
};
CLERK_BACKEND_DECL result<request_token> request_token_of(
    const header_list& headers, const authenticate_options& options,
    std::chrono::system_clock::time_point now);
// An RFC 7515 compact JWT's shape, as @clerk/backend's isJwtFormat: three
// non-empty parts of base64url characters.
CLERK_BACKEND_DECL bool is_jwt_format(std::string_view token) noexcept;
}  // namespace detail

// Which caller a request is, from its Authorization header ("Bearer <token>",
// read as session_token_from reads it) or, with no token there and session
// tokens accepted, its __session cookie (which carries session tokens only).
//   keys     a session_verifier (the JWKS fetched and cached; its own
//            verify_options apply to session tokens), or a key adapter
//            (clerk::openssl_keys::from_pem: networkless, options.session)
//   client   anything whose send() takes the Backend API's operations
//            (clerk::client): opaque M2M tokens (mt_), API keys (ak_) and
//            OAuth access tokens (oat_) are checked there; JWTs never are
//   now      the caller's clock
// Returns the verified claims; or an invalid_token error whose reason is
// @clerk/backend's: token-type-mismatch (a token of a type not accepted, a
// machine token in the cookie), session-token-missing (sessions accepted,
// no token), "No token in header" (machine tokens only, none in the
// header), secret-key-invalid (the Backend API refused the secret key),
// token-invalid (it does not know the token, or says it is revoked), or a
// verifier's reason; or an invalid_request for bad options; or, when the
// Backend API or the JWKS could not be asked, that error as it is
// (transport, api, unexpected_response): not a verdict on the token.
template <class Keys, class Client>
requires session_keys<Keys> || detail::is_session_verifier<Keys>::value result<caller>
authenticate_request(const header_list& headers, const Keys& keys, const Client& client,
                     std::chrono::system_clock::time_point now,
                     const authenticate_options& options = {}) {
  constexpr bool verifier = detail::is_session_verifier<Keys>::value;
  if (verifier && options.session)
    return error(
        invalid_request{"session", "the session_verifier's own options apply: leave unset"});
  if (auto bad = detail::check_options(options.machine))
    return std::move(*bad);
  auto picked = detail::request_token_of(headers, options, now);
  if (!picked)
    return std::move(picked).error();
  const std::string& token = picked->token;
  if (picked->type == token_type::session) {
    result<session_claims> s = [&] {
      if constexpr (verifier) {
        return keys.verify(token, now);
      } else {
        static const verify_options defaults{};
        return verify_session_token(token, keys, now,
                                    options.session ? *options.session : defaults);
      }
    }();
    if (!s)
      return std::move(s).error();
    return caller(std::move(*s));
  }
  // As @clerk/backend's verifyMachineAuthToken: a JWT's form first.
  auto m = detail::is_jwt_format(token) ? verify_machine_jwt(token, keys, now, options.machine)
                                        : detail::verify_opaque(client, token, picked->type);
  if (!m)
    return std::move(m).error();
  if (m->kind != picked->type)
    return error(invalid_token{token_reason::token_type_mismatch, "Authorization",
                               "verified as " + std::string(to_string(m->kind)) + ", taken for " +
                                   std::string(to_string(picked->type))});
  return caller(std::move(*m));
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/machine_tokens.ipp>
#endif

#endif
