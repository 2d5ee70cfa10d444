#include <clerk/retry.hpp>

#include "support.hpp"

#include <clerk/client.hpp>
#include <clerk/sign_in_tokens.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using std::chrono::sys_seconds;

namespace {

constexpr sys_seconds now{1445412000s};  // 2015-10-21T07:20:00Z

clerk::error status_error(int status, std::string retry_after = "") {
  clerk::api_error a;
  a.status = status;
  a.errors.push_back({"code", "m", "l", {}});
  if (!retry_after.empty())
    a.retry_after = clerk::http::parse_retry_after(retry_after);
  return a;
}

clerk::error transport_failure(bool not_sent) {
  return clerk::transport_error{std::make_error_code(std::errc::connection_refused), "x", not_sent};
}

clerk::retry_decision decide(bool idempotent, const clerk::error& e, unsigned attempt = 1,
                             milliseconds waited = 0ms, double jitter = 1.0,
                             clerk::retry_options o = {}) {
  return clerk::retry_policy(o).decide(idempotent, attempt, e, waited, now, jitter);
}

}  // namespace

TEST_CASE("429 is retried after Retry-After, for create and revoke alike") {
  for (bool idempotent : {false, true}) {
    auto d = decide(idempotent, status_error(429, "2"));
    CHECK(d == clerk::retry_decision{true, 2000ms, "rate limited"});
  }
}

TEST_CASE("an HTTP-date Retry-After counts from the caller's now") {
  auto d = decide(false, status_error(429, "Wed, 21 Oct 2015 07:20:05 GMT"));
  CHECK(d.retry);
  CHECK(d.delay == 5000ms);
}

TEST_CASE("without Retry-After the wait is exponential, jittered between half and all, capped") {
  auto e = status_error(429);
  CHECK(decide(true, e, 1, 0ms, 0.0).delay == 250ms);
  CHECK(decide(true, e, 1, 0ms, 1.0).delay == 500ms);
  CHECK(decide(true, e, 1, 0ms, 0.5).delay == 375ms);
  CHECK(decide(true, e, 2, 0ms, 1.0).delay == 1000ms);
  clerk::retry_options many;
  many.max_attempts = 50;
  many.max_total_delay = 1h;
  CHECK(decide(true, e, 3, 0ms, 1.0, many).delay == 2000ms);
  CHECK(decide(true, e, 40, 0ms, 1.0, many).delay == 8000ms);
  CHECK(decide(true, e, 40, 0ms, 0.0, many).delay == 4000ms);
  CHECK(decide(true, e, 1, 0ms, 7.0).delay == 500ms);  // jitter is clamped to [0, 1]
}

TEST_CASE("a Retry-After longer than max_delay is not waited out") {
  auto d = decide(true, status_error(429, "60"));
  CHECK(d == clerk::retry_decision{false, 0ms, "Retry-After exceeds max_delay"});
}

TEST_CASE("5xx is retried for revoke but not for create, unless the caller opts in") {
  CHECK(decide(true, status_error(500)).retry);
  CHECK(decide(true, status_error(503, "1")).delay == 1000ms);
  auto create = decide(false, status_error(502));
  CHECK(create == clerk::retry_decision{false, 0ms, "server error; create may have succeeded"});
  clerk::retry_options opt_in;
  opt_in.retry_create_after_possible_delivery = true;
  CHECK(decide(false, status_error(502), 1, 0ms, 1.0, opt_in).retry);
}

TEST_CASE("a 503 HTML page from a proxy is retried for revoke with its Retry-After") {
  clerk::unexpected_response u;
  u.status = 503;
  u.retry_after = clerk::http::parse_retry_after("3");
  CHECK(decide(true, u) == clerk::retry_decision{true, 3000ms, "server error"});
}

TEST_CASE("a transport failure before sending is retried even for create") {
  CHECK(decide(false, transport_failure(true)).retry);
  CHECK(decide(false, transport_failure(true)).reason == "transport failed before sending");
}

TEST_CASE("a transport failure that may have reached Clerk is retried only when idempotent") {
  CHECK(decide(true, transport_failure(false)).retry);
  CHECK_FALSE(decide(false, transport_failure(false)).retry);
}

TEST_CASE("client errors and local validation are never retried") {
  for (int s : {400, 401, 403, 404, 422})
    CHECK(decide(true, status_error(s)) == clerk::retry_decision{false, 0ms, "not retryable"});
  CHECK_FALSE(decide(true, clerk::invalid_request{"user_id", "must not be empty"}).retry);
}

TEST_CASE("attempts and the total delay are bounded") {
  CHECK(decide(true, status_error(429, "1"), 3) ==
        clerk::retry_decision{false, 0ms, "attempts exhausted"});
  CHECK(decide(true, status_error(429, "1"), 2, 29500ms) ==
        clerk::retry_decision{false, 0ms, "delay budget exhausted"});
  clerk::retry_options once;
  once.max_attempts = 1;
  CHECK_FALSE(decide(true, status_error(429, "1"), 1, 0ms, 1.0, once).retry);
}

namespace {

// Answers from a script, one response per call, recording every request.
struct scripted_transport {
  std::vector<clerk::transport_result> script;
  std::vector<clerk::http_request> sent;
  clerk::transport_result operator()(const clerk::http_request& r) {
    sent.push_back(r);
    return script.at(sent.size() - 1);
  }
};

clerk::http_response rate_limited(std::string retry_after) {
  auto r = clerk_test::json_response(
      429, R"({"errors":[{"code":"too_many_requests","message":"m","long_message":"l"}]})");
  r.headers.add("Retry-After", std::move(retry_after));
  return r;
}

struct waits {
  std::vector<milliseconds> slept;
  auto sleep() {
    return [this](milliseconds d) { slept.push_back(d); };
  }
};

auto fixed_now = [] { return std::chrono::system_clock::time_point(now.time_since_epoch()); };
auto full_jitter = [] { return 1.0; };

}  // namespace

TEST_CASE("the client waits out a 429 with the caller's sleep and resends the same request") {
  scripted_transport t{
      {rate_limited("1"), clerk_test::json_response(200, clerk_test::sample_token_json())}, {}};
  clerk::client client(clerk_test::make_config(), std::ref(t));
  waits w;
  auto r = client.send(clerk::create_sign_in_token{.user_id = "user_2xyz"}, clerk::retry_policy(),
                       w.sleep(), fixed_now, full_jitter);
  REQUIRE(r.has_value());
  CHECK(w.slept == std::vector<milliseconds>{1000ms});
  REQUIRE(t.sent.size() == 2);
  CHECK(t.sent[0] == t.sent[1]);
}

TEST_CASE("the client does not resend a create after a 500") {
  scripted_transport t{{clerk_test::response(500, "text/html", "<h1>oops</h1>")}, {}};
  clerk::client client(clerk_test::make_config(), std::ref(t));
  waits w;
  auto r = client.send(clerk::create_sign_in_token{.user_id = "u"}, clerk::retry_policy(),
                       w.sleep(), fixed_now, full_jitter);
  REQUIRE(r.has_error());
  CHECK(r.error().http_status() == 500);
  CHECK(t.sent.size() == 1);
  CHECK(w.slept.empty());
}

TEST_CASE("the client gives up after max_attempts and returns the last error") {
  scripted_transport t{
      {clerk::transport_error{{}, "refused", true}, clerk::transport_error{{}, "refused", true},
       clerk::transport_error{{}, "refused again", true}},
      {}};
  clerk::client client(clerk_test::make_config(), std::ref(t));
  waits w;
  auto r = client.send(clerk::revoke_sign_in_token{"sit_1"}, clerk::retry_policy(), w.sleep(),
                       fixed_now, full_jitter);
  REQUIRE(r.has_error());
  CHECK(r.error().as_transport()->message == "refused again");
  CHECK(t.sent.size() == 3);
  CHECK(w.slept == std::vector<milliseconds>{500ms, 1000ms});
}

TEST_CASE("invalid input is refused before any attempt") {
  scripted_transport t{{}, {}};
  clerk::client client(clerk_test::make_config(), std::ref(t));
  waits w;
  auto r = client.send(clerk::revoke_sign_in_token{""}, clerk::retry_policy(), w.sleep(), fixed_now,
                       full_jitter);
  CHECK(r.has_error());
  CHECK(t.sent.empty());
}
