// Definitions for <clerk/error.hpp>.
#ifndef CLERK_IMPL_ERROR_IPP
#define CLERK_IMPL_ERROR_IPP

#include <clerk/detail/text.hpp>
#include <clerk/error.hpp>
#include <clerk/redact.hpp>

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <variant>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

namespace detail {

// Appends `text` on one line: redacted, then escaped as model printing
// escapes strings (http::redact_one_line: controls, DEL, C1 controls such as
// NEL, U+2028 and U+2029, bytes that are not UTF-8, backslashes doubled), so
// that a server's text cannot start a line of its own in a log. Cut at
// `limit` bytes of the escaped text, never inside an escape or a UTF-8
// sequence, with "..." when longer.
inline void append_one_line(std::string& out, std::string_view text, std::size_t limit) {
  const std::string clean = http::redact_one_line(text);
  // The escaped text holds valid UTF-8 and escapes that start with '\':
  // "\\", "\n", "\r", "\t", "\xff" or "\u2028".
  auto unit = [&](std::size_t i) -> std::size_t {
    auto c = static_cast<unsigned char>(clean[i]);
    if (c == '\\')
      return clean[i + 1] == 'u' ? 6 : clean[i + 1] == 'x' ? 4 : 2;
    return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  };
  std::size_t n = 0;
  while (n < clean.size() && n + unit(n) <= limit)
    n += unit(n);
  out.append(clean, 0, n);
  if (n < clean.size())
    out += "...";
}

inline void append_status(std::string& out, int status) {
  out += "HTTP ";
  out += std::to_string(status);
}

inline void append_trace(std::string& out, std::string_view trace) {
  if (trace.empty())
    return;
  out += " (trace id ";
  detail::append_one_line(out, trace, 128);
  out += ')';
}

}  // namespace detail

CLERK_BACKEND_DECL error::error(invalid_request e) : v_(std::move(e)) {}
CLERK_BACKEND_DECL error::error(transport_error e) : v_(std::move(e)) {}
CLERK_BACKEND_DECL error::error(api_error e) : v_(std::move(e)) {}
CLERK_BACKEND_DECL error::error(unexpected_response e) : v_(std::move(e)) {}
CLERK_BACKEND_DECL error::error(invalid_token e) : v_(std::move(e)) {}
CLERK_BACKEND_DECL error::error(invalid_webhook e) : v_(std::move(e)) {}
CLERK_BACKEND_DECL error::error(const error&) = default;
CLERK_BACKEND_DECL error::error(error&&) noexcept = default;
CLERK_BACKEND_DECL error& error::operator=(const error&) = default;
CLERK_BACKEND_DECL error& error::operator=(error&&) noexcept = default;
CLERK_BACKEND_DECL error::~error() = default;

CLERK_BACKEND_DECL bool error::equals(const error& other) const {
  return v_ == other.v_ && attempts_ == other.attempts_ && stop_ == other.stop_ &&
         session_id_ == other.session_id_;
}

CLERK_BACKEND_DECL std::string error::message() const {
  std::string out;
  if (const auto* r = as_invalid_request()) {
    out += "invalid request: ";
    detail::append_one_line(out, r->field, 64);
    out += ": ";
    detail::append_one_line(out, r->reason, 256);
  } else if (const auto* t = as_transport()) {
    out += "transport failed";
    if (t->request_not_sent)
      out += " (request not sent)";
    out += ": ";
    detail::append_one_line(out, t->message.empty() ? t->code.message() : t->message, 256);
    if (t->code) {
      out += " [code ";
      out += std::to_string(t->code.value());
      out += ']';
    }
  } else if (const auto* a = as_api()) {
    out += "Clerk API error: ";
    detail::append_status(out, a->status);
    for (const auto& e : a->errors) {
      out += "; ";
      detail::append_one_line(out, e.code, 64);
      out += ": ";
      detail::append_one_line(out, e.long_message.empty() ? e.message : e.long_message, 256);
    }
    if (a->retry_after) {
      out += "; retry after ";
      if (const auto* d = std::get_if<std::chrono::seconds>(&a->retry_after->value)) {
        out += std::to_string(d->count());
        out += " s";
      } else {
        out += "a date";
      }
    }
    detail::append_trace(out, a->clerk_trace_id);
  } else if (const auto* u = as_unexpected_response()) {
    out += "unexpected response: ";
    detail::append_status(out, u->status);
    if (!u->content_type.empty()) {
      out += " (";
      detail::append_one_line(out, u->content_type, 64);
      out += ')';
    }
    out += ": ";
    detail::append_one_line(out, u->problem, 256);
    if (!u->body_excerpt.empty()) {
      out += "; body starts: ";
      detail::append_one_line(out, u->body_excerpt, 120);
    }
    detail::append_trace(out, u->clerk_trace_id);
  } else if (const auto* t = as_invalid_token()) {
    out += "invalid token: ";
    out += to_string(t->reason);
    if (!t->claim.empty()) {
      out += ": ";
      detail::append_one_line(out, t->claim, 64);
    }
    if (!t->detail.empty()) {
      out += ": ";
      detail::append_one_line(out, t->detail, 256);
    }
  } else if (const auto* w = as_invalid_webhook()) {
    out += "invalid webhook: ";
    out += to_string(w->reason);
    if (!w->detail.empty()) {
      out += ": ";
      detail::append_one_line(out, w->detail, 256);
    }
  }
  // Only a retried call says how it ended: a single attempt needs no note.
  if (attempts_ > 1 || stop_ == retry_stop::maybe_done_earlier) {
    out += " [after ";
    out += std::to_string(attempts_);
    out += attempts_ == 1 ? " attempt: " : " attempts: ";
    out += to_string(stop_);
    out += ']';
  }
  if (!session_id_.empty()) {
    out += "; the ticket is spent: session ";
    detail::append_one_line(out, session_id_, 128);
    out += " is on the client";
  }
  return out;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
