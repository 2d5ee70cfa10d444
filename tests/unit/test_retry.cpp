#include <clerk/retry.hpp>

#include "support.hpp"

#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/client.hpp>

#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <system_error>
#include <vector>

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::sys_seconds;

namespace {

constexpr sys_seconds now{1445412000s};  // 2015-10-21T07:20:00Z

clerk::error status_error(int status, std::string retry_after = "", std::string code = "code") {
  clerk::api_error a;
  a.status = status;
  a.errors.push_back({std::move(code), "m", "l", {}});
  if (!retry_after.empty())
    a.retry_after = clerk::http::parse_retry_after(retry_after);
  return a;
}

clerk::error transport_failure(bool not_sent) {
  return clerk::transport_error{std::make_error_code(std::errc::connection_refused), "x", not_sent};
}

clerk::retry_policy policy(clerk::retry_options o) {
  auto p = clerk::retry_policy::make(o);
  REQUIRE_MESSAGE(p.has_value(), p.error().message());
  return *p;
}

// The step the state machine takes after `failures` failed attempts of
// which the last is `e`; the earlier ones are `e` too.
clerk::retry_step step_after(bool idempotent, clerk::error e, unsigned failures = 1,
                             double jitter = 1.0, clerk::retry_options o = {}) {
  clerk::retry_state s(policy(o), idempotent);
  clerk::retry_step step;
  for (unsigned i = 0; i < failures; ++i) {
    clerk::error copy = e;
    step = s.on_failure(copy, {0ms, now, jitter});
  }
  return step;
}

clerk::retry_step retry_after(milliseconds d) {
  return {true, d, clerk::retry_stop::none};
}
clerk::retry_step stopped(clerk::retry_stop why) {
  return {false, 0ms, why};
}

}  // namespace

TEST_CASE("429 is retried after Retry-After, for create and revoke alike") {
  for (bool idempotent : {false, true})
    CHECK(step_after(idempotent, status_error(429, "2")) == retry_after(2000ms));
}

TEST_CASE("an HTTP-date Retry-After counts from the caller's now") {
  CHECK(step_after(false, status_error(429, "Wed, 21 Oct 2015 07:20:05 GMT")) ==
        retry_after(5000ms));
  CHECK(step_after(false, status_error(429, "Wed, 21 Oct 2015 07:19:00 GMT")) == retry_after(0ms));
}

TEST_CASE("without Retry-After the wait is exponential, jittered between half and all, capped") {
  auto e = status_error(429);
  CHECK(step_after(true, e, 1, 0.0).delay == 250ms);
  CHECK(step_after(true, e, 1, 1.0).delay == 500ms);
  CHECK(step_after(true, e, 1, 0.5).delay == 375ms);
  CHECK(step_after(true, e, 2, 1.0).delay == 1000ms);
  clerk::retry_options many;
  many.max_attempts = 50;
  many.max_total_delay = 1h;
  many.deadline = 2h;
  CHECK(step_after(true, e, 3, 1.0, many).delay == 2000ms);
  CHECK(step_after(true, e, 40, 1.0, many).delay == 8000ms);
  CHECK(step_after(true, e, 40, 0.0, many).delay == 4000ms);
}

TEST_CASE("a jitter outside [0, 1] is clamped and a NaN jitter counts as 0") {
  auto e = status_error(429);
  CHECK(step_after(true, e, 1, 7.0).delay == 500ms);
  CHECK(step_after(true, e, 1, -3.0).delay == 250ms);
  CHECK(step_after(true, e, 1, std::nan("")).delay == 250ms);
  CHECK(step_after(true, e, 1, std::numeric_limits<double>::infinity()).delay == 500ms);
}

TEST_CASE("a Retry-After longer than max_delay is not waited out") {
  CHECK(step_after(true, status_error(429, "60")) ==
        stopped(clerk::retry_stop::retry_after_too_long));
}

TEST_CASE("5xx is retried for revoke but not for create, unless the caller opts in") {
  CHECK(step_after(true, status_error(500)).retry);
  CHECK(step_after(true, status_error(503, "1")) == retry_after(1000ms));
  CHECK(step_after(false, status_error(502)) == stopped(clerk::retry_stop::may_have_reached_clerk));
  clerk::retry_options opt_in;
  opt_in.retry_create_after_possible_delivery = true;
  CHECK(step_after(false, status_error(502), 1, 1.0, opt_in).retry);
}

TEST_CASE("a 503 HTML page from a proxy is retried for revoke with its Retry-After") {
  clerk::unexpected_response u;
  u.status = 503;
  u.retry_after = clerk::http::parse_retry_after("3");
  CHECK(step_after(true, u) == retry_after(3000ms));
}

TEST_CASE("a transport failure before sending is retried even for create") {
  CHECK(step_after(false, transport_failure(true)) == retry_after(500ms));
}

TEST_CASE("a transport failure that may have reached Clerk is retried only when idempotent") {
  CHECK(step_after(true, transport_failure(false)).retry);
  CHECK(step_after(false, transport_failure(false)) ==
        stopped(clerk::retry_stop::may_have_reached_clerk));
}

TEST_CASE("client errors and local validation are never retried") {
  for (int s : {400, 401, 403, 404, 422})
    CHECK(step_after(true, status_error(s)) == stopped(clerk::retry_stop::not_retryable));
  CHECK(step_after(true, clerk::invalid_request{"user_id", "must not be empty"}) ==
        stopped(clerk::retry_stop::not_retryable));
  clerk::unexpected_response malformed_2xx;
  malformed_2xx.status = 200;
  CHECK(step_after(true, malformed_2xx) == stopped(clerk::retry_stop::not_retryable));
}

TEST_CASE("attempts and the total delay are bounded") {
  CHECK(step_after(true, status_error(429, "1"), 3) ==
        stopped(clerk::retry_stop::attempts_exhausted));
  clerk::retry_options budget;
  budget.max_total_delay = 1500ms;
  CHECK(step_after(true, status_error(429, "1"), 2, 1.0, budget) ==
        stopped(clerk::retry_stop::delay_budget_exhausted));
  CHECK(step_after(true, status_error(429, "1"), 1, 1.0, {.max_attempts = 1}) ==
        stopped(clerk::retry_stop::attempts_exhausted));
  CHECK(step_after(true, status_error(429, "1"), 1, 1.0, clerk::retry_policy::none().options()) ==
        stopped(clerk::retry_stop::attempts_exhausted));
}

TEST_CASE("no attempt starts after the deadline, and each attempt's timeout is cut to it") {
  clerk::retry_state s(policy({.max_attempts = 10, .deadline = 5s}), true);
  CHECK(s.attempt_timeout(30s, 0ms) == 5s);
  CHECK(s.attempt_timeout(2s, 0ms) == 2s);
  CHECK(s.attempt_timeout(30s, 4200ms) == 800ms);
  CHECK(s.attempt_timeout(30s, 9s) == 0ms);
  CHECK(s.attempt_timeout(30s, -1s) == 5s);  // a clock that went back counts as no time

  auto e = status_error(503, "1");
  CHECK(s.on_failure(e, {3000ms, now, 1.0}) == retry_after(1000ms));
  CHECK(s.on_failure(e, {4000ms, now, 1.0}) == stopped(clerk::retry_stop::deadline));
  CHECK(e.attempts() == 2);
  CHECK(e.stop() == clerk::retry_stop::deadline);
}

TEST_CASE("the error given up on records how many attempts were made and why it stopped") {
  clerk::retry_state s(clerk::retry_policy(), true);
  clerk::error first = transport_failure(true);
  CHECK(s.on_failure(first, {0ms, now, 1.0}).retry);
  CHECK(first.attempts() == 0);  // not given up on
  clerk::error last = status_error(404);
  CHECK_FALSE(s.on_failure(last, {0ms, now, 1.0}).retry);
  CHECK(last.attempts() == 2);
  CHECK(last.stop() == clerk::retry_stop::not_retryable);
  CHECK(last.message().ends_with("[after 2 attempts: not retryable]"));
  CHECK(status_error(404).message().find("attempt") == std::string::npos);
}

TEST_CASE("a cancelled driver records the attempts made, counting one cut short") {
  clerk::retry_state s(clerk::retry_policy(), true);
  auto first = status_error(503, "1");
  CHECK(s.on_failure(first, {0ms, now, 1.0}).retry);
  clerk::error during_wait = first;
  s.on_cancelled(during_wait);
  CHECK(during_wait.attempts() == 1);
  CHECK(during_wait.stop() == clerk::retry_stop::cancelled);
  clerk::error during_attempt = transport_failure(false);
  s.on_cancelled(during_attempt, true);
  CHECK(during_attempt.attempts() == 2);
  CHECK(during_attempt.stop() == clerk::retry_stop::cancelled);
}

TEST_CASE(
    "a retried revoke that meets cannot_be_revoked after a possible delivery is its own "
    "outcome") {
  const auto code = clerk::detail::already_done_code<clerk::revoke_sign_in_token>();
  auto cannot = status_error(400, "", std::string(code));
  for (auto first : {status_error(502), transport_failure(false)}) {
    clerk::retry_state s(clerk::retry_policy(), true, code);
    CHECK(s.on_failure(first, {0ms, now, 1.0}).retry);
    clerk::error e = cannot;
    CHECK(s.on_failure(e, {0ms, now, 1.0}) == stopped(clerk::retry_stop::maybe_done_earlier));
    CHECK(e.stop() == clerk::retry_stop::maybe_done_earlier);
    CHECK(e.message().find("an earlier attempt may have done it") != std::string::npos);
  }
  SUBCASE("but not when no earlier attempt can have reached Clerk") {
    clerk::retry_state s(clerk::retry_policy(), true, code);
    auto limited = status_error(429, "1");
    auto refused = transport_failure(true);
    CHECK(s.on_failure(limited, {0ms, now, 1.0}).retry);
    CHECK(s.on_failure(refused, {0ms, now, 1.0}).retry);
    clerk::error e = cannot;
    CHECK(s.on_failure(e, {0ms, now, 1.0}) == stopped(clerk::retry_stop::not_retryable));
  }
  SUBCASE("nor on the first attempt") {
    clerk::retry_state s(clerk::retry_policy(), true, code);
    clerk::error e = cannot;
    CHECK(s.on_failure(e, {0ms, now, 1.0}) == stopped(clerk::retry_stop::not_retryable));
  }
}

TEST_CASE("retry_policy::make refuses options that would misbehave, naming the option") {
  auto field = [](clerk::retry_options o) {
    auto p = clerk::retry_policy::make(o);
    REQUIRE(p.has_error());
    REQUIRE(p.error().as_invalid_request() != nullptr);
    return p.error().as_invalid_request()->field;
  };
  CHECK(field({.max_attempts = 0}) == "max_attempts");
  CHECK(field({.max_attempts = 101}) == "max_attempts");
  CHECK(field({.base_delay = -1ms}) == "base_delay");
  CHECK(field({.base_delay = 10s, .max_delay = 1s}) == "max_delay");
  CHECK(field({.max_total_delay = -1ms}) == "max_total_delay");
  CHECK(field({.deadline = 0ms}) == "deadline");
  CHECK(field({.deadline = -5s}) == "deadline");
  CHECK(clerk::retry_policy::make({}).value() == clerk::retry_policy());
}

TEST_CASE("the largest options saturate: every wait is within bounds, none overflows") {
  constexpr auto huge = milliseconds::max();
  auto p = policy({.max_attempts = 100,
                   .base_delay = 500ms,
                   .max_delay = huge,
                   .max_total_delay = huge,
                   .deadline = huge});
  clerk::retry_state s(p, true);
  milliseconds last{0};
  for (unsigned i = 1; i < 100; ++i) {
    auto e = status_error(429);
    auto step = s.on_failure(e, {0ms, now, 1.0});
    CAPTURE(i);
    if (!step.retry) {  // the total budget binds before max_delay would
      CHECK(step.stop == clerk::retry_stop::delay_budget_exhausted);
      break;
    }
    CHECK(step.delay >= last);
    CHECK(step.delay.count() > 0);
    last = step.delay;
  }
  CHECK(last > 1000h);
  // An hour-long Retry-After against a huge cap and a deadline at the end of time.
  clerk::retry_state t(p, true);
  auto e = status_error(429, "3600");
  CHECK(t.on_failure(e, {huge - 1s, now, 1.0}) == stopped(clerk::retry_stop::deadline));
  // A first backoff of 292 million years does not fit a 60 s deadline.
  auto base_max = policy({.base_delay = huge, .max_delay = huge, .max_total_delay = huge});
  clerk::retry_state u(base_max, true);
  auto f = status_error(429);
  CHECK(u.on_failure(f, {0ms, now, 1.0}) == stopped(clerk::retry_stop::deadline));
}

namespace {

// The test's clock: waits advance it; attempts may too.
struct fake_time {
  std::vector<milliseconds> slept;
  std::chrono::steady_clock::time_point t{};
  bool cancel = false;
};

struct fake_waiter {
  fake_time* time;
  bool wait(milliseconds d) const {
    time->slept.push_back(d);
    time->t += d;
    return !time->cancel;
  }
  std::chrono::steady_clock::time_point steady_now() const { return time->t; }
  std::chrono::system_clock::time_point system_now() const {
    return std::chrono::system_clock::time_point(now.time_since_epoch());
  }
  double jitter() const { return 1.0; }
};
static_assert(clerk::waiter<fake_waiter>);
static_assert(clerk::waiter<clerk::no_wait>);

// Answers from a script, one response per call, recording every request;
// each call takes `cost` of the fake time.
struct scripted_transport {
  std::vector<clerk::transport_result> script{};
  std::vector<clerk::http_request> sent{};
  fake_time* time = nullptr;
  milliseconds cost{0};
  clerk::transport_result operator()(const clerk::http_request& r) {
    sent.push_back(r);
    if (time)
      time->t += cost;
    return script.at(sent.size() - 1);
  }
};

clerk::http_response rate_limited(std::string retry_after) {
  auto r = clerk_test::json_response(
      429, R"({"errors":[{"code":"too_many_requests","message":"m","long_message":"l"}]})");
  r.headers.add("Retry-After", std::move(retry_after));
  return r;
}

clerk::transport_result refused(std::string message = "refused") {
  return clerk::transport_error{{}, std::move(message), true};
}

auto retrying_client(scripted_transport& t, fake_time& time, clerk::retry_policy p = {}) {
  return clerk::client(clerk_test::make_config(), std::ref(t), p, fake_waiter{&time});
}

}  // namespace

TEST_CASE("the client waits out a 429 through its waiter and resends the same request") {
  scripted_transport t{
      {rate_limited("1"), clerk_test::json_response(200, clerk_test::sample_token_json())}};
  fake_time time;
  const auto client = retrying_client(t, time);
  auto r = client.send(clerk::create_sign_in_token{.user_id = "user_2xyz"});
  REQUIRE(r.has_value());
  CHECK(time.slept == std::vector<milliseconds>{1000ms});
  REQUIRE(t.sent.size() == 2);
  CHECK(t.sent[0] == t.sent[1]);
}

TEST_CASE("a client without a policy sends once and never waits") {
  scripted_transport t{{refused(), refused()}};
  const clerk::client client(clerk_test::make_config(), std::ref(t));
  auto r = client.send(clerk::revoke_sign_in_token{"sit_1"});
  REQUIRE(r.has_error());
  CHECK(t.sent.size() == 1);
  CHECK(r.error().attempts() == 1);
  CHECK(r.error().stop() == clerk::retry_stop::attempts_exhausted);
}

TEST_CASE("the client does not resend a create after a 500") {
  scripted_transport t{{clerk_test::response(500, "text/html", "<h1>oops</h1>")}};
  fake_time time;
  auto r = retrying_client(t, time).send(clerk::create_sign_in_token{.user_id = "u"});
  REQUIRE(r.has_error());
  CHECK(r.error().http_status() == 500);
  CHECK(r.error().stop() == clerk::retry_stop::may_have_reached_clerk);
  CHECK(t.sent.size() == 1);
  CHECK(time.slept.empty());
}

TEST_CASE("the client gives up after max_attempts and returns the last error, counted") {
  scripted_transport t{{refused(), refused(), refused("refused again")}};
  fake_time time;
  auto r = retrying_client(t, time).send(clerk::revoke_sign_in_token{"sit_1"});
  REQUIRE(r.has_error());
  CHECK(r.error().as_transport()->message == "refused again");
  CHECK(r.error().attempts() == 3);
  CHECK(r.error().stop() == clerk::retry_stop::attempts_exhausted);
  CHECK(t.sent.size() == 3);
  CHECK(time.slept == std::vector<milliseconds>{500ms, 1000ms});
}

TEST_CASE("a cancelled wait ends the call with the last error, marked cancelled") {
  scripted_transport t{{refused(), refused()}};
  fake_time time;
  time.cancel = true;
  auto r = retrying_client(t, time).send(clerk::revoke_sign_in_token{"sit_1"});
  REQUIRE(r.has_error());
  CHECK(r.error().stop() == clerk::retry_stop::cancelled);
  CHECK(r.error().attempts() == 1);
  CHECK(t.sent.size() == 1);
}

TEST_CASE("the client keeps to the deadline: timeouts shrink, no attempt starts after it") {
  scripted_transport t{{refused(), refused(), refused(), refused()}};
  fake_time time;
  t.time = &time;
  t.cost = 2s;
  auto p = policy({.max_attempts = 10, .base_delay = 1s, .max_delay = 1s, .deadline = 7s});
  auto r = retrying_client(t, time, p).send(clerk::revoke_sign_in_token{"sit_1"});
  REQUIRE(r.has_error());
  // Attempts start at 0 s, 3 s and 6 s; a fourth would start at 9 s.
  REQUIRE(t.sent.size() == 3);
  CHECK(t.sent[0].timeout == 7s);
  CHECK(t.sent[1].timeout == 4s);
  CHECK(t.sent[2].timeout == 1s);
  CHECK(r.error().stop() == clerk::retry_stop::deadline);
}

TEST_CASE("a revoke retried after a 502 that meets cannot_be_revoked reports maybe_done_earlier") {
  scripted_transport t{
      {clerk_test::response(502, "text/html", "<h1>Bad gateway</h1>"),
       clerk_test::json_response(
           400,
           R"({"errors":[{"code":"sign_in_token_cannot_be_revoked_code","message":"m","long_message":"l"}]})")}};
  fake_time time;
  auto r = retrying_client(t, time).send(clerk::revoke_sign_in_token{"sit_1"});
  REQUIRE(r.has_error());
  CHECK(r.error().http_status() == 400);
  CHECK(r.error().stop() == clerk::retry_stop::maybe_done_earlier);
  CHECK(r.error().attempts() == 2);
}

TEST_CASE("invalid input is refused before any attempt") {
  scripted_transport t{};
  fake_time time;
  auto r = retrying_client(t, time).send(clerk::revoke_sign_in_token{""});
  REQUIRE(r.has_error());
  CHECK(r.error().attempts() == 0);
  CHECK(t.sent.empty());
}
