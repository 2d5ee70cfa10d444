// Definitions for <clerk/client.hpp>: the retry loop every send shares.
#ifndef CLERK_IMPL_CLIENT_IPP
#define CLERK_IMPL_CLIENT_IPP

#include <clerk/client.hpp>

#include <chrono>
#include <optional>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

CLERK_BACKEND_DECL std::optional<error> run_attempts(http_request& request,
                                                     const retry_policy& policy, bool idempotent,
                                                     std::string_view done_code,
                                                     const attempt_ref& attempt,
                                                     const waiter_ref& w) {
  retry_state state(policy, idempotent, done_code);
  const auto configured_timeout = request.timeout;
  const auto start = w.steady_now(w.self);
  auto elapsed = [&] {
    // Rounded up: never more time left than there is.
    return std::chrono::ceil<std::chrono::milliseconds>(w.steady_now(w.self) - start);
  };
  for (;;) {
    request.timeout = state.attempt_timeout(configured_timeout, elapsed());
    auto e = attempt.call(attempt.self, request);
    if (!e)
      return e;
    auto step = state.on_failure(
        *e, {elapsed(), std::chrono::floor<std::chrono::seconds>(w.system_now(w.self)),
             w.jitter(w.self)});
    if (!step.retry)
      return e;
    if (!w.wait(w.self, step.delay)) {
      state.on_cancelled(*e);
      return e;
    }
  }
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
