// Why a retrying send stopped: carried by the error it returns.
#ifndef CLERK_RETRY_STOP_HPP
#define CLERK_RETRY_STOP_HPP

#include <clerk/version.hpp>

#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

enum class retry_stop : unsigned char {
  // No retry loop ran: the error came from a builder, a parser or a bare
  // transport call, not from client::send.
  none,
  // The error is final: a 4xx other than 429, invalid input, an unusable 2xx.
  not_retryable,
  // A create met a 5xx or a transport failure after the request may have
  // reached Clerk: a second attempt could leave two valid tokens.
  may_have_reached_clerk,
  attempts_exhausted,      // retry_options::max_attempts attempts were made
  retry_after_too_long,    // the server's Retry-After exceeds retry_options::max_delay
  delay_budget_exhausted,  // the next wait would pass retry_options::max_total_delay
  deadline,                // the next attempt would start after retry_options::deadline
  cancelled,               // the caller's waiter was cancelled during a wait
  // A retry met the operation's "already done" answer after an earlier
  // attempt may have reached Clerk: that attempt may have done the work.
  // For revoke_sign_in_token: 400 sign_in_token_cannot_be_revoked_code, the
  // token is no longer pending (revoked, possibly by us, or accepted).
  maybe_done_earlier,
};

constexpr std::string_view to_string(retry_stop s) noexcept {
  switch (s) {
    case retry_stop::none:
      return "none";
    case retry_stop::not_retryable:
      return "not retryable";
    case retry_stop::may_have_reached_clerk:
      return "not retried: the request may have reached Clerk";
    case retry_stop::attempts_exhausted:
      return "attempts exhausted";
    case retry_stop::retry_after_too_long:
      return "Retry-After exceeds max_delay";
    case retry_stop::delay_budget_exhausted:
      return "delay budget exhausted";
    case retry_stop::deadline:
      return "deadline reached";
    case retry_stop::cancelled:
      return "cancelled";
    case retry_stop::maybe_done_earlier:
      return "an earlier attempt may have done it";
  }
  return "none";
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
