// What went wrong with a Frontend API call, as one value a program can
// switch on: Clerk's ticket codes and the statuses a native client acts on.
#ifndef CLERK_FRONTEND_ERRORS_HPP
#define CLERK_FRONTEND_ERRORS_HPP

#include <clerk/error.hpp>
#include <clerk/version.hpp>

#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace frontend {

enum class frontend_errc {
  other,                  // none of the below (see the error itself)
  ticket_expired,         // 400 ticket_expired_code: ask the backend for a new token
  ticket_invalid,         // 400 ticket_invalid_code: malformed, or another instance's
  ticket_already_used,    // 400 sign_in_token_already_used_code: single use
  ticket_revoked,         // 400 sign_in_token_revoked_code
  ticket_cannot_be_used,  // 400 sign_in_token_cannot_be_used_code
  ticket_not_in_sign_in,  // 400 sign_in_token_not_in_sign_in_code
  session_exists,         // 400 session_exists: single-session instance, already signed in
  native_api_disabled,    // 400 native_api_disabled: turn on the Native API in the dashboard
  unauthorized,           // 401: the client token is not (or no longer) valid, or signed out
  forbidden,              // 403: the user is locked, banned or not allowed
  invalid_form,           // 422: a form field is missing or invalid
  rate_limited,           // 429: wait (error::retry_after()) and try again
  sign_in_incomplete,     // 200, but the sign-in's status is not "complete"
};

constexpr std::string_view to_string(frontend_errc e) noexcept {
  switch (e) {
    case frontend_errc::ticket_expired:
      return "ticket_expired";
    case frontend_errc::ticket_invalid:
      return "ticket_invalid";
    case frontend_errc::ticket_already_used:
      return "ticket_already_used";
    case frontend_errc::ticket_revoked:
      return "ticket_revoked";
    case frontend_errc::ticket_cannot_be_used:
      return "ticket_cannot_be_used";
    case frontend_errc::ticket_not_in_sign_in:
      return "ticket_not_in_sign_in";
    case frontend_errc::session_exists:
      return "session_exists";
    case frontend_errc::native_api_disabled:
      return "native_api_disabled";
    case frontend_errc::unauthorized:
      return "unauthorized";
    case frontend_errc::forbidden:
      return "forbidden";
    case frontend_errc::invalid_form:
      return "invalid_form";
    case frontend_errc::rate_limited:
      return "rate_limited";
    case frontend_errc::sign_in_incomplete:
      return "sign_in_incomplete";
    case frontend_errc::other:
      break;
  }
  return "other";
}

namespace detail {
// The problem text of the unexpected_response for a sign-in that did not
// complete; frontend_error() recognises it by this start.
inline constexpr std::string_view sign_in_incomplete_problem = "sign-in status is ";
}  // namespace detail

// What `e` is, for a program to act on: the first Clerk error code it knows,
// else the HTTP status class, else other.
inline frontend_errc frontend_error(const error& e) noexcept {
  if (const auto* u = e.as_unexpected_response();
      u && u->status >= 200 && u->status <= 299 &&
      std::string_view(u->problem).starts_with(detail::sign_in_incomplete_problem))
    return frontend_errc::sign_in_incomplete;
  struct entry {
    std::string_view code;
    frontend_errc value;
  };
  static constexpr entry codes[] = {
      {"ticket_expired_code", frontend_errc::ticket_expired},
      {"ticket_invalid_code", frontend_errc::ticket_invalid},
      {"sign_in_token_already_used_code", frontend_errc::ticket_already_used},
      {"sign_in_token_revoked_code", frontend_errc::ticket_revoked},
      {"sign_in_token_cannot_be_used_code", frontend_errc::ticket_cannot_be_used},
      {"sign_in_token_not_in_sign_in_code", frontend_errc::ticket_not_in_sign_in},
      {"session_exists", frontend_errc::session_exists},
      {"native_api_disabled", frontend_errc::native_api_disabled},
  };
  if (const api_error* a = e.as_api())
    for (const auto& c : a->errors)
      for (const auto& known : codes)
        if (c.code == known.code)
          return known.value;
  switch (e.http_status()) {  // 0 without a response
    case 401:
      return frontend_errc::unauthorized;
    case 403:
      return frontend_errc::forbidden;
    case 422:
      return frontend_errc::invalid_form;
    case 429:
      return frontend_errc::rate_limited;
    default:
      return frontend_errc::other;
  }
}

}  // namespace frontend
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
