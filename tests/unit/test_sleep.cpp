#include <clerk/transport/sleep.hpp>

#include <clerk/client.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <stop_token>

using namespace std::chrono_literals;

static_assert(clerk::waiter<clerk::blocking_waiter>);

TEST_CASE("the blocking waiter waits when nothing can stop it") {
  const clerk::blocking_waiter w;
  auto before = w.steady_now();
  CHECK(w.wait(1ms));
  CHECK(w.steady_now() >= before + 1ms);  // sleep_for sleeps at least that long
}

TEST_CASE("a stopped token cancels the blocking waiter's wait") {
  std::stop_source stop;
  const clerk::blocking_waiter w(stop.get_token());
  CHECK(w.wait(0ms));
  stop.request_stop();
  CHECK_FALSE(w.wait(24h));  // returns at once: the test would hang otherwise
}

TEST_CASE("the blocking waiter's jitter lies in [0, 1]") {
  const clerk::blocking_waiter w;
  for (int i = 0; i < 1000; ++i) {
    double j = w.jitter();
    REQUIRE(j >= 0.0);
    REQUIRE(j <= 1.0);
  }
}
