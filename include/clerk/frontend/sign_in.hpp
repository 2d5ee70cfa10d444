// Redeeming a sign-in token in a native client, end to end, over a
// clerk::client of the Frontend API: establish a client, sign in with the
// ticket once, recover the session when the sign-in's answer is lost or
// unusable, make the session active and mint its first JWT.
#ifndef CLERK_FRONTEND_SIGN_IN_HPP
#define CLERK_FRONTEND_SIGN_IN_HPP

#include <clerk/client.hpp>
#include <clerk/detail/response.hpp>
#include <clerk/error.hpp>
#include <clerk/frontend/config.hpp>
#include <clerk/frontend/errors.hpp>
#include <clerk/frontend/operations.hpp>
#include <clerk/model.hpp>
#include <clerk/result.hpp>
#include <clerk/secret.hpp>
#include <clerk/transport.hpp>
#include <clerk/version.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace frontend {

// What consume_ticket returns: the new session, made the client's active
// one, and its first JWT.
struct ticket_sign_in {
  std::string session_id;
  std::string user_id;
  // active; or pending when the instance requires session tasks (e.g.
  // choosing an organization): its JWTs then carry sts "pending", which
  // verify_options::accept_pending_sessions decides on.
  session_status status;
  secret jwt;  // the session JWT; Clerk's live 60 s: mint the next with mint_session_token
  // True when the sign-in's answer was lost and the session was found on
  // the client afterwards.
  bool recovered = false;

  friend bool operator==(const ticket_sign_in&, const ticket_sign_in&) = default;
  friend std::ostream& operator<<(std::ostream& os, const ticket_sign_in& s) {
    return os << "clerk::frontend::ticket_sign_in{session_id=" << http::redact(s.session_id)
              << ", user_id=" << http::redact(s.user_id) << ", status=" << s.status
              << ", jwt=" << s.jwt << ", recovered=" << (s.recovered ? "true" : "false") << '}';
  }
};

struct consume_options {
  // The user the ticket is for: recovery adopts a session only if it
  // belongs to this user. Set it whenever the caller knows the user: it is
  // the reliable way. Unset: the user the ticket names (its JWT's "sub"
  // claim, read without checking the signature: it only narrows what
  // recovery may adopt); when the ticket names none, recovery adopts a new
  // session only if it is the only one that appeared on the client.
  std::optional<std::string> expected_user_id{};
};

namespace detail {

inline std::vector<std::string> session_ids(const client_answer& a) {
  std::vector<std::string> ids;
  if (const frontend_client* c = a.current())
    for (const auto& s : c->sessions)
      ids.push_back(s.id);
  return ids;
}

// The sessions a lost sign-in may have made: on this client, not there
// before, signed in (active, or pending its session tasks, as a sign-in on an
// instance that requires them leaves it), and the expected user's when one is
// expected. `first` is the first of `count`.
struct new_sessions {
  const session* first = nullptr;
  std::size_t count = 0;
};
inline new_sessions find_new_sessions(const client_answer& a,
                                      const std::vector<std::string>& before,
                                      const std::optional<std::string>& user_id) {
  new_sessions found;
  const frontend_client* c = a.current();
  if (c == nullptr)
    return found;
  for (const auto& s : c->sessions) {
    if ((s.status != session_status::kind::active && s.status != session_status::kind::pending) ||
        std::find(before.begin(), before.end(), s.id) != before.end())
      continue;
    if (user_id && s.user_id() != *user_id)
      continue;
    if (found.count++ == 0)
      found.first = &s;
  }
  return found;
}

// The claim of a ticket's JWT payload that names its user.
struct ticket_claims {
  std::string sub;
  static constexpr auto describe() {
    using namespace decl;
    return model("ticket_claims", field("sub", &ticket_claims::sub, non_empty));
  }
};

// The user a ticket (a JWT) names in its payload's "sub", or nullopt when it
// is not a JWT with one. Base64url without padding, then the one parser.
inline std::optional<std::string> ticket_user(const secret& ticket) {
  std::string_view t = ticket.reveal();
  auto first = t.find('.');
  auto second = first == std::string_view::npos ? first : t.find('.', first + 1);
  if (second == std::string_view::npos)
    return std::nullopt;
  std::string_view payload = t.substr(first + 1, second - first - 1);
  http_response r;
  r.status = 200;
  r.headers.add("Content-Type", "application/json");
  r.body.reserve(payload.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : payload) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
            : c == '_'             ? 63
                                   : -1;
    if (v < 0)
      return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      r.body += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  ticket_claims claims;
  if (clerk::detail::parse_model(clerk::detail::info_of<ticket_claims>, &claims, r,
                                 response_limits{}))
    return std::nullopt;
  return std::move(claims.sub);
}

// An answer that proves the sign-in was not carried out: nothing sent, or a
// ClerkErrors 4xx (429 included). Anything else (a transport failure after
// sending, a 5xx, a proxy's page, an unusable 2xx) may follow a sign-in Clerk
// did.
inline bool sign_in_not_done(const error& e) noexcept {
  if (e.as_invalid_request() != nullptr)
    return true;
  if (const transport_error* t = e.as_transport())
    return t->request_not_sent;
  if (const api_error* a = e.as_api())
    return a->status >= 400 && a->status <= 499;
  return false;
}

// The error for a sign-in that may have been carried out and whose session
// was not found: the ticket may be spent. That comes first, the lost answer
// last: a message is cut at 256 bytes when printed.
inline error lost_sign_in(const error& lost, std::string_view what) {
  std::string why = "the ticket may be spent: " + std::string(what) +
                    ", after the sign-in's answer was lost or unusable (" + lost.message() + ')';
  error out = [&]() -> error {
    if (const transport_error* t = lost.as_transport()) {
      transport_error e = *t;
      e.message = std::move(why);
      e.request_not_sent = false;
      return e;
    }
    unexpected_response u;
    if (const unexpected_response* o = lost.as_unexpected_response())
      u.content_type = o->content_type;
    u.status = lost.http_status();
    u.clerk_trace_id = std::string(lost.clerk_trace_id());
    u.problem = std::move(why);
    return u;
  }();
  out.set_attempts(lost.attempts(), lost.stop());
  return out;
}

// Why the client could not be read back. A transport error's own "request
// not sent" is left out: it is about the read, not the sign-in.
inline std::string read_back_failed(const error& e) {
  std::string why = "the client could not be read back";
  if (e.attempts() > 1)
    why += " in " + std::to_string(e.attempts()) + " attempts";
  const transport_error* t = e.as_transport();
  return why + " (" + (t != nullptr ? t->message : e.message()) + ')';
}

inline error sign_in_incomplete(const sign_in_attempt& attempt) {
  unexpected_response u;
  u.status = 200;
  u.problem = std::string(sign_in_incomplete_problem) + '"' + std::string(attempt.status.raw()) +
              "\", not \"complete\"";
  if (attempt.status.value() == sign_in_status::kind::complete)
    u.problem = "sign-in is complete but names no created_session_id";
  return u;
}

// consume_ticket's decisions, without I/O: the synchronous function below
// and the Asio adapter's coroutine send what it asks for and hand it each
// answer. Each on_* step returns the error to stop with, or nullopt.
class ticket_flow {
 public:
  ticket_flow(const secret& ticket, const consume_options& o) : sign_in_{ticket}, options_(o) {}

  // Before anything is sent: a malformed ticket, an unsendable token, or a
  // policy that would resend a sign-in that may have reached Clerk.
  std::optional<error> check(const frontend_config& cfg, const client_token& token,
                             const retry_policy& policy) {
    if (auto built = build_request(sign_in_, cfg, client_token{}); !built)
      return std::move(built).error();
    if (auto bad = token.check())
      return error(std::move(*bad));
    if (policy.options().retry_create_after_possible_delivery)
      return error(invalid_request{"retry_create_after_possible_delivery",
                                   "must be off: the ticket is single-use"});
    user_id_ = options_.expected_user_id ? options_.expected_user_id : ticket_user(sign_in_.ticket);
    return std::nullopt;
  }

  // 1. With a token held: the client read back; a stale or signed-out token
  // is dropped, so that a new client is made.
  std::optional<error> on_read(result<client_answer>& current, client_token& token) {
    if (!current && frontend_error(current.error()) != frontend_errc::unauthorized)
      return std::move(current).error();
    if (current && current->current() != nullptr)
      before_ = session_ids(*current);
    else
      token = client_token{};
    return std::nullopt;
  }

  // ... or a new client, whose answer must have given the caller a token.
  std::optional<error> on_create(result<client_answer>& made, const client_token& token) {
    if (!made)
      return std::move(made).error();
    if (token.empty()) {
      unexpected_response u;
      u.status = 200;
      u.problem =
          "the new client's answer carried no client token (Authorization header); the ticket "
          "was not sent";
      return error(std::move(u));
    }
    before_ = session_ids(*made);
    return std::nullopt;
  }

  // 2. The sign-in, sent once; then recovered() tells whether the client
  // must be read back.
  const sign_in_with_ticket& sign_in() const noexcept { return sign_in_; }
  std::optional<error> on_sign_in(result<sign_in_answer>& signed_in) {
    if (!signed_in) {
      if (sign_in_not_done(signed_in.error()))
        return std::move(signed_in).error();
      lost_.emplace(std::move(signed_in).error());
      return std::nullopt;
    }
    const sign_in_attempt& attempt = signed_in->response;
    if (attempt.status.value() != sign_in_status::kind::complete || !attempt.created_session_id ||
        attempt.created_session_id->empty())
      return sign_in_incomplete(attempt);
    out_.session_id = *attempt.created_session_id;
    if (signed_in->client)
      if (const session* s = signed_in->client->find(out_.session_id))
        out_.user_id = std::string(s->user_id());
    return std::nullopt;
  }
  bool must_recover() const noexcept { return lost_.has_value(); }
  std::optional<error> on_recovery(const result<client_answer>& client) {
    if (!client)
      return lost_sign_in(*lost_, read_back_failed(client.error()));
    const new_sessions found = find_new_sessions(*client, before_, user_id_);
    if (found.count == 0)
      return lost_sign_in(*lost_, "no new session is on the client");
    // Without a user to match, a second new session (another sign-in on this
    // client) makes the choice a guess.
    if (!user_id_ && found.count > 1)
      return lost_sign_in(*lost_, std::to_string(found.count) +
                                      " new sessions are on the client, with no user known to "
                                      "tell which one is this sign-in's (set "
                                      "consume_options::expected_user_id)");
    out_.session_id = found.first->id;
    out_.user_id = std::string(found.first->user_id());
    out_.recovered = true;
    return std::nullopt;
  }

  // 3. Make it the active session, 4. mint its first JWT. From here on the
  // ticket is spent: an error names the session.
  touch_session touch() const {
    touch_session t;
    t.session_id = out_.session_id;
    t.intent.emplace(touch_intent::kind::select_session);
    return t;
  }
  std::optional<error> on_touch(result<session_answer>& touched) {
    if (!touched)
      return with_session(std::move(touched).error());
    out_.status = touched->response.status;
    if (out_.user_id.empty())
      out_.user_id = std::string(touched->response.user_id());
    return std::nullopt;
  }
  mint_session_token mint() const { return {.session_id = out_.session_id}; }
  result<ticket_sign_in> on_mint(result<session_token>& jwt) {
    if (!jwt)
      return with_session(std::move(jwt).error());
    out_.jwt = std::move(jwt->jwt);
    return std::move(out_);
  }

 private:
  error with_session(error e) const {
    e.set_session_id(out_.session_id);
    return e;
  }

  sign_in_with_ticket sign_in_;
  consume_options options_;
  std::optional<std::string> user_id_;
  std::vector<std::string> before_;
  std::optional<error> lost_;
  ticket_sign_in out_;
};

}  // namespace detail

// Redeems `ticket` for `token`'s client through `fapi`, a client of the
// Frontend API, and returns the new session (active, or pending its session
// tasks: see ticket_sign_in::status) with its first JWT.
// `token` is the caller's state: when empty (or no longer valid), a client is
// created first (POST /v1/client), and its answer must carry a client token,
// so that the sign-in is bound to a token the caller holds; it takes the
// rotated token of every answer.
//
// The sign-in is never sent twice: the client's policy retries it only after
// a 429 or a failure known to have left nothing sent. Any other failure (a
// transport error after sending, a 5xx, a proxy's page, an unusable 2xx) may
// follow a sign-in Clerk carried out: the client is then read back, and a
// session that appeared on it since, active or pending, of the expected user
// (by default the ticket's own; with no user known, only a lone new session),
// is adopted: `recovered` is then true. Reading the client, touch and mint
// are idempotent, retried by the policy.
//
// Returns, with nothing sent, an invalid_request for an empty or malformed
// ticket or an unsendable client token; otherwise the first error met:
// Clerk's (frontend_error() tells ticket_already_used, ticket_expired, ...
// apart), a transport error, an unexpected_response (a new client without a
// client token: the ticket was not sent), or a sign_in_incomplete one. Once
// the ticket made a session, an error carries its id (error::session_id()).
template <transport T, waiter W>
result<ticket_sign_in> consume_ticket(const client<T, W, frontend_config>& fapi,
                                      client_token& token, const secret& ticket,
                                      const consume_options& options = {}) {
  detail::ticket_flow flow(ticket, options);
  if (auto e = flow.check(fapi.config(), token, fapi.policy()))
    return std::move(*e);
  if (!token.empty()) {
    auto current = fapi.send(read_client{}, token);
    if (auto e = flow.on_read(current, token))
      return std::move(*e);
  }
  if (token.empty()) {
    auto made = fapi.send(create_client{}, token);
    if (auto e = flow.on_create(made, token))
      return std::move(*e);
  }
  auto signed_in = fapi.send(flow.sign_in(), token);
  if (auto e = flow.on_sign_in(signed_in))
    return std::move(*e);
  if (flow.must_recover())
    if (auto e = flow.on_recovery(fapi.send(read_client{}, token)))
      return std::move(*e);
  auto touched = fapi.send(flow.touch(), token);
  if (auto e = flow.on_touch(touched))
    return std::move(*e);
  auto jwt = fapi.send(flow.mint(), token);
  return flow.on_mint(jwt);
}

}  // namespace frontend
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
