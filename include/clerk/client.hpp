// A client over any transport: build, send, parse in one call.
#ifndef CLERK_CLIENT_HPP
#define CLERK_CLIENT_HPP

#include <clerk/config.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/result.hpp>
#include <clerk/retry.hpp>
#include <clerk/transport.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <concepts>
#include <functional>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// An operation has a pure builder and a pure parser, found by ADL.
template <class Op>
concept operation = requires(const Op& op, const config& cfg, const http_response& r,
                             const response_limits& lim) {
  typename Op::response_type;
  { Op::idempotent } -> std::convertible_to<bool>;
  { build_request(op, cfg) } -> std::same_as<result<http_request>>;
  { parse_response(op, r, lim) } -> std::same_as<result<typename Op::response_type>>;
};

// Holds a validated config and a transport, nothing mutable: share one across
// threads when the transport allows it.
template <transport Transport>
class client {
 public:
  client(clerk::config cfg, Transport t) : config_(std::move(cfg)), transport_(std::move(t)) {}

  // The operation's result: the parsed response, or an invalid_request (not
  // sent), transport, api or unexpected_response error.
  template <operation Op>
  result<typename Op::response_type> send(const Op& op) const {
    auto request = build_request(op, config_);
    if (!request)
      return std::move(request).error();
    return send_built(op, *request);
  }

  // The same, retried as `policy` decides. The library never waits: it calls
  // sleep(std::chrono::milliseconds) between attempts, now() (a
  // std::chrono::system_clock time point) for HTTP-date Retry-After values,
  // and jitter() (a double in [0, 1]) for backoff. The request is built once
  // and sent unchanged on every attempt.
  template <operation Op, class Sleep, class Now, class Jitter>
  result<typename Op::response_type> send(const Op& op, const retry_policy& policy, Sleep&& sleep,
                                          Now&& now, Jitter&& jitter) const {
    auto request = build_request(op, config_);
    if (!request)
      return std::move(request).error();
    std::chrono::milliseconds waited{0};
    for (unsigned attempt = 1;; ++attempt) {
      auto outcome = send_built(op, *request);
      if (outcome)
        return outcome;
      auto d = policy.decide(Op::idempotent, attempt, outcome.error(), waited,
                             std::chrono::floor<std::chrono::seconds>(now()), jitter());
      if (!d.retry)
        return outcome;
      sleep(d.delay);
      waited += d.delay;
    }
  }

  const clerk::config& config() const noexcept { return config_; }
  const Transport& transport() const noexcept { return transport_; }

 private:
  template <operation Op>
  result<typename Op::response_type> send_built(const Op& op, const http_request& request) const {
    transport_result response = std::invoke(transport_, request);
    if (!response)
      return clerk::error(std::move(response).error());
    return parse_response(op, *response, config_.limits());
  }

  clerk::config config_;
  Transport transport_;
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
