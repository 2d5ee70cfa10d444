// Session tokens: verifying the JWT a Clerk session carries, networkless.
//
// The core decodes the token, checks its header and claims, and asks a key
// adapter (a type satisfying clerk::session_keys) whether the signature is
// right: that is the one place crypto lives (<clerk/crypto/openssl.hpp>, or
// the user's own over mbedTLS or a hardware module). Nothing here reads a
// clock, opens a socket or links a crypto library. Never included by
// <clerk/backend.hpp>, so that a translation unit that does not verify does
// not compile it.
//
//   auto claims = clerk::verify_session_token(token, keys, std::chrono::system_clock::now(),
//                                             {.issuer = "https://clerk.example.com"});
//   if (!claims) log(claims.error().message());  // "invalid token: token-expired: exp: ..."
#ifndef CLERK_SESSION_TOKENS_HPP
#define CLERK_SESSION_TOKENS_HPP

#include <clerk/config.hpp>
#include <clerk/detail/decl.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/model.hpp>
#include <clerk/operation.hpp>
#include <clerk/publishable_key.hpp>
#include <clerk/raw_json.hpp>
#include <clerk/result.hpp>
#include <clerk/version.hpp>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// ---- keys: the one place crypto lives -------------------------------------

// What a key adapter says of one signature. refused_key: the adapter's keys
// list this kid, but its key was skipped as out of range (rs256_keys).
enum class key_check { valid, bad_signature, unknown_kid, unsupported_alg, refused_key };

// A key adapter: checks `signature` (base64url-decoded) over `signing_input`
// ("header.payload" as sent) with its key `kid` for algorithm `alg`. The
// verifier calls it only with alg "RS256". A verifier that fetches keys
// (session_verifier) also builds one with
//   static clerk::result<K> K::from_jwks(const clerk::jwks&);
template <class K>
concept session_keys = requires(const K& k, std::string_view kid, std::string_view alg,
                                std::string_view signing_input,
                                std::span<const unsigned char> signature) {
  { k.verify(kid, alg, signing_input, signature) } -> std::same_as<key_check>;
};

// ---- JWKS -----------------------------------------------------------------

// One JSON Web Key as Clerk's JWKS lists it. Every member is optional here:
// the set may hold EC, Ed25519 or symmetric keys, which are skipped.
struct json_web_key {
  std::optional<std::string> kid, kty, alg, use, n, e;

  friend bool operator==(const json_web_key&, const json_web_key&) = default;
  static constexpr auto describe() {
    using namespace decl;
    using k = json_web_key;
    return model("json_web_key", field("kid", &k::kid), field("kty", &k::kty),
                 field("alg", &k::alg), field("use", &k::use), field("n", &k::n),
                 field("e", &k::e));
  }
  friend std::ostream& operator<<(std::ostream& os, const json_web_key& k) { return print(os, k); }
};

// A JSON Web Key Set: GET /v1/jwks (Backend API) or /.well-known/jwks.json
// (Frontend API).
struct jwks {
  std::vector<json_web_key> keys;

  friend bool operator==(const jwks&, const jwks&) = default;
  static constexpr auto describe() {
    using namespace decl;
    return model("jwks", field("keys", &jwks::keys));
  }
  friend std::ostream& operator<<(std::ostream& os, const jwks& j) { return print(os, j); }
};

// GET /jwks on the Backend API (with the secret key): the instance's keys.
struct get_jwks {
  using response_type = jwks;
  static constexpr auto describe() {
    using namespace decl;
    return endpoint(http_method::get, path("/jwks"), idempotent);
  }
  friend bool operator==(const get_jwks&, const get_jwks&) = default;
};

// GET /.well-known/jwks.json on the Frontend API: the same keys, no secret.
// Build it against a Frontend API configuration, whose base URL is the
// Frontend API's origin (the path is not under /v1).
struct get_frontend_jwks {
  using response_type = jwks;
  static constexpr auto describe() {
    using namespace decl;
    return endpoint(http_method::get, path("/.well-known/jwks.json"), idempotent);
  }
  friend bool operator==(const get_frontend_jwks&, const get_frontend_jwks&) = default;
};

// A JWKS document's text (a file, CLERK_JWKS), parsed by the one engine.
CLERK_BACKEND_DECL result<jwks> parse_jwks(std::string_view json,
                                           const response_limits& limits = {});

// An RSA public key for RS256, decoded from a JWK: what a key adapter loads.
struct rsa_public_key {
  std::string kid;
  std::vector<unsigned char> n;  // the modulus, big-endian, no leading zero byte
  std::vector<unsigned char> e;  // the public exponent, big-endian, no leading zero byte
  friend bool operator==(const rsa_public_key&, const rsa_public_key&) = default;
};

// The smallest RSA modulus accepted (RFC 7518 §3.3).
inline constexpr std::size_t min_rsa_bits = 2048;

// A key of a usable kind (kty "RSA", alg "RS256" or absent, use "sig" or
// absent) whose values are out of the supported range, skipped as RFC 7517
// §5 says: the set's other keys stay usable.
struct skipped_key {
  std::string kid;    // empty when the key has none
  std::string where;  // the member at fault: "keys[1].n"
  std::string why;    // "an RSA modulus of 1024 bits, under 2048"
  friend bool operator==(const skipped_key&, const skipped_key&) = default;
};

// The keys of `set` a session token can be signed with: kty "RSA", alg
// "RS256" or absent, use "sig" or absent. Other kinds are ignored. A key of
// that kind is skipped, and listed in `*skipped` when given, when it has no
// kid, its n or e is not base64url, its modulus is under min_rsa_bits, its
// exponent is not odd and above 1 (at most 64 bits), or its kid is shared by
// another such key (every key of that kid is skipped). An error of kind
// invalid_token (jwk_remote_invalid) only when no key is left, naming the
// first skipped key's problem when there was one.
CLERK_BACKEND_DECL result<std::vector<rsa_public_key>> rs256_keys(
    const jwks& set, std::vector<skipped_key>* skipped = nullptr);

// ---- claims ---------------------------------------------------------------

// A session token's "sts": active or pending (an organization must be chosen);
// anything else is unknown, its text kept.
class session_token_status : public open_enum<session_token_status> {
 public:
  enum class kind { unknown, active, pending };
  static constexpr kind unknown = kind::unknown, active = kind::active, pending = kind::pending;
  static constexpr std::string_view names[] = {"active", "pending"};
  using open_enum::open_enum;
};

// The active organization: a v2 token's "o", or a v1 token's org_id,
// org_role, org_slug and org_permissions, read as @clerk/shared reads them
// (__experimental_JWTPayloadToAuthObjectProperties).
struct organization_claims {
  std::string id;                                       // "id": "org_..."; v1: org_id
  std::string role;                                     // "rol": "admin"; v1: org_role less "org:"
  std::optional<std::string> slug;                      // "slg"; v1: org_slug
  std::optional<std::string> permission_names;          // "per": "manage,read" (v2 only)
  std::optional<std::string> feature_permission_masks;  // "fpm": "3,2", decimal, any size (v2)
  raw_json other_claims{};                              // any other member of "o"
  // Not on the wire: "org:<feature>:<permission>", in fea's then per's order.
  // v2: the i-th mask of fpm goes with the i-th organization feature of the
  // token's fea (scope "o", "ou" or "uo"), and its bit k grants the k-th name
  // of per; elements are trimmed, bits beyond per's names are ignored and a
  // mask that is not decimal grants nothing. v1: org_permissions as it is.
  std::vector<std::string> permissions{};

  friend bool operator==(const organization_claims&, const organization_claims&) = default;
  static constexpr auto describe() {
    using namespace decl;
    using o = organization_claims;
    return model("organization", field("id", &o::id, absent_in_response),
                 field("rol", &o::role, absent_in_response), field("slg", &o::slug),
                 field("per", &o::permission_names), field("fpm", &o::feature_permission_masks),
                 other_members(&o::other_claims));
  }
};

// Who acts for the user when a session is impersonated ("act").
struct session_actor {
  std::string sub;                 // the acting user (or agent)
  std::optional<std::string> iss;  // e.g. "https://dashboard.clerk.com"
  std::optional<std::string> sid;  // the actor's session
  raw_json other_claims{};         // the actor token's other members, as Clerk copies them

  friend bool operator==(const session_actor&, const session_actor&) = default;
  static constexpr auto describe() {
    using namespace decl;
    using a = session_actor;
    return model("actor", field("sub", &a::sub, absent_in_response), field("iss", &a::iss),
                 field("sid", &a::sid), other_members(&a::other_claims));
  }
};

// The claims of a verified Clerk session token (v2; v1 reads as version 1).
struct session_claims {
  std::string user_id;                                 // "sub": "user_..."
  std::string session_id;                              // "sid": "sess_..."
  std::string issuer;                                  // "iss": the Frontend API URL
  std::optional<std::string> authorized_party;         // "azp": the origin that minted it
  std::chrono::sys_seconds expires_at{};               // "exp"
  std::optional<std::chrono::sys_seconds> issued_at;   // "iat"
  std::optional<std::chrono::sys_seconds> not_before;  // "nbf"
  std::int64_t version = 1;                            // "v"; absent in v1
  session_token_status session_status;                 // "sts"
  // "fva": minutes since the first and second factor were verified, -1 for
  // never (none when absent).
  std::vector<std::int64_t> factor_verification_age;
  std::optional<std::string> features;  // "fea": "o:dashboard,u:teams"
  std::optional<std::string> plans;     // "pla": "u:free,o:pro", the billing plans
  std::optional<session_actor> actor;   // "act"
  // Every other claim as JSON text (jti, custom claims), the
  // organization's as they came included: v2's "o", v1's "org_*".
  raw_json other_claims{};
  // Not a member of its own on the wire: read from "o" when version is 2,
  // else from org_id (present: an organization), org_role, org_slug and
  // org_permissions. A v1 token's "o" is a custom claim, left in other_claims.
  std::optional<organization_claims> organization{};

  friend bool operator==(const session_claims&, const session_claims&) = default;
  static constexpr auto describe() {
    using namespace decl;
    using c = session_claims;
    // Presence of sub, sid, iss and exp is checked by the verifier, in its
    // order; the parser checks types.
    return model(
        "session_claims", field("sub", &c::user_id, absent_in_response),
        field("sid", &c::session_id, absent_in_response),
        field("iss", &c::issuer, absent_in_response), field("azp", &c::authorized_party),
        field("exp", &c::expires_at, absent_in_response), field("iat", &c::issued_at, never_null),
        field("nbf", &c::not_before, never_null), field("v", &c::version, absent_in_response),
        field("sts", &c::session_status, absent_in_response),
        field("fva", &c::factor_verification_age, absent_in_response), field("fea", &c::features),
        field("pla", &c::plans), field("act", &c::actor), other_members(&c::other_claims));
  }
  // One line for a log, token-shaped strings redacted.
  friend std::ostream& operator<<(std::ostream& os, const session_claims& c) {
    return print(os, c);
  }
};

// ---- verification ---------------------------------------------------------

// The largest clock_skew accepted: beyond it time checks mean little, and
// the arithmetic on the token's times stays far from overflow.
inline constexpr std::chrono::milliseconds max_clock_skew = std::chrono::hours(24);

struct verify_options {
  // Empty: azp is not checked. Else azp is required and must be one of these
  // origins exactly ("https://app.example.com"). A native client's session
  // (consume_ticket) carries no azp: set this only for browser sessions.
  std::vector<std::string> authorized_parties{};
  // The instance's Frontend API URL ("https://clerk.example.com", as
  // parse_publishable_key gives it); when set, iss must be exactly this, so
  // another instance's tokens are refused. Empty: iss is not checked.
  std::string issuer{};
  // How far exp, nbf and iat may be off: @clerk/backend's default. Outside 0
  // to max_clock_skew it is an invalid_request.
  std::chrono::milliseconds clock_skew{std::chrono::seconds(5)};
  // A session waiting for an organization choice (sts "pending") is refused
  // unless this is set, as Clerk's SDKs treat it as signed out.
  bool accept_pending_sessions = false;
  // Larger tokens are refused before anything is decoded. Clerk's cookie
  // holds about 4 KB.
  std::size_t max_token_bytes = 8 * 1024;
};

namespace detail {
// A key adapter, type-erased: the verifier is compiled once for all of them.
struct keys_ref {
  const void* self;
  key_check (*verify)(const void* self, std::string_view kid, std::string_view alg,
                      std::string_view signing_input, std::span<const unsigned char> signature);
};
// A session token read up to its signature: everything checked before a key
// is needed (size, parts, header, kid, the claims' JSON), so that a verifier
// fetches keys for well-formed tokens only.
struct read_token {
  std::string_view signing_input;  // "header.payload" as sent
  std::string kid;
  std::string signature;  // decoded
  session_claims claims;
  std::string claim_problem;  // a claim of the wrong type, told after the signature
};
// Compares `s` seconds with `ms` milliseconds, whatever their values: <0, 0, >0.
CLERK_BACKEND_DECL int compare_seconds_ms(std::int64_t s, std::int64_t ms) noexcept;
// The options' first problem as an invalid_request, or nullopt.
CLERK_BACKEND_DECL std::optional<error> check_options(const verify_options& options);
// Steps 1 to 7 of verify_session_token (`options` checked first).
CLERK_BACKEND_DECL result<read_token> read_session_token(std::string_view token,
                                                         const verify_options& options);
// The signature with `keys`, then the claims.
CLERK_BACKEND_DECL result<session_claims> check_session_token(
    read_token&& token, const keys_ref& keys, std::chrono::system_clock::time_point now,
    const verify_options& options);
template <session_keys Keys>
keys_ref ref_to(const Keys& keys) {
  return {&keys, [](const void* self, std::string_view kid, std::string_view alg,
                    std::string_view input, std::span<const unsigned char> sig) {
            return static_cast<const Keys*>(self)->verify(kid, alg, input, sig);
          }};
}
}  // namespace detail

// The claims of `token` when it is a genuine, current session token of the
// instance whose keys are `keys`; else an invalid_token error (its reason as
// @clerk/backend names it) or, for bad options, an invalid_request. The
// rules, in order: size; three base64url parts, unpadded; header and payload
// JSON objects that repeat no member at any depth; alg exactly RS256; typ
// absent or "JWT"; no crit; no machine-token category or "mch_" subject; a
// kid the keys know (a key they skipped: jwk-remote-invalid); the signature;
// then sub, sid, azp, iss, exp (expired when exp <= now - skew), nbf, iat,
// sts, the organization's claims. Claim types are read only after the
// signature. Pure: `now` is the caller's.
template <session_keys Keys>
result<session_claims> verify_session_token(std::string_view token, const Keys& keys,
                                            std::chrono::system_clock::time_point now,
                                            const verify_options& options = {}) {
  auto read = detail::read_session_token(token, options);
  if (!read)
    return std::move(read).error();
  return detail::check_session_token(std::move(*read), detail::ref_to(keys), now, options);
}

// The session token of a request as @clerk/backend finds it: the
// Authorization header's, which wins ("Bearer <token>", or a value of one
// word; the first word after "Bearer " only), else the __session cookie's,
// read as the `cookie` package does: the first __session even when empty,
// spaces and tabs around names and values trimmed, percent-decoded when the
// escapes are valid UTF-8 (else kept as sent). Empty when there is none.
CLERK_BACKEND_DECL std::string session_token_from(const header_list& headers);

// What @clerk/backend knows of an instance when it reads session cookies on
// a host that may serve several Clerk instances (localhost in development):
// each instance's browser then also holds __session_<suffix>.
struct cookie_instance {
  publishable_key key;  // parse_publishable_key(pk): the Frontend API host, the instance type
  std::string suffix;   // clerk::cookie_suffix(pk) of <clerk/crypto/openssl.hpp> (SHA-1)
};

// As above, but the cookie is __session_<suffix> instead of __session when
// @clerk/backend's usesSuffixedCookies says so: when __session holds another
// instance's token (its iss is not the key's Frontend API), or the suffixed
// cookies are there and newer by their __client_uat and iat (`now` decides
// whether a development instance's suffixed token has expired). The tokens
// are decoded for that choice only, never trusted: verify the one returned.
CLERK_BACKEND_DECL std::string session_token_from(const header_list& headers,
                                                  const cookie_instance& instance,
                                                  std::chrono::system_clock::time_point now);

// ---- the key cache (sans-I/O) ---------------------------------------------

// When to fetch an instance's JWKS: one cache per instance (never shared
// across secret keys or instances). Fetched keys are fresh for `ttl`; at most
// one fetch is attempted a `refetch_interval` (for stale keys and for a kid
// the keys do not know alike, successful or not); after the TTL, while no
// fetch succeeds, the last good keys keep verifying for `stale_if_error`.
// Not synchronized: session_verifier locks around it.
class jwks_cache {
 public:
  struct options {
    std::chrono::seconds ttl{std::chrono::hours(1)};                 // 1 s to max_duration
    std::chrono::seconds refetch_interval{std::chrono::minutes(5)};  // 1 s to ttl
    std::chrono::seconds stale_if_error{std::chrono::hours(24)};     // 0 to max_duration
  };
  using time_point = std::chrono::system_clock::time_point;
  static constexpr std::chrono::seconds max_duration = std::chrono::days(30);

  jwks_cache() = default;
  // Options out of range are clamped into it here; check() names them.
  explicit jwks_cache(options o) : options_(clamped(o)) {}

  // The first of `o` out of its range, as an invalid_request naming it
  // ("ttl", "refetch_interval", "stale_if_error"); nullopt when none is.
  static std::optional<error> check(const options& o) {
    auto bad = [](std::string_view field, std::string_view why) {
      return error(invalid_request{std::string(field), std::string(why)});
    };
    if (o.ttl.count() <= 0 || o.ttl > max_duration)
      return bad("ttl", "must be positive and at most 30 days");
    if (o.refetch_interval.count() <= 0 || o.refetch_interval > o.ttl)
      return bad("refetch_interval", "must be positive and at most ttl");
    if (o.stale_if_error.count() < 0 || o.stale_if_error > max_duration)
      return bad("stale_if_error", "must not be negative, and at most 30 days");
    return std::nullopt;
  }

  // No keys, or keys as old as the TTL: a fetch is due.
  bool stale(time_point now) const noexcept {
    return !has_keys_ || gone_back(now) || reached(now, fetched_at_, options_.ttl);
  }
  // Keys that may verify: fresh, or stale by less than stale_if_error.
  bool usable(time_point now) const noexcept {
    return has_keys_ && !gone_back(now) &&
           !reached(now, fetched_at_, options_.ttl + options_.stale_if_error);
  }
  // May a fetch be attempted now? At most once an interval since the last
  // attempt (successful or not).
  bool may_refetch(time_point now) const noexcept {
    return !attempted_ || gone_back(now) || reached(now, attempted_at_, options_.refetch_interval);
  }
  bool knows(std::string_view kid) const noexcept {
    for (const auto& k : kids_)
      if (k == kid)
        return true;
    return false;
  }
  // A fetch succeeded at `now` with keys for these kids.
  void fetched(std::vector<std::string> kids, time_point now) {
    kids_ = std::move(kids);
    has_keys_ = true;
    fetched_at_ = attempted_at_ = later(now);
    attempted_ = true;
  }
  // A fetch failed at `now`: the keys held (if any) stay, usable until their
  // TTL and stale_if_error have passed.
  void fetch_failed(time_point now) noexcept {
    attempted_at_ = later(now);
    attempted_ = true;
  }
  const options& settings() const noexcept { return options_; }

 private:
  static options clamped(options o) noexcept {
    o.ttl = std::clamp(o.ttl, std::chrono::seconds(1), max_duration);
    o.refetch_interval = std::clamp(o.refetch_interval, std::chrono::seconds(1), o.ttl);
    o.stale_if_error = std::clamp(o.stale_if_error, std::chrono::seconds(0), max_duration);
    return o;
  }
  // later - earlier, saturated: the times may be anything a caller passes.
  static time_point::rep elapsed(time_point later, time_point earlier) noexcept {
    time_point::rep r;
    if (__builtin_sub_overflow(later.time_since_epoch().count(), earlier.time_since_epoch().count(),
                               &r))
      return later > earlier ? std::numeric_limits<time_point::rep>::max()
                             : std::numeric_limits<time_point::rep>::min();
    return r;
  }
  static time_point::rep ticks(std::chrono::seconds d) noexcept {
    return std::chrono::duration_cast<time_point::duration>(d).count();  // d <= 60 days
  }
  static bool reached(time_point now, time_point since, std::chrono::seconds d) noexcept {
    return elapsed(now, since) >= ticks(d);
  }
  // Threads read the clock before they call, so `now` may be behind the last
  // fetch by however long a thread waited: that neither makes the keys stale
  // nor allows a refetch, and a fetch it makes does not move the cache's
  // times back (else every thread whose clock is ahead would fetch again).
  // Only a clock gone back by more than the TTL (a reset) starts afresh.
  bool gone_back(time_point now) const noexcept {
    return attempted_ && elapsed(attempted_at_, now) > ticks(options_.ttl);
  }
  time_point later(time_point now) const noexcept {
    return !attempted_ || gone_back(now) ? now : std::max(now, attempted_at_);
  }
  options options_{};
  std::vector<std::string> kids_;
  bool has_keys_ = false, attempted_ = false;
  time_point fetched_at_{}, attempted_at_{};
};

// Ties a client (anything with send(Op) returning result<jwks>, e.g.
// clerk::client over the Backend API's config), a jwks_cache and a key
// adapter K built with K::from_jwks. verify(token, now) checks the token's
// form first, then fetches through the client only when the cache says so.
// One verifier may be shared by threads: verifies run in parallel, and
// callers that need the keys while another fetches wait for that fetch
// (single flight) instead of making their own; while stale keys are usable,
// callers whose kid they know do not wait at all. Starts no thread.
template <class K, class Client, class Op = get_jwks>
requires session_keys<K> && requires(const jwks& set) {
  { K::from_jwks(set) } -> std::same_as<result<K>>;
}
class session_verifier {
 public:
  explicit session_verifier(Client client, verify_options options = {},
                            jwks_cache::options cache = {})
      : client_(std::move(client)),
        options_(std::move(options)),
        cache_options_(cache),
        cache_(cache) {}

  // The claims of `token`; or an invalid_request for options out of range; or
  // an invalid_token error; or, when no usable keys could be had, the last
  // fetch's error (transport, api, unexpected_response, or invalid_token
  // jwk-remote-invalid for a JWKS without a usable key).
  result<session_claims> verify(std::string_view token,
                                std::chrono::system_clock::time_point now) const {
    if (auto bad = jwks_cache::check(cache_options_))
      return std::move(*bad);
    auto read = detail::read_session_token(token, options_);
    if (!read)
      return std::move(read).error();
    // with_keys reads the kid before `check` moves the token.
    return with_keys<session_claims>(read->kid, now, [&](const detail::keys_ref& keys) {
      return detail::check_session_token(std::move(*read), keys, now, options_);
    });
  }

  // `check(keys)` with the keys that verify a token of `kid`, fetched as
  // verify() fetches them: for Clerk's other JWTs, signed by the same keys
  // (<clerk/machine_tokens.hpp>). What `check` returns; or the error of
  // getting the keys, as verify() says; or, when the JWKS's key of this kid
  // was skipped, an invalid_token (jwk_remote_invalid) saying why.
  template <class T, class Check>
  result<T> with_keys(std::string_view kid, std::chrono::system_clock::time_point now,
                      Check&& check) const {
    if (auto bad = jwks_cache::check(cache_options_))
      return std::move(*bad);
    auto held = keys_for(kid, now);
    if (!held)
      return std::move(held).error();
    for (const auto& s : (*held)->skipped)
      if (!s.kid.empty() && s.kid == kid)
        return error(
            invalid_token{token_reason::jwk_remote_invalid, "header.kid",
                          "the JWKS's key of this kid was skipped: " + s.where + ": " + s.why});
    return std::forward<Check>(check)(detail::ref_to((*held)->keys));
  }

  const Client& client() const noexcept { return client_; }
  const verify_options& options() const noexcept { return options_; }

 private:
  // What one successful fetch gave.
  struct held_keys {
    K keys;
    std::vector<skipped_key> skipped;
  };
  struct fetched_set {
    std::shared_ptr<const held_keys> held;
    std::vector<std::string> kids;  // the set's RS256 kids, skipped ones too
  };

  // The keys to verify a token of `kid` with, after a fetch when the cache
  // says one is due and no other caller is making it.
  result<std::shared_ptr<const held_keys>> keys_for(
      std::string_view kid, std::chrono::system_clock::time_point now) const {
    std::unique_lock<std::mutex> lock(state_);
    for (bool fetched_here = false;;) {
      const bool usable = cache_.usable(now), known = cache_.knows(kid);
      if (usable && known && (fetching_ || !cache_.stale(now)))
        return keys_;  // fresh; or stale, and another caller is fetching
      if (fetched_here || !cache_.may_refetch(now)) {
        if (usable)
          return keys_;  // an unknown kid then meets jwk-kid-mismatch
        if (last_error_)
          return *last_error_;
        return error(invalid_token{token_reason::jwk_remote_invalid, "keys",
                                   "no usable keys, and the refetch interval has not passed"});
      }
      if (fetching_) {  // share the result of the fetch under way
        const auto generation = generation_;
        done_.wait(lock, [&] { return generation_ != generation; });
        continue;
      }
      fetching_ = true;
      // Whatever happens (a transport that throws), the next caller may fetch.
      struct finish {
        const session_verifier& v;
        std::unique_lock<std::mutex>& lock;
        ~finish() {
          if (!lock.owns_lock())
            lock.lock();
          v.fetching_ = false;
          ++v.generation_;
          v.done_.notify_all();
        }
      } on_exit{*this, lock};
      lock.unlock();
      auto got = fetch();
      lock.lock();
      if (got) {
        cache_.fetched(std::move(got->kids), now);
        keys_ = std::move(got->held);
        last_error_.reset();
      } else {
        cache_.fetch_failed(now);
        last_error_ = std::move(got).error();
      }
      fetched_here = true;
    }
  }

  // One JWKS fetch, made with no lock held.
  result<fetched_set> fetch() const {
    auto set = client_.send(Op{});
    if (!set)
      return std::move(set).error();
    std::vector<skipped_key> skipped;
    auto usable = rs256_keys(*set, &skipped);
    if (!usable)
      return std::move(usable).error();
    auto built = K::from_jwks(*set);
    if (!built)
      return std::move(built).error();
    fetched_set out;
    for (auto& k : *usable)
      out.kids.push_back(std::move(k.kid));
    for (const auto& k : skipped)
      if (!k.kid.empty())
        out.kids.push_back(k.kid);
    out.held = std::make_shared<const held_keys>(held_keys{std::move(*built), std::move(skipped)});
    return out;
  }

  Client client_;
  verify_options options_;
  jwks_cache::options cache_options_;
  mutable std::mutex state_;  // everything below
  mutable std::condition_variable done_;
  mutable jwks_cache cache_;
  mutable std::shared_ptr<const held_keys> keys_;
  mutable std::optional<error> last_error_;
  mutable bool fetching_ = false;
  mutable std::uint64_t generation_ = 0;  // fetches finished
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/session_tokens.ipp>
#endif

#endif
