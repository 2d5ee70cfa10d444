// Redeeming a sign-in token in a native client, end to end: establish a
// client, sign in with the ticket exactly once, recover the session when the
// sign-in's answer is lost, make the session active and mint its first JWT.
// Sends through any clerk::transport; no retries, no sleeping.
#ifndef CLERK_FRONTEND_SIGN_IN_HPP
#define CLERK_FRONTEND_SIGN_IN_HPP

#include <clerk/error.hpp>
#include <clerk/frontend.hpp>
#include <clerk/frontend_config.hpp>
#include <clerk/frontend_errors.hpp>
#include <clerk/result.hpp>
#include <clerk/secret.hpp>
#include <clerk/transport.hpp>
#include <clerk/version.hpp>

#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// Sends one Frontend API operation once on behalf of `token`'s client, parses
// the answer and takes the client token it carries (token.update). Returns
// the answer, or the error: invalid_request (nothing sent), transport,
// api_error, unexpected_response.
template <declared_operation Op, transport T>
result<typename Op::response_type> frontend_send(const T& transport, const frontend_config& cfg,
                                                 client_token& token, const Op& op) {
  auto request = build_request(op, cfg, token);
  if (!request)
    return std::move(request).error();
  transport_result answer = transport(*request);
  if (!answer)
    return error(std::move(answer).error());
  auto parsed = parse_response(op, *answer, cfg);
  if (parsed)
    token.update(parsed->client_token);
  return parsed;
}

// What consume_ticket returns: an active session and its first JWT.
struct ticket_sign_in {
  std::string session_id;
  std::string user_id;
  session_status status;
  secret jwt;  // the session JWT; Clerk's live 60 s: mint the next with mint_session_token
  // True when the sign-in's answer was lost and the session was found on
  // the client afterwards.
  bool recovered = false;

  friend bool operator==(const ticket_sign_in&, const ticket_sign_in&) = default;
  friend std::ostream& operator<<(std::ostream& os, const ticket_sign_in& s) {
    return os << "clerk::ticket_sign_in{session_id=" << http::redact(s.session_id)
              << ", user_id=" << http::redact(s.user_id) << ", status=" << s.status
              << ", jwt=" << s.jwt << ", recovered=" << (s.recovered ? "true" : "false") << '}';
  }
};

struct consume_options {
  // When set, recovery adopts a session only if it belongs to this user.
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

// The session a lost sign-in made: active, on this client, not there before,
// and the expected user's when one is expected.
inline const session* new_session(const client_answer& a, const std::vector<std::string>& before,
                                  const consume_options& o) {
  const frontend_client* c = a.current();
  if (c == nullptr)
    return nullptr;
  for (const auto& s : c->sessions) {
    if (s.status != session_status::kind::active ||
        std::find(before.begin(), before.end(), s.id) != before.end())
      continue;
    if (o.expected_user_id && s.user_id() != *o.expected_user_id)
      continue;
    return &s;
  }
  return nullptr;
}

inline transport_error lost_sign_in(const transport_error& lost, std::string_view what) {
  transport_error e = lost;
  e.message = "the sign-in's answer was lost (" + lost.message + ") and " + std::string(what) +
              "; the ticket may be spent";
  e.request_not_sent = false;
  return e;
}

}  // namespace detail

// Redeems `ticket` for `token`'s client and returns the new session, active,
// with its first JWT. `token` is the caller's state: when empty, a client is
// created first (POST /v1/client), so that the sign-in is bound to a token the
// caller already holds; it is updated from every answer.
//
// The sign-in POST is sent exactly once. When its answer is lost (a
// transport error after the request may have been sent), the client is read
// back and a session that appeared on it since (of expected_user_id, when
// set) is adopted: `recovered` is then true. Returns, without sending the
// sign-in, an invalid_request for an empty or malformed ticket; otherwise the
// first error met: Clerk's (frontend_error() tells ticket_already_used,
// ticket_expired, ... apart), a transport error, or a sign_in_incomplete
// unexpected_response naming the status when the sign-in is not complete.
template <transport T>
result<ticket_sign_in> consume_ticket(const T& transport, const frontend_config& cfg,
                                      client_token& token, const secret& ticket,
                                      const consume_options& options = {}) {
  const sign_in_with_ticket sign_in{ticket};
  if (auto check = build_request(sign_in, cfg, client_token{}); !check)
    return std::move(check).error();

  // 1. A client whose token we hold, and the sessions it has now.
  std::vector<std::string> before;
  if (!token.empty()) {
    auto current = frontend_send(transport, cfg, token, read_client{});
    if (!current && frontend_error(current.error()) != frontend_errc::unauthorized)
      return std::move(current).error();
    if (current && current->current() != nullptr)
      before = detail::session_ids(*current);
    else
      token = client_token{};  // stale or signed-out token: start a new client
  }
  if (token.empty()) {
    auto made = frontend_send(transport, cfg, token, create_client{});
    if (!made)
      return std::move(made).error();
    before = detail::session_ids(*made);
  }

  // 2. The sign-in, once.
  ticket_sign_in out;
  auto request = build_request(sign_in, cfg, token);
  if (!request)
    return std::move(request).error();
  transport_result answer = transport(*request);
  if (!answer) {
    const transport_error& lost = answer.error();
    if (lost.request_not_sent)
      return error(lost);
    auto client = frontend_send(transport, cfg, token, read_client{});
    if (!client)
      return error(detail::lost_sign_in(
          lost, "reading the client back failed: " + client.error().message()));
    const session* s = detail::new_session(*client, before, options);
    if (s == nullptr)
      return error(detail::lost_sign_in(lost, "no new session is on the client"));
    out.session_id = s->id;
    out.user_id = std::string(s->user_id());
    out.recovered = true;
  } else {
    auto signed_in = parse_response(sign_in, *answer, cfg);
    if (!signed_in)
      return std::move(signed_in).error();
    token.update(signed_in->client_token);
    const sign_in_attempt& attempt = signed_in->response;
    if (attempt.status.value() != sign_in_status::kind::complete || !attempt.created_session_id ||
        attempt.created_session_id->empty()) {
      unexpected_response u;
      u.status = answer->status;
      u.content_type = std::string(answer->headers.find("content-type").value_or(""));
      u.body_size = answer->body.size();
      u.problem = std::string(detail::sign_in_incomplete_problem) + '"' +
                  std::string(attempt.status.raw()) + "\", not \"complete\"";
      if (attempt.status.value() == sign_in_status::kind::complete)
        u.problem = "sign-in is complete but names no created_session_id";
      u.clerk_trace_id = std::string(answer->headers.find("clerk-trace-id").value_or(""));
      return error(std::move(u));
    }
    out.session_id = *attempt.created_session_id;
    if (signed_in->client)
      if (const session* s = signed_in->client->find(out.session_id))
        out.user_id = std::string(s->user_id());
  }

  // 3. Make it the active session, 4. mint its first JWT.
  touch_session touch;
  touch.session_id = out.session_id;
  touch.intent.emplace(touch_intent::kind::select_session);
  auto touched = frontend_send(transport, cfg, token, touch);
  if (!touched)
    return std::move(touched).error();
  out.status = touched->response.status;
  if (out.user_id.empty())
    out.user_id = std::string(touched->response.user_id());
  mint_session_token mint;
  mint.session_id = out.session_id;
  auto jwt = frontend_send(transport, cfg, token, mint);
  if (!jwt)
    return std::move(jwt).error();
  out.jwt = std::move(jwt->jwt);
  return out;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
