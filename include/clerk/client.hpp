// A client over any transport: build, send, parse in one call.
#ifndef CLERK_CLIENT_HPP
#define CLERK_CLIENT_HPP

#include <clerk/config.hpp>
#include <clerk/detail/decl.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/model.hpp>
#include <clerk/operation.hpp>
#include <clerk/result.hpp>
#include <clerk/retry.hpp>
#include <clerk/transport.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <concepts>
#include <optional>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// An operation has a pure builder and a pure parser for a service, found by
// ADL: the generic ones of <clerk/operation.hpp> for a declared operation.
// One written by hand also says `static constexpr bool idempotent` and
// `static constexpr std::string_view already_done_code` (empty for none): both
// required, so that a misspelt one does not compile rather than vanish.
// `Service` is what the builder takes: clerk::config for the Backend API,
// frontend_call (a frontend_config bound to a client token) for the Frontend API.
template <class Op, class Service = config>
concept operation = requires(const Op& op, const Service& cfg, const http_response& r) {
  typename Op::response_type;
  requires declared_operation<Op> || requires {
    { Op::idempotent } -> std::convertible_to<bool>;
    { Op::already_done_code } -> std::convertible_to<std::string_view>;
  };
  { build_request(op, cfg) } -> std::same_as<result<http_request>>;
  { parse_response(op, r, cfg) } -> std::same_as<result<typename Op::response_type>>;
};

// A service whose every request carries the caller's state, bound per call:
// `Config::caller_state` (the Frontend API's client_token) and
// `cfg.bind(state)`, the service config a request is built with.
template <class Config>
concept stateful_service = requires(const Config& c, const typename Config::caller_state& s) {
  { c.bind(s) } -> service_config;
};

namespace detail {
// What client::send(op, state) builds with, and the state it takes; for a
// service without one, nothing an operation can be sent to.
template <class Config>
struct binding {
  struct none {};
  using service = none;
  using state = none;
};
template <stateful_service Config>
struct binding<Config> {
  using state = typename Config::caller_state;
  using service = decltype(std::declval<const Config&>().bind(std::declval<const state&>()));
};
}  // namespace detail

// What a retrying client needs from its caller, since the library has no
// clock, no sleep and no randomness of its own. Adapters ship one each
// (<clerk/transport/sleep.hpp> blocks the thread; the Asio adapter waits on
// a timer).
template <class W>
concept waiter = requires(const W& w, std::chrono::milliseconds d) {
  { w.wait(d) } -> std::same_as<bool>;  // false: cancelled, stop retrying
  { w.steady_now() } -> std::same_as<std::chrono::steady_clock::time_point>;
  { w.system_now() } -> std::same_as<std::chrono::system_clock::time_point>;
  { w.jitter() } -> std::convertible_to<double>;  // uniform in [0, 1]
};

// The waiter of a client without retries: never waits, reads no clock.
struct no_wait {
  bool wait(std::chrono::milliseconds) const noexcept { return false; }
  std::chrono::steady_clock::time_point steady_now() const noexcept { return {}; }
  std::chrono::system_clock::time_point system_now() const noexcept { return {}; }
  double jitter() const noexcept { return 0.0; }
};

namespace detail {
// Whether an operation may be sent again, and the Clerk error code that
// means "already done" by an earlier attempt: a declared operation says them
// in describe(), one written by hand as members (both required).
template <class Op>
constexpr bool idempotent_of() noexcept {
  if constexpr (declared_operation<Op>)
    return operation_info_of<Op>.idempotent;
  else
    return Op::idempotent;
}
template <class Op>
constexpr std::string_view already_done_code() noexcept {
  if constexpr (declared_operation<Op>)
    return operation_info_of<Op>.already_done;
  else
    return Op::already_done_code;
}

// What client::send's loop calls, type-erased so that the loop is compiled
// once: one attempt (nullopt when it succeeded), and the waiter.
struct attempt_ref {
  const void* self;
  std::optional<error> (*call)(const void* self, const http_request& request);
};
struct waiter_ref {
  const void* self;
  bool (*wait)(const void* self, std::chrono::milliseconds d);
  std::chrono::steady_clock::time_point (*steady_now)(const void* self);
  std::chrono::system_clock::time_point (*system_now)(const void* self);
  double (*jitter)(const void* self);
};

template <class W>
waiter_ref make_waiter_ref(const W& w) {
  return {
      &w,
      [](const void* s, std::chrono::milliseconds d) { return static_cast<const W*>(s)->wait(d); },
      [](const void* s) { return static_cast<const W*>(s)->steady_now(); },
      [](const void* s) { return static_cast<const W*>(s)->system_now(); },
      [](const void* s) { return static_cast<double>(static_cast<const W*>(s)->jitter()); }};
}

// A transport, type-erased: one per transport type, whatever the operation.
struct transport_ref {
  const void* self;
  transport_result (*call)(const void* self, const http_request& request);
};

template <class T>
transport_ref make_transport_ref(const T& t) {
  return {&t, [](const void* s, const http_request& r) -> transport_result {
            return (*static_cast<const T*>(s))(r);
          }};
}

// A service config, type-erased: where requests go, what they all carry, the
// limits their answers are read with.
struct service_ref {
  const void* cfg;
  std::string_view base_url;
  const response_limits& limits;
  std::optional<invalid_request> (*prepare)(const void* cfg, http_request& r);
};

template <class S>
service_ref make_service_ref(const S& s) {
  return {&s, s.base_url(), s.limits(), &prepare_for<S>};
}

// client::send of a declared operation, compiled once for all of them.
struct declared_call {
  const operation_info& op_info;
  const void* op;
  bool idempotent;
  std::string_view done_code;
  const field_info& answer_info;
  void* answer;  // a default-constructed answer
  service_ref service;
  transport_ref transport;
};

// The copies of secrets a call made (the Authorization header, a body that
// may hold a ticket or a token) overwritten with zeros before they are freed.
CLERK_BACKEND_DECL void wipe_secrets(http_request& r) noexcept;
CLERK_BACKEND_DECL void wipe_secrets(http_response& r) noexcept;

// Builds the request (an invalid_request error when a field is at fault: then
// nothing is sent), sends it through `c.transport` by `policy` and parses the
// answer into `c.answer`; nullopt when it holds the answer.
CLERK_BACKEND_DECL std::optional<error> send_declared(const declared_call& c,
                                                      const retry_policy& policy,
                                                      const waiter_ref& w);

// Sends `request` until an attempt succeeds (nullopt) or the policy stops
// (that attempt's error, with attempts() and stop()). Each attempt's timeout
// is the configured one cut to the time left before the policy's deadline.
CLERK_BACKEND_DECL std::optional<error> run_attempts(http_request& request,
                                                     const retry_policy& policy, bool idempotent,
                                                     std::string_view done_code,
                                                     const attempt_ref& attempt,
                                                     const waiter_ref& w);
}  // namespace detail

// Holds a validated service config (clerk::config for the Backend API,
// frontend_config for the Frontend API), a transport, a retry policy and a
// waiter, nothing mutable: share one across threads when the transport and
// waiter allow it.
template <transport Transport, waiter Waiter = no_wait, class Config = clerk::config>
class client {
 public:
  // Without a policy: one attempt a call, under the configured timeout.
  client(Config cfg, Transport t)
      : config_(std::move(cfg)), transport_(std::move(t)), policy_(retry_policy::none()) {}
  // Every send retries by `policy`, waiting through `w`.
  client(Config cfg, Transport t, retry_policy policy, Waiter w)
      : config_(std::move(cfg)),
        transport_(std::move(t)),
        policy_(std::move(policy)),
        waiter_(std::move(w)) {}

  // The operation's result: the parsed response, or an invalid_request (not
  // sent), transport, api or unexpected_response error. The request is built
  // once and sent unchanged on every attempt, except that its timeout is cut
  // to the time left before the policy's deadline. A failed call's error
  // tells how many attempts were made and why it stopped (attempts(),
  // stop()). The Backend API's form.
  template <operation<Config> Op>
  result<typename Op::response_type> send(const Op& op) const {
    return send_to(op, config_);
  }

  // The same on behalf of the caller's state: the Frontend API's client
  // token, which every request carries and every answer may rotate. The
  // token is read when the request is built and takes the answer's rotated
  // one (a successful answer's client_token) before this returns; a token
  // that is not visible ASCII is an invalid_request naming client_token,
  // nothing sent.
  template <operation<typename detail::binding<Config>::service> Op>
  result<typename Op::response_type> send(const Op& op,
                                          typename detail::binding<Config>::state& state) const {
    auto answer = send_to(op, config_.bind(state));
    if constexpr (requires { state.update(answer->client_token); })
      if (answer)
        state.update(answer->client_token);
    return answer;
  }

  const Config& config() const noexcept { return config_; }
  const Transport& transport() const noexcept { return transport_; }
  const retry_policy& policy() const noexcept { return policy_; }

 private:
  template <class Op, class Service>
  result<typename Op::response_type> send_to(const Op& op, const Service& service) const {
    if constexpr (declared_operation<Op> &&
                  !std::is_same_v<typename Op::response_type, no_content> &&
                  !std::is_same_v<typename Op::response_type, http_response>)
      return send_declared(op, service);
    else
      return send_any(op, service);
  }

  // A declared operation: the generic build_request and parse_response, in
  // one function compiled once (detail::send_declared), so that a translation
  // unit compiles the operation's table and this call only.
  template <class Op, class Service>
  result<typename Op::response_type> send_declared(const Op& op, const Service& service) const {
    using answer_type = typename Op::response_type;
    answer_type answer{};
    if (auto e = detail::send_declared(
            {detail::operation_info_of<Op>, &op, detail::idempotent_of<Op>(),
             detail::already_done_code<Op>(), detail::root_info<answer_type>, &answer,
             detail::make_service_ref(service), detail::make_transport_ref(transport_)},
            policy_, detail::make_waiter_ref(waiter_)))
      return std::move(*e);
    return answer;
  }

  // Any other operation: its own build_request and parse_response, found by ADL.
  template <class Op, class Service>
  result<typename Op::response_type> send_any(const Op& op, const Service& service) const {
    auto request = build_request(op, service);
    if (!request)
      return std::move(request).error();
    request->max_body_bytes = service.limits().max_body_bytes;  // the transport's cap
    std::optional<typename Op::response_type> answer;
    struct attempt_state {
      const client& self;
      const Op& op;
      const Service& service;
      std::optional<typename Op::response_type>& answer;
    } state{*this, op, service, answer};
    auto attempt = [](const void* p, const http_request& r) -> std::optional<error> {
      const auto& s = *static_cast<const attempt_state*>(p);
      transport_result response = s.self.transport_(r);
      if (!response)
        return clerk::error(std::move(response).error());
      auto parsed = parse_response(s.op, *response, s.service);
      detail::wipe_secrets(*response);
      if (!parsed)
        return std::move(parsed).error();
      s.answer.emplace(std::move(*parsed));
      return std::nullopt;
    };
    auto e = detail::run_attempts(*request, policy_, detail::idempotent_of<Op>(),
                                  detail::already_done_code<Op>(), {&state, attempt},
                                  detail::make_waiter_ref(waiter_));
    detail::wipe_secrets(*request);
    if (e)
      return std::move(*e);
    return std::move(*answer);
  }

  Config config_;
  Transport transport_;
  retry_policy policy_;
  Waiter waiter_{};
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/client.ipp>
#endif

#endif
