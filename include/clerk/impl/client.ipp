// Definitions for <clerk/client.hpp>: the retry loop every send shares.
#ifndef CLERK_IMPL_CLIENT_IPP
#define CLERK_IMPL_CLIENT_IPP

#include <clerk/client.hpp>
#include <clerk/detail/response.hpp>
#include <clerk/operation.hpp>

#include <boost/assert.hpp>

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

CLERK_BACKEND_DECL void wipe_secrets(http_request& r) noexcept {
  r.headers.wipe_value("authorization");
  wipe(r.body.data(), r.body.size());
}

CLERK_BACKEND_DECL void wipe_secrets(http_response& r) noexcept {
  r.headers.wipe_value("authorization");
  wipe(r.body.data(), r.body.size());
}

CLERK_BACKEND_DECL std::optional<error> send_declared(const declared_call& c,
                                                      const retry_policy& policy,
                                                      const waiter_ref& w) {
  const service_ref& svc = c.service;
  auto request = build_request(c.op_info, c.op, svc.base_url, svc.cfg, svc.prepare);
  if (!request)
    return std::move(request).error();
  request->max_body_bytes = svc.limits.max_body_bytes;  // the transport's cap
  struct state {
    const declared_call& c;
    mutable bool read_2xx;
  } s{c, false};
  auto attempt = [](const void* p, const http_request& r) -> std::optional<error> {
    const auto& st = *static_cast<const state*>(p);
    transport_result response = st.c.transport.call(st.c.transport.self, r);
    if (!response)
      return error(std::move(response).error());
    // Only a 2xx is read into the answer (parse_into checks the status
    // first), and no policy retries after a 2xx: no attempt finds the answer
    // half-filled by an earlier one.
    BOOST_ASSERT(!st.read_2xx);
    st.read_2xx = response->status >= 200 && response->status <= 299;
    auto e = parse_into(st.c.answer_info, st.c.answer, *response, st.c.service.limits);
    wipe_secrets(*response);
    return e;
  };
  auto e = run_attempts(*request, policy, c.idempotent, c.done_code, {&s, attempt}, w);
  wipe_secrets(*request);
  return e;
}

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
