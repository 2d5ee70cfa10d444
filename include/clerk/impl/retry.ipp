// Definitions for <clerk/retry.hpp>.
#ifndef CLERK_IMPL_RETRY_IPP
#define CLERK_IMPL_RETRY_IPP

#include <clerk/retry.hpp>

#include <chrono>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

CLERK_BACKEND_DECL result<retry_policy> retry_policy::make(retry_options o) {
  auto bad = [](const char* field, const char* reason) {
    return clerk::error(invalid_request{field, reason});
  };
  if (o.max_attempts < 1 || o.max_attempts > 100)
    return bad("max_attempts", "must be between 1 and 100");
  if (o.base_delay.count() < 0)
    return bad("base_delay", "must not be negative");
  if (o.max_delay < o.base_delay)
    return bad("max_delay", "must not be less than base_delay");
  if (o.max_total_delay.count() < 0)
    return bad("max_total_delay", "must not be negative");
  if (o.deadline.count() <= 0)
    return bad("deadline", "must be positive");
  return retry_policy(o);
}

CLERK_BACKEND_DECL retry_step retry_state::on_failure(error& e, const retry_clock& c) noexcept {
  if (attempts_ < 1000)
    ++attempts_;
  retry_step step = next(e, c);
  if (may_have_reached_clerk(e))
    maybe_delivered_ = true;
  if (step.retry)
    waited_ += step.delay;
  else
    e.set_attempts(attempts_, step.stop);
  return step;
}

CLERK_BACKEND_DECL bool retry_state::may_have_reached_clerk(const error& e) noexcept {
  if (const auto* t = e.as_transport())
    return !t->request_not_sent;
  return e.http_status() >= 500 && e.http_status() <= 599;
}

CLERK_BACKEND_DECL bool retry_state::is_done_answer(const error& e) const noexcept {
  const auto* a = e.as_api();
  if (done_code_.empty() || a == nullptr || a->status != 400)
    return false;
  for (const auto& ce : a->errors)
    if (ce.code == done_code_)
      return true;
  return false;
}

CLERK_BACKEND_DECL retry_step retry_state::next(const error& e,
                                                const retry_clock& c) const noexcept {
  auto stop = [](retry_stop why) { return retry_step{false, ms(0), why}; };
  if (maybe_delivered_ && is_done_answer(e))
    return stop(retry_stop::maybe_done_earlier);
  const int status = e.http_status();
  const bool repeatable = idempotent_ || o_.retry_create_after_possible_delivery;
  if (const auto* t = e.as_transport()) {
    if (!t->request_not_sent && !repeatable)
      return stop(retry_stop::may_have_reached_clerk);
  } else if (status >= 500 && status <= 599) {
    if (!repeatable)
      return stop(retry_stop::may_have_reached_clerk);
  } else if (status != 429) {
    return stop(retry_stop::not_retryable);
  }
  if (attempts_ >= o_.max_attempts)
    return stop(retry_stop::attempts_exhausted);

  ms delay;
  if (auto ra = e.retry_after()) {
    // At most 2^40 s: fits milliseconds' 64 bits.
    delay = std::chrono::duration_cast<ms>(ra->delay(c.now));
    if (delay > o_.max_delay)
      return stop(retry_stop::retry_after_too_long);
  } else {
    delay = backoff(c.jitter);
  }
  if (delay > o_.max_total_delay - waited_)  // waited_ <= max_total_delay always
    return stop(retry_stop::delay_budget_exhausted);
  if (delay >= left_before_deadline(c.elapsed))
    return stop(retry_stop::deadline);
  return {true, delay, retry_stop::none};
}

// Exponential from base_delay, capped at max_delay, with "equal jitter":
// between half and all of it. Doubling stops at the cap, so it cannot
// overflow; the jitter is clamped, NaN counting as 0.
CLERK_BACKEND_DECL retry_state::ms retry_state::backoff(double jitter) const noexcept {
  if (!(jitter > 0.0))
    jitter = 0.0;
  if (jitter > 1.0)
    jitter = 1.0;
  ms d = o_.base_delay;
  for (unsigned i = 1; i < attempts_ && d < o_.max_delay; ++i)
    d = d > o_.max_delay / 2 ? o_.max_delay : d * 2;
  if (d > o_.max_delay)
    d = o_.max_delay;
  ms half = d / 2;
  auto extra = static_cast<double>((d - half).count()) * jitter;  // <= d - half
  return half + ms(static_cast<ms::rep>(extra));
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
