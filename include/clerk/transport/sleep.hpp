// A clerk::waiter for synchronous transports: it blocks the calling thread.
// Not part of <clerk/backend.hpp>: the core never sleeps or reads a clock.
//
//   std::stop_source stop;  // optional: stop.request_stop() cancels a wait
//   clerk::client client(cfg, clerk::curl_transport{}, *policy,
//                        clerk::blocking_waiter{stop.get_token()});
#ifndef CLERK_TRANSPORT_SLEEP_HPP
#define CLERK_TRANSPORT_SLEEP_HPP

#include <clerk/version.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <stop_token>
#include <thread>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// The clocks and the randomness a waiter hands the retry state machine.
struct system_clocks {
  std::chrono::steady_clock::time_point steady_now() const noexcept {
    return std::chrono::steady_clock::now();
  }
  std::chrono::system_clock::time_point system_now() const noexcept {
    return std::chrono::system_clock::now();
  }
  // Uniform in [0, 1], from a generator of each thread's own.
  double jitter() const {
    thread_local std::minstd_rand engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
  }
};

// Copyable, stateless but for the stop token: share one across threads.
class blocking_waiter : public system_clocks {
 public:
  blocking_waiter() = default;
  // Waits end early, and the retrying call returns, once `stop` is requested.
  explicit blocking_waiter(std::stop_token stop) noexcept : stop_(std::move(stop)) {}

  // Sleeps for `d`; false when the stop token was (or gets) requested.
  bool wait(std::chrono::milliseconds d) const {
    if (!stop_.stop_possible()) {
      std::this_thread::sleep_for(d);
      return true;
    }
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    cv.wait_for(lock, stop_, d, [] { return false; });
    return !stop_.stop_requested();
  }

 private:
  std::stop_token stop_{};
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
