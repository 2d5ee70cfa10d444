// Sign-in tokens: the SignInToken model and its create and revoke operations,
// declared once; the engine (<clerk/model.hpp>, <clerk/operation.hpp>) builds
// their requests and parses and prints their answers.
#ifndef CLERK_BACKEND_SIGN_IN_TOKENS_HPP
#define CLERK_BACKEND_SIGN_IN_TOKENS_HPP

#include <clerk/http.hpp>
#include <clerk/model.hpp>
#include <clerk/operation.hpp>
#include <clerk/secret.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace backend {

// pending, accepted, revoked; a status this version does not know is kept as
// its text with value() == unknown.
class sign_in_token_status : public open_enum<sign_in_token_status> {
 public:
  enum class kind { unknown, pending, accepted, revoked };
  static constexpr kind unknown = kind::unknown, pending = kind::pending, accepted = kind::accepted,
                        revoked = kind::revoked;
  static constexpr std::string_view names[] = {"pending", "accepted", "revoked"};
  using open_enum::open_enum;
};

struct sign_in_token {
  std::string id;  // "sit_..."
  sign_in_token_status status;
  std::string user_id;
  std::optional<secret> token;  // the JWT; absent after revoke
  std::optional<secret> url;    // the sign-in URL carrying the ticket; absent or null
  timestamp created_at{};
  timestamp updated_at{};

  static constexpr auto describe() {
    using namespace decl;
    using t = sign_in_token;
    return model("sign_in_token", constant("object", "sign_in_token"),
                 field("id", &t::id, non_empty), field("status", &t::status),
                 field("user_id", &t::user_id), field("token", &t::token),
                 field("url", &t::url, printed_as_url), field("created_at", &t::created_at),
                 field("updated_at", &t::updated_at));
  }

  friend bool operator==(const sign_in_token&, const sign_in_token&) = default;
  // One line; the token and the ticket in the URL are redacted.
  friend std::ostream& operator<<(std::ostream& os, const sign_in_token& t) { return print(os, t); }
};

// POST /sign_in_tokens. Refused before sending: an empty user_id or org_id,
// control characters or invalid UTF-8 in either, expires_in below 1 second.
struct create_sign_in_token {
  std::string user_id{};                // required
  std::optional<std::string> org_id{};  // organization to activate on sign-in
  std::optional<std::chrono::seconds>
      expires_in{};  // sent as expires_in_seconds; Clerk's default: 30 days

  using response_type = sign_in_token;
  // Not idempotent: a blind retry may leave a second valid token.
  static constexpr auto describe() {
    using namespace decl;
    using o = create_sign_in_token;
    return endpoint(
        http_method::post, path("/sign_in_tokens"),
        json_body(field("user_id", &o::user_id), field("org_id", &o::org_id),
                  field("expires_in_seconds", &o::expires_in, at_least(1), named("expires_in"))));
  }
  friend bool operator==(const create_sign_in_token&, const create_sign_in_token&) = default;
};

// POST /sign_in_tokens/{sign_in_token_id}/revoke. The id is percent-encoded as
// one path segment; "." and ".." are refused since no encoding keeps them one.
struct revoke_sign_in_token {
  std::string sign_in_token_id{};

  using response_type = sign_in_token;
  // Revoking twice leaves the same state (the second answer is a 400).
  // That 400's code. When a retry meets it after an earlier attempt may have
  // reached Clerk, client::send reports retry_stop::maybe_done_earlier: the
  // token is no longer pending, possibly revoked by that earlier attempt.
  static constexpr auto describe() {
    using namespace decl;
    return endpoint(
        http_method::post,
        path("/sign_in_tokens/", param("sign_in_token_id", &revoke_sign_in_token::sign_in_token_id),
             "/revoke"),
        idempotent, already_done("sign_in_token_cannot_be_revoked_code"));
  }
  friend bool operator==(const revoke_sign_in_token&, const revoke_sign_in_token&) = default;
};

}  // namespace backend

// The library's first operations, reachable under their first names.
using backend::create_sign_in_token;
using backend::revoke_sign_in_token;
using backend::sign_in_token;
using backend::sign_in_token_status;

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
