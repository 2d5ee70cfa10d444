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
#include <clerk/raw_json.hpp>
#include <clerk/result.hpp>
#include <clerk/version.hpp>

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
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

// What a key adapter says of one signature.
enum class key_check { valid, bad_signature, unknown_kid, unsupported_alg };

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

// The keys of `set` a session token can be signed with: kty "RSA", alg
// "RS256" or absent, use "sig" or absent, with a kid. Others are skipped.
// An error of kind invalid_token (jwk_remote_invalid) naming the key when a
// usable key's n or e is not base64url, its modulus is under min_rsa_bits,
// its exponent is not odd and above 1, or two keys share a kid; or when no
// key is usable.
CLERK_BACKEND_DECL result<std::vector<rsa_public_key>> rs256_keys(const jwks& set);

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

// The active organization ("o").
struct organization_claims {
  std::string id;                                       // "id": "org_..."
  std::string role;                                     // "rol": "admin" (no "org:" prefix)
  std::optional<std::string> slug;                      // "slg"
  std::optional<std::string> permission_names;          // "per": "manage,read"
  std::optional<std::string> feature_permission_masks;  // "fpm": "3,2", decimal, any size
  raw_json other_claims{};                              // any other member of "o"
  // Not on the wire: decoded from per, fpm and the token's "fea" as Clerk
  // documents ("org:<feature>:<permission>"), in fea's then per's order.
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
  std::optional<std::string> features;              // "fea": "o:dashboard,u:teams"
  std::optional<organization_claims> organization;  // "o"
  std::optional<session_actor> actor;               // "act"
  raw_json other_claims{};  // every other claim (jti, pla, custom claims), as JSON text

  friend bool operator==(const session_claims&, const session_claims&) = default;
  static constexpr auto describe() {
    using namespace decl;
    using c = session_claims;
    // Presence of sub, sid, iss and exp is checked by the verifier, in its
    // order; the parser checks types.
    return model("session_claims", field("sub", &c::user_id, absent_in_response),
                 field("sid", &c::session_id, absent_in_response),
                 field("iss", &c::issuer, absent_in_response), field("azp", &c::authorized_party),
                 field("exp", &c::expires_at, absent_in_response), field("iat", &c::issued_at),
                 field("nbf", &c::not_before), field("v", &c::version, absent_in_response),
                 field("sts", &c::session_status, absent_in_response),
                 field("fva", &c::factor_verification_age, absent_in_response),
                 field("fea", &c::features), field("o", &c::organization), field("act", &c::actor),
                 other_members(&c::other_claims));
  }
  // One line for a log, token-shaped strings redacted.
  friend std::ostream& operator<<(std::ostream& os, const session_claims& c) {
    return print(os, c);
  }
};

// ---- verification ---------------------------------------------------------

struct verify_options {
  // Empty: azp is not checked. Else azp is required and must be one of these
  // origins exactly ("https://app.example.com").
  std::vector<std::string> authorized_parties{};
  // The instance's Frontend API URL ("https://clerk.example.com", as
  // parse_publishable_key gives it); when set, iss must be exactly this, so
  // another instance's tokens are refused. Empty: iss is not checked.
  std::string issuer{};
  // How far exp, nbf and iat may be off: @clerk/backend's default. Negative is
  // an invalid_request.
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
CLERK_BACKEND_DECL result<session_claims> verify_session_token(
    std::string_view token, const keys_ref& keys, std::chrono::system_clock::time_point now,
    const verify_options& options);
// The header's kid of a well-formed token, or empty.
CLERK_BACKEND_DECL std::string token_kid(std::string_view token);
}  // namespace detail

// The claims of `token` when it is a genuine, current session token of the
// instance whose keys are `keys`; else an invalid_token error (its reason as
// @clerk/backend names it) or, for bad options, an invalid_request. The
// rules, in order: size; three base64url parts, unpadded; header and payload
// JSON objects that repeat no member at any depth; alg exactly RS256; typ
// absent or "JWT"; no crit; no machine-token category or "mch_" subject; a
// kid the keys know; the signature; then sub, azp, iss, exp (expired when
// exp <= now - skew), nbf, iat, sts. Claim types are read only after the
// signature. Pure: `now` is the caller's.
template <session_keys Keys>
result<session_claims> verify_session_token(std::string_view token, const Keys& keys,
                                            std::chrono::system_clock::time_point now,
                                            const verify_options& options = {}) {
  detail::keys_ref ref{&keys, [](const void* self, std::string_view kid, std::string_view alg,
                                 std::string_view input, std::span<const unsigned char> sig) {
                         return static_cast<const Keys*>(self)->verify(kid, alg, input, sig);
                       }};
  return detail::verify_session_token(token, ref, now, options);
}

// The session token of a request as @clerk/backend finds it: the
// Authorization header's ("Bearer <token>", or a single word), which wins;
// else the __session cookie's. Empty when there is none. Points into
// `headers`.
CLERK_BACKEND_DECL std::string_view session_token_from(const header_list& headers);

// ---- the key cache (sans-I/O) ---------------------------------------------

// When to fetch an instance's JWKS: one cache per instance (never shared
// across secret keys or instances). Keys are kept for `ttl`; a token whose
// kid the keys do not know triggers at most one refetch per
// `refetch_interval`. Not synchronized: session_verifier locks around it.
class jwks_cache {
 public:
  struct options {
    std::chrono::seconds ttl{std::chrono::hours(1)};
    std::chrono::seconds refetch_interval{std::chrono::minutes(5)};
  };
  using time_point = std::chrono::system_clock::time_point;

  jwks_cache() = default;
  explicit jwks_cache(options o) : options_(o) {}

  // No keys yet, or the keys are older than the TTL: fetch before verifying.
  bool stale(time_point now) const noexcept {
    return !has_keys_ || now >= fetched_at_ + options_.ttl || gone_back(now);
  }
  // The keys do not know `kid`: may we fetch again? At most once an interval
  // since the last fetch (successful or not).
  bool may_refetch(time_point now) const noexcept {
    return !attempted_ || now >= attempted_at_ + options_.refetch_interval || gone_back(now);
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
  // A fetch failed at `now`: the keys held (if any) stay until their TTL.
  void fetch_failed(time_point now) noexcept {
    attempted_at_ = later(now);
    attempted_ = true;
  }
  const options& settings() const noexcept { return options_; }

 private:
  // Threads read the clock before they call, so `now` may be behind the last
  // fetch by however long a thread waited: that neither makes the keys stale
  // nor allows a refetch, and a fetch it makes does not move the cache's
  // times back (else every thread whose clock is ahead would fetch again).
  // Only a clock gone back by more than the TTL (a reset) starts afresh.
  bool gone_back(time_point now) const noexcept {
    return attempted_ && now + options_.ttl < attempted_at_;
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
// adapter K built with K::from_jwks. verify(token, now) fetches through the
// client's transport only when the cache says so. One verifier may be shared
// by threads: fetches are serialized, verifies run in parallel.
template <class K, class Client, class Op = get_jwks>
requires session_keys<K> && requires(const jwks& set) {
  { K::from_jwks(set) } -> std::same_as<result<K>>;
}
class session_verifier {
 public:
  explicit session_verifier(Client client, verify_options options = {},
                            jwks_cache::options cache = {})
      : client_(std::move(client)), options_(std::move(options)), cache_(cache) {}

  // The claims of `token`, or an invalid_token error, or the fetch's error
  // (transport, api or unexpected_response) when the keys could not be had.
  result<session_claims> verify(std::string_view token,
                                std::chrono::system_clock::time_point now) const {
    std::shared_ptr<const K> keys;
    {
      std::lock_guard<std::mutex> lock(state_);
      if (!cache_.stale(now))
        keys = keys_;
    }
    if (!keys) {
      auto fetched = fetch(now, nullptr);
      if (!fetched)
        return std::move(fetched).error();
      keys = std::move(*fetched);
    }
    auto r = verify_session_token(token, *keys, now, options_);
    if (r || !unknown_kid(r.error()))
      return r;
    // A kid the keys do not know: a rotation, or a forged kid. Refetch at most
    // once an interval, and only if no other thread has refetched meanwhile.
    std::string kid = detail::token_kid(token);
    auto fetched = fetch(now, &kid);
    if (!fetched)
      return std::move(fetched).error();
    if (*fetched == keys)
      return r;
    return verify_session_token(token, **fetched, now, options_);
  }

  const Client& client() const noexcept { return client_; }
  const verify_options& options() const noexcept { return options_; }

 private:
  static bool unknown_kid(const error& e) noexcept {
    const auto* t = e.as_invalid_token();
    return t != nullptr && t->reason == token_reason::jwk_kid_mismatch;
  }

  // The keys to use after fetching if the cache says so: for a stale cache
  // (kid == nullptr), or for an unknown kid.
  result<std::shared_ptr<const K>> fetch(std::chrono::system_clock::time_point now,
                                         const std::string* kid) const {
    std::lock_guard<std::mutex> one_fetch(fetching_);
    {
      std::lock_guard<std::mutex> lock(state_);
      // Another thread may have fetched while this one waited.
      if (kid == nullptr ? !cache_.stale(now) : (cache_.knows(*kid) || !cache_.may_refetch(now)))
        return keys_;
    }
    auto set = client_.send(Op{});
    if (set) {
      auto usable = rs256_keys(*set);
      auto built = K::from_jwks(*set);
      if (usable && built) {
        std::vector<std::string> kids;
        kids.reserve(usable->size());
        for (auto& k : *usable)
          kids.push_back(std::move(k.kid));
        auto keys = std::make_shared<const K>(std::move(*built));
        std::lock_guard<std::mutex> lock(state_);
        cache_.fetched(std::move(kids), now);
        keys_ = keys;
        return keys;
      }
      std::lock_guard<std::mutex> lock(state_);
      cache_.fetch_failed(now);
      return usable ? std::move(built).error() : std::move(usable).error();
    }
    std::lock_guard<std::mutex> lock(state_);
    cache_.fetch_failed(now);
    return std::move(set).error();
  }

  Client client_;
  verify_options options_;
  mutable std::mutex fetching_;  // one fetch at a time
  mutable std::mutex state_;     // cache_ and keys_
  mutable jwks_cache cache_;
  mutable std::shared_ptr<const K> keys_;
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/session_tokens.ipp>
#endif

#endif
