// Clerk's Frontend API for native clients: the models and operations that
// redeem a sign-in token (the `ticket` strategy) and make its session
// usable, declared for the engine in <clerk/model.hpp> and
// <clerk/operation.hpp>. Nothing here parses or builds by hand.
//
// Every request is form-encoded, carries ?_is_native=1, Clerk-API-Version and
// the caller's client token (build_request(op, cfg, token)); none carries
// Origin, a cookie or a secret key. Every answer may carry a rotated client
// token in its Authorization header: the parsed answer's client_token, which
// client_token::update() takes. clerk::client over a frontend_config does
// both: client.send(op, token) (<clerk/client.hpp>), with its limits and
// retries.
#ifndef CLERK_FRONTEND_OPERATIONS_HPP
#define CLERK_FRONTEND_OPERATIONS_HPP

#include <clerk/error.hpp>
#include <clerk/frontend/config.hpp>
#include <clerk/http.hpp>
#include <clerk/model.hpp>
#include <clerk/operation.hpp>
#include <clerk/result.hpp>
#include <clerk/secret.hpp>
#include <clerk/version.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace frontend {

// ---- models ----------------------------------------------------------------

// A sign-in attempt's status; a value this version does not know is unknown,
// its text kept.
class sign_in_status : public open_enum<sign_in_status> {
 public:
  enum class kind {
    unknown,
    abandoned,
    needs_identifier,
    needs_first_factor,
    needs_second_factor,
    needs_client_trust,
    needs_new_password,
    needs_protect_check,
    complete
  };
  using enum kind;
  static constexpr std::string_view names[] = {
      "abandoned",          "needs_identifier",   "needs_first_factor",  "needs_second_factor",
      "needs_client_trust", "needs_new_password", "needs_protect_check", "complete"};
  using open_enum::open_enum;
};

// The Frontend API's SignIn object, as far as a ticket sign-in needs it. Its
// verifications are not read: Clerk's SDKs disagree on their "object".
struct sign_in_attempt {
  std::string id;  // "sia_..."
  sign_in_status status;
  std::optional<std::string> created_session_id;  // set once complete

  static constexpr auto describe() {
    using namespace decl;
    using t = sign_in_attempt;
    return model("sign_in_attempt", field("id", &t::id, non_empty), field("status", &t::status),
                 field("created_session_id", &t::created_session_id));
  }
  friend bool operator==(const sign_in_attempt&, const sign_in_attempt&) = default;
  friend std::ostream& operator<<(std::ostream& os, const sign_in_attempt& a) {
    return print(os, a);
  }
};

class session_status : public open_enum<session_status> {
 public:
  enum class kind { unknown, active, revoked, ended, expired, removed, abandoned, pending };
  using enum kind;
  static constexpr std::string_view names[] = {"active",  "revoked",   "ended",  "expired",
                                               "removed", "abandoned", "pending"};
  using open_enum::open_enum;
};

// A session JWT: short-lived (Clerk's live 60 s), a bearer credential.
struct session_jwt {
  secret jwt;
  static constexpr auto describe() {
    using namespace decl;
    return model("token", field("jwt", &session_jwt::jwt, non_empty));
  }
  friend bool operator==(const session_jwt&, const session_jwt&) = default;
};

struct session_user {
  std::string id;
  static constexpr auto describe() {
    using namespace decl;
    return model("user", field("id", &session_user::id, non_empty));
  }
  friend bool operator==(const session_user&, const session_user&) = default;
};

struct public_user_data {
  std::optional<std::string> user_id;
  std::optional<std::string> identifier;
  static constexpr auto describe() {
    using namespace decl;
    using t = public_user_data;
    return model("public_user_data", field("user_id", &t::user_id),
                 field("identifier", &t::identifier));
  }
  friend bool operator==(const public_user_data&, const public_user_data&) = default;
};

struct session {
  std::string id;  // "sess_..."
  session_status status;
  std::optional<session_user> user;
  std::optional<frontend::public_user_data> public_user_data;
  std::optional<std::string> last_active_organization_id;
  std::optional<session_jwt> last_active_token;
  std::optional<timestamp> expire_at;
  std::optional<timestamp> last_active_at;

  // The user's id: user.id, else public_user_data.user_id (Clerk's SDKs read
  // either), else empty.
  std::string_view user_id() const noexcept {
    if (user)
      return user->id;
    if (public_user_data && public_user_data->user_id)
      return *public_user_data->user_id;
    return {};
  }

  static constexpr auto describe() {
    using namespace decl;
    using t = session;
    return model("session", field("id", &t::id, non_empty), field("status", &t::status),
                 field("user", &t::user), field("public_user_data", &t::public_user_data),
                 field("last_active_organization_id", &t::last_active_organization_id),
                 field("last_active_token", &t::last_active_token),
                 field("expire_at", &t::expire_at), field("last_active_at", &t::last_active_at));
  }
  friend bool operator==(const session&, const session&) = default;
  friend std::ostream& operator<<(std::ostream& os, const session& s) { return print(os, s); }
};

// The Frontend API's Client object: this device's sessions.
struct frontend_client {
  std::string id;  // "client_..."
  std::vector<session> sessions;
  std::optional<std::string> last_active_session_id;

  // The session with this id, or nullptr.
  const session* find(std::string_view session_id) const noexcept {
    for (const auto& s : sessions)
      if (s.id == session_id)
        return &s;
    return nullptr;
  }

  static constexpr auto describe() {
    using namespace decl;
    using t = frontend_client;
    return model("client", field("id", &t::id, non_empty), field("sessions", &t::sessions),
                 field("last_active_session_id", &t::last_active_session_id));
  }
  friend bool operator==(const frontend_client&, const frontend_client&) = default;
  friend std::ostream& operator<<(std::ostream& os, const frontend_client& c) {
    return print(os, c);
  }
};

// The answers: Clerk's {"response": ..., "client": ...} envelopes (the
// token's answer is the token itself), each with the client token its
// Authorization header carried, if any.

struct client_answer {
  std::optional<frontend_client> response;  // null when the caller has no client
  std::optional<frontend_client> client;
  std::optional<secret> client_token;

  // The client, from "response" or else "client", or nullptr when neither.
  const frontend_client* current() const noexcept {
    return response ? &*response : client ? &*client : nullptr;
  }

  static constexpr auto describe() {
    using namespace decl;
    using t = client_answer;
    return model("client_answer", field("response", &t::response), field("client", &t::client),
                 from_header("Authorization", &t::client_token));
  }
  friend bool operator==(const client_answer&, const client_answer&) = default;
};

struct sign_in_answer {
  sign_in_attempt response;
  std::optional<frontend_client> client;
  std::optional<secret> client_token;

  static constexpr auto describe() {
    using namespace decl;
    using t = sign_in_answer;
    return model("sign_in_answer", field("response", &t::response), field("client", &t::client),
                 from_header("Authorization", &t::client_token));
  }
  friend bool operator==(const sign_in_answer&, const sign_in_answer&) = default;
};

struct session_answer {
  session response;
  std::optional<frontend_client> client;
  std::optional<secret> client_token;

  static constexpr auto describe() {
    using namespace decl;
    using t = session_answer;
    return model("session_answer", field("response", &t::response), field("client", &t::client),
                 from_header("Authorization", &t::client_token));
  }
  friend bool operator==(const session_answer&, const session_answer&) = default;
};

// A minted session token: {"object":"token","jwt":"..."} (the document also
// shows {"jwt": ...}; "object" is not required).
struct session_token {
  secret jwt;
  std::optional<secret> client_token;

  static constexpr auto describe() {
    using namespace decl;
    using t = session_token;
    return model("token", field("jwt", &t::jwt, non_empty),
                 from_header("Authorization", &t::client_token));
  }
  friend bool operator==(const session_token&, const session_token&) = default;
};

// ---- operations --------------------------------------------------------------

// POST /v1/client: a new client, and its first client token. Establish one
// before redeeming a ticket, so that a lost sign-in answer can be recovered.
struct create_client {
  using response_type = client_answer;
  static constexpr auto describe() {
    using namespace decl;
    return endpoint(http_method::post, path("/v1/client"));
  }
  friend bool operator==(const create_client&, const create_client&) = default;
};

// GET /v1/client: the caller's client with its sessions (null without a token).
struct read_client {
  using response_type = client_answer;
  static constexpr auto describe() {
    using namespace decl;
    return endpoint(http_method::get, path("/v1/client"), idempotent);
  }
  friend bool operator==(const read_client&, const read_client&) = default;
};

// POST /v1/client/sign_ins, strategy=ticket: redeems a sign-in token. Single
// use: never retried blindly (see consume_ticket for the recovery).
struct sign_in_with_ticket {
  secret ticket;  // the sign-in token's `token`

  using response_type = sign_in_answer;
  static constexpr auto describe() {
    using namespace decl;
    return endpoint(
        http_method::post, path("/v1/client/sign_ins"),
        form_body(constant("strategy", "ticket"), field("ticket", &sign_in_with_ticket::ticket)));
  }
  friend bool operator==(const sign_in_with_ticket&, const sign_in_with_ticket&) = default;
};

// The intent of a touch.
class touch_intent : public open_enum<touch_intent> {
 public:
  enum class kind { unknown, focus, select_session, select_org };
  using enum kind;
  static constexpr std::string_view names[] = {"focus", "select_session", "select_org"};
  using open_enum::open_enum;
};

// POST /v1/client/sessions/{session_id}/touch: makes the session the
// client's active one. Leave active_organization_id unset to keep the
// session's organization (an empty one may switch to the personal account).
struct touch_session {
  std::string session_id;
  std::optional<std::string> active_organization_id{};
  std::optional<touch_intent> intent{};

  using response_type = session_answer;
  static constexpr auto describe() {
    using namespace decl;
    using t = touch_session;
    return endpoint(
        http_method::post,
        path("/v1/client/sessions/", param("session_id", &t::session_id), "/touch"),
        form_body(field("active_organization_id", &t::active_organization_id, may_be_empty),
                  field("intent", &t::intent)),
        idempotent);
  }
  friend bool operator==(const touch_session&, const touch_session&) = default;
};

// POST /v1/client/sessions/{session_id}/tokens: a session JWT. Unset
// organization_id keeps the session's organization; empty selects the
// personal account.
struct mint_session_token {
  std::string session_id;
  std::optional<std::string> organization_id{};

  using response_type = session_token;
  static constexpr auto describe() {
    using namespace decl;
    using t = mint_session_token;
    return endpoint(http_method::post,
                    path("/v1/client/sessions/", param("session_id", &t::session_id), "/tokens"),
                    form_body(field("organization_id", &t::organization_id, may_be_empty)),
                    idempotent);
  }
  friend bool operator==(const mint_session_token&, const mint_session_token&) = default;
};

// POST /v1/client/sessions/{session_id}/tokens/{template_name}: a JWT shaped
// by one of the instance's JWT templates.
struct mint_session_token_from_template {
  std::string session_id;
  std::string template_name;

  using response_type = session_token;
  static constexpr auto describe() {
    using namespace decl;
    using t = mint_session_token_from_template;
    return endpoint(http_method::post,
                    path("/v1/client/sessions/", param("session_id", &t::session_id), "/tokens/",
                         param("template_name", &t::template_name)),
                    idempotent);
  }
  friend bool operator==(const mint_session_token_from_template&,
                         const mint_session_token_from_template&) = default;
};

// POST /v1/client/sessions/{session_id}/remove: signs the session out.
struct remove_session {
  std::string session_id;

  using response_type = session_answer;
  static constexpr auto describe() {
    using namespace decl;
    using t = remove_session;
    return endpoint(http_method::post,
                    path("/v1/client/sessions/", param("session_id", &t::session_id), "/remove"),
                    idempotent);
  }
  friend bool operator==(const remove_session&, const remove_session&) = default;
};

// The request for a Frontend API operation on behalf of the client `token`
// names (none yet: an empty token), or an invalid_request naming the field.
template <declared_operation Op>
result<http_request> build_request(const Op& op, const frontend_config& cfg,
                                   const client_token& token) {
  return clerk::build_request(op, frontend_call(cfg, token));
}

}  // namespace frontend
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
