// What the in-process CPU benchmarks share (verify_bench, webhook_bench): the
// thread's CPU clock, the median, their command line, and interleaved rounds
// of named operations.
#ifndef CLERK_BENCH_CPU_ROUNDS_HPP
#define CLERK_BENCH_CPU_ROUNDS_HPP

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clerk_bench {

inline double thread_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return double(t.tv_sec) * 1e9 + double(t.tv_nsec);
}

inline double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct run_options {
  long calls, rounds;
  std::string write_dir{};
};

// --calls N --rounds R --write DIR over `defaults`; nullopt, after a usage
// line naming `program`, when calls or rounds is below 1.
inline std::optional<run_options> parse_run_options(int argc, char** argv, run_options defaults,
                                                    const char* program) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view a = argv[i];
    if (a == "--calls")
      defaults.calls = std::atol(argv[i + 1]);
    else if (a == "--rounds")
      defaults.rounds = std::atol(argv[i + 1]);
    else if (a == "--write")
      defaults.write_dir = argv[i + 1];
  }
  if (defaults.calls < 1 || defaults.rounds < 1) {
    std::fprintf(stderr, "usage: %s [--calls N] [--rounds R] [--write DIR]\n", program);
    return std::nullopt;
  }
  return defaults;
}

// Each op `calls` times in a row, the ops one after another, `rounds` times:
// the median over the rounds of the thread's CPU µs a call, by op. Aborts
// when an op returns false.
inline std::map<std::string, double> cpu_us_per_call(
    const std::map<std::string, std::function<bool()>>& ops, long calls, long rounds) {
  std::map<std::string, std::vector<double>> cpu;
  for (long r = 0; r < rounds; ++r)
    for (const auto& [name, op] : ops) {
      const double t0 = thread_cpu_ns();
      for (long i = 0; i < calls; ++i)
        if (!op())
          std::abort();
      cpu[name].push_back((thread_cpu_ns() - t0) / double(calls) / 1000.0);
    }
  std::map<std::string, double> out;
  for (auto& [name, v] : cpu)
    out[name] = median(std::move(v));
  return out;
}

}  // namespace clerk_bench

#endif
