// Retries without I/O: a validated policy, and a state machine that takes
// each failed attempt and says "stop" or "wait this long, then send again".
// The caller (client::send, the Asio adapter, your own loop) does the waiting
// and reads the clocks; the library never does.
#ifndef CLERK_RETRY_HPP
#define CLERK_RETRY_HPP

#include <clerk/detail/decl.hpp>
#include <clerk/error.hpp>
#include <clerk/result.hpp>
#include <clerk/retry_stop.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

struct retry_options {
  unsigned max_attempts = 3;  // counting the first; 1 turns retries off; at most 100
  std::chrono::milliseconds base_delay{500};                            // the first backoff
  std::chrono::milliseconds max_delay{std::chrono::seconds(8)};         // one wait, at most
  std::chrono::milliseconds max_total_delay{std::chrono::seconds(30)};  // all waits together
  // From the start of the first attempt: no attempt starts after it, and the
  // driver cuts each attempt's timeout to the time left.
  std::chrono::milliseconds deadline{std::chrono::seconds(60)};
  // Creating a token is not idempotent: after a 5xx or a transport failure
  // that may have reached Clerk, a second attempt can leave two valid tokens
  // for the user. Off unless the caller accepts that.
  bool retry_create_after_possible_delivery = false;
  friend bool operator==(const retry_options&, const retry_options&) = default;
};

class retry_policy {
 public:
  // The defaults of retry_options: 3 attempts, 0.5 s doubling to 8 s, 30 s of
  // waits, a 60 s deadline.
  retry_policy() = default;

  // A policy, or an invalid_request naming the option at fault: max_attempts
  // outside 1..100, a negative delay, max_delay below base_delay, a deadline
  // that is not positive. Large values are fine: the arithmetic saturates.
  static result<retry_policy> make(retry_options o);

  // One attempt, no waits and no deadline of its own: what a client without
  // a policy does. The attempt's timeout is the configured one, uncut.
  static retry_policy none() noexcept {
    retry_options o;
    o.max_attempts = 1;
    o.deadline = std::chrono::milliseconds::max();
    return retry_policy(o);
  }

  const retry_options& options() const noexcept { return o_; }

  friend bool operator==(const retry_policy&, const retry_policy&) = default;

 private:
  explicit retry_policy(const retry_options& o) noexcept : o_(o) {}

  retry_options o_;
};

// What the driver read when an attempt failed. The library has no clock.
struct retry_clock {
  std::chrono::milliseconds elapsed{0};  // since the first attempt began (a steady clock)
  std::chrono::sys_seconds now{};        // the wall clock, for an HTTP-date Retry-After
  double jitter = 1.0;                   // uniform in [0, 1]; outside it is clamped, NaN is 0
};

// The state machine's answer to a failed attempt.
struct retry_step {
  bool retry = false;
  std::chrono::milliseconds delay{0};  // when retry: wait this long, then send again
  retry_stop stop = retry_stop::none;  // when not: why
  friend bool operator==(const retry_step&, const retry_step&) = default;
};

// One operation's retries. Feed it every failed attempt; it counts attempts
// and waits, and stamps the error it gives up on with the attempt count and
// the reason (error::attempts(), error::stop()).
//
//   429 is retried after Retry-After (or backoff), for every operation;
//   5xx and transport failures that may have reached Clerk only when the
//   operation is idempotent (or the options opt in);
//   transport failures known not to have been sent always;
//   anything else never.
class retry_state {
 public:
  // `done_code` is the Clerk error code that, met on a retry after an
  // earlier attempt may have reached Clerk, means that attempt may have done
  // the work (revoke: sign_in_token_cannot_be_revoked_code); empty for none.
  retry_state(const retry_policy& policy, bool idempotent, std::string_view done_code = {}) noexcept
      : o_(policy.options()), idempotent_(idempotent), done_code_(done_code) {}

  // Attempts made so far (failed ones: a success ends the loop).
  unsigned attempts() const noexcept { return attempts_; }

  // The timeout for the next attempt: the configured one, cut to the time
  // left before the deadline.
  std::chrono::milliseconds attempt_timeout(std::chrono::milliseconds configured,
                                            std::chrono::milliseconds elapsed) const noexcept {
    auto left = left_before_deadline(elapsed);
    return configured < left ? configured : left;
  }

  // After attempt number attempts()+1 failed with `e`: retry after a delay,
  // or stop. On stop, `e` records attempts() and the reason.
  retry_step on_failure(error& e, const retry_clock& c) noexcept;

  // The driver was cancelled, during a wait or (`in_attempt`) during an
  // attempt that ended with `e`: record it in `e`.
  void on_cancelled(error& e, bool in_attempt = false) const noexcept {
    e.set_attempts(attempts_ + (in_attempt ? 1 : 0), retry_stop::cancelled);
  }

 private:
  using ms = std::chrono::milliseconds;

  static bool may_have_reached_clerk(const error& e) noexcept;
  bool is_done_answer(const error& e) const noexcept;

  ms left_before_deadline(ms elapsed) const noexcept {
    if (elapsed.count() < 0)
      elapsed = ms(0);
    return elapsed >= o_.deadline ? ms(0) : o_.deadline - elapsed;
  }

  retry_step next(const error& e, const retry_clock& c) const noexcept;
  // Exponential from base_delay, capped at max_delay, with "equal jitter":
  // between half and all of it.
  ms backoff(double jitter) const noexcept;

  retry_options o_;
  bool idempotent_;
  std::string_view done_code_;
  unsigned attempts_ = 0;
  ms waited_{0};
  bool maybe_delivered_ = false;
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/retry.ipp>
#endif

#endif
