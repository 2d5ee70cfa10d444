// Retries as a pure policy: it decides, the caller waits.
#ifndef CLERK_RETRY_HPP
#define CLERK_RETRY_HPP

#include <clerk/error.hpp>
#include <clerk/version.hpp>

#include <algorithm>
#include <chrono>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

struct retry_options {
  unsigned max_attempts = 3;  // counting the first; 1 turns retries off
  std::chrono::milliseconds max_total_delay{std::chrono::seconds(30)};  // all waits together
  std::chrono::milliseconds base_delay{500};                            // the first backoff
  std::chrono::milliseconds max_delay{std::chrono::seconds(8)};         // one wait, at most
  // Creating a token is not idempotent: after a 5xx or a transport failure
  // that may have reached Clerk, a second attempt can leave two valid tokens
  // for the user. Off unless the caller accepts that.
  bool retry_create_after_possible_delivery = false;
};

struct retry_decision {
  bool retry = false;
  std::chrono::milliseconds delay{0};  // how long to wait before the next attempt
  std::string_view reason;             // why, for logs
  friend bool operator==(const retry_decision&, const retry_decision&) = default;
};

class retry_policy {
 public:
  retry_policy() = default;
  explicit retry_policy(retry_options o) : o_(o) {}

  const retry_options& options() const noexcept { return o_; }

  // Whether to try again after attempt number `attempt` (1-based) of an
  // operation failed with `e`, having already waited `waited` in total.
  // `now` is the caller's clock (for an HTTP-date Retry-After) and `jitter`
  // a random number in [0, 1] from the caller's source. Pure: the same
  // arguments give the same decision.
  retry_decision decide(bool idempotent, unsigned attempt, const error& e,
                        std::chrono::milliseconds waited, std::chrono::sys_seconds now,
                        double jitter) const noexcept {
    const int status = e.http_status();
    bool retryable = false;
    std::string_view reason;
    if (const auto* t = e.as_transport()) {
      if (t->request_not_sent) {
        retryable = true;
        reason = "transport failed before sending";
      } else {
        retryable = idempotent || o_.retry_create_after_possible_delivery;
        reason = retryable ? "transport failed"
                           : "transport failed after the request may have been sent";
      }
    } else if (status == 429) {
      retryable = true;  // Clerk refused it unprocessed
      reason = "rate limited";
    } else if (status >= 500 && status <= 599) {
      retryable = idempotent || o_.retry_create_after_possible_delivery;
      reason = retryable ? "server error" : "server error; create may have succeeded";
    } else {
      reason = "not retryable";
    }
    if (!retryable)
      return {false, {}, reason};
    if (attempt >= o_.max_attempts)
      return {false, {}, "attempts exhausted"};

    std::chrono::milliseconds delay;
    if (auto ra = e.retry_after()) {
      delay = ra->delay(now);
      if (delay > o_.max_delay)
        return {false, {}, "Retry-After exceeds max_delay"};
    } else {
      delay = backoff(attempt, jitter);
    }
    if (waited + delay > o_.max_total_delay)
      return {false, {}, "delay budget exhausted"};
    return {true, delay, reason};
  }

 private:
  // Exponential, capped, with "equal jitter": between half and all of it.
  std::chrono::milliseconds backoff(unsigned attempt, double jitter) const noexcept {
    jitter = std::clamp(jitter, 0.0, 1.0);
    auto d = o_.base_delay;
    for (unsigned i = 1; i < attempt && d < o_.max_delay; ++i)
      d *= 2;
    d = std::min(d, o_.max_delay);
    auto half = d / 2;
    return half + std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(
                      double((d - half).count()) * jitter));
  }

  retry_options o_;
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
