// Actor tokens (impersonation): the model and its create and revoke
// operations, declared for the engine in <clerk/model.hpp> and
// <clerk/operation.hpp>. Nothing here parses or builds by hand.
#ifndef CLERK_BACKEND_ACTOR_TOKENS_HPP
#define CLERK_BACKEND_ACTOR_TOKENS_HPP

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

// Who acts: Clerk copies every member into the session token's "act" claim.
struct actor_claims {
  // The acting user's id: required and non-empty in a request. Clerk's
  // document lets an answer's actor be any object, so there it may be absent.
  std::string sub;
  // Any further claims, as the text of a JSON object: {"reason":"support"}.
  raw_json other_claims{};

  friend bool operator==(const actor_claims&, const actor_claims&) = default;
  static constexpr auto describe() {
    using namespace decl;
    return model("actor", field("sub", &actor_claims::sub, absent_in_response),
                 other_members(&actor_claims::other_claims));
  }
};

// pending, accepted, revoked; anything else is unknown, its text kept.
class actor_token_status : public open_enum<actor_token_status> {
 public:
  enum class kind { unknown, pending, accepted, revoked };
  static constexpr kind unknown = kind::unknown, pending = kind::pending, accepted = kind::accepted,
                        revoked = kind::revoked;
  static constexpr std::string_view names[] = {"pending", "accepted", "revoked"};
  using open_enum::open_enum;
};

struct actor_token {
  std::string id;  // "act_..."
  actor_token_status status;
  std::string user_id;  // the user impersonated
  actor_claims actor;
  std::optional<secret> token;  // absent after revoke
  std::optional<secret> url;    // the sign-in URL carrying the ticket
  timestamp created_at{};
  timestamp updated_at{};

  static constexpr auto describe() {
    using namespace decl;
    using t = actor_token;
    return model("actor_token", constant("object", "actor_token"), field("id", &t::id, non_empty),
                 field("status", &t::status), field("user_id", &t::user_id),
                 field("actor", &t::actor), field("token", &t::token),
                 field("url", &t::url, printed_as_url), field("created_at", &t::created_at),
                 field("updated_at", &t::updated_at));
  }

  friend bool operator==(const actor_token&, const actor_token&) = default;
  // One line; the token and the ticket in the URL are redacted.
  friend std::ostream& operator<<(std::ostream& os, const actor_token& t) { return print(os, t); }
};

// POST /actor_tokens. Refused before sending: an empty user_id or actor.sub,
// other_claims that are not a JSON object (or repeat "sub"), durations below
// 1 second.
struct create_actor_token {
  std::string user_id{};  // the user to impersonate
  actor_claims actor{};
  std::optional<std::chrono::seconds> expires_in{};            // Clerk's default: 1 hour
  std::optional<std::chrono::seconds> session_max_duration{};  // default: 30 minutes

  using response_type = actor_token;
  // Not idempotent, and Clerk takes no Idempotency-Key here.
  static constexpr auto describe() {
    using namespace decl;
    using o = create_actor_token;
    return endpoint(
        http_method::post, path("/actor_tokens"),
        json_body(field("user_id", &o::user_id), field("actor", &o::actor),
                  field("expires_in_seconds", &o::expires_in, at_least(1), named("expires_in")),
                  field("session_max_duration_in_seconds", &o::session_max_duration, at_least(1),
                        named("session_max_duration"))));
  }
  friend bool operator==(const create_actor_token&, const create_actor_token&) = default;
};

// POST /actor_tokens/{actor_token_id}/revoke: revokes a pending actor token.
struct revoke_actor_token {
  std::string actor_token_id{};

  using response_type = actor_token;
  // Revoking twice leaves the same state (the second answer is a 400).
  // That 400's code, so that a retry meeting it after an earlier attempt may
  // have reached Clerk reports retry_stop::maybe_done_earlier, as
  // revoke_sign_in_token does. Clerk's OpenAPI document names no code for
  // this operation: this is the one the fake answers
  // (<clerk/fakes/fake_clerk.hpp>), to be checked against Clerk's own.
  static constexpr auto describe() {
    using namespace decl;
    return endpoint(http_method::post,
                    path("/actor_tokens/",
                         param("actor_token_id", &revoke_actor_token::actor_token_id), "/revoke"),
                    idempotent, already_done("actor_token_cannot_be_revoked"));
  }
  friend bool operator==(const revoke_actor_token&, const revoke_actor_token&) = default;
};

}  // namespace backend

using backend::actor_claims;
using backend::actor_token;
using backend::actor_token_status;
using backend::create_actor_token;
using backend::revoke_actor_token;

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
