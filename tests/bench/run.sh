#!/usr/bin/env bash
# README's "Performance" command. Builds the benchmarks with g++ in Release
# (-O2) in build/bench, runs them (5 repetitions, interleaved, medians) and
# prints Markdown: per operation the CPU ns/op of the library and of the
# floor (hand-written Boost.JSON, same binary), their ratio and the
# allocations/op of each; the full create call's throughput on 1 and 2
# threads sharing one client (in the benchmark harness, then on plain
# std::threads); the size of each allocation of one call; and
# the compile-time comparison (compile_time.sh, without its per-header
# diagnosis, to stay within about 3 minutes). The benchmark library's own
# report goes to build/bench/benchmarks.txt.
#
# Usage: tests/bench/run.sh [--smoke]
#   --smoke  one short pass of each benchmark and one compile of each probe:
#            checks that this command works, measures nothing (tests/run.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."

smoke=0
case ${1:-} in
  "") ;;
  --smoke) smoke=1 ;;
  *) echo "usage: tests/bench/run.sh [--smoke]" >&2; exit 2 ;;
esac

bash tests/setup.sh

build=build/bench
log=$build/build.log
mkdir -p "$build"
if ! { cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCLERK_BACKEND_BUILD_EXAMPLES=OFF \
  -DCLERK_BACKEND_INSTALL=OFF && cmake --build "$build" --target clerk_bench -j 2; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "tests/bench/run.sh: the build failed" >&2
  exit 1
fi
bench=$build/tests/bench/clerk_bench
report=$build/benchmarks.txt

if [ "$smoke" = 1 ]; then
  bench_args=(--benchmark_min_time=0.001)
  scaling_calls=(1000)
  compile_args=(--runs 1 --no-diagnosis)
else
  bench_args=(--benchmark_min_time=0.2 --benchmark_repetitions=5
    --benchmark_report_aggregates_only=true --benchmark_enable_random_interleaving=true)
  scaling_calls=()
  compile_args=(--runs 5 --no-diagnosis)
fi

cpu=$(lscpu | sed -nE 's/^Model name: *//p' | head -1)
echo "Machine: $cpu, $(nproc) cores; $(g++ --version | head -1); Boost" \
  "$(sed -nE 's/^#define BOOST_LIB_VERSION "(.*)"/\1/p' /usr/include/boost/version.hpp);" \
  "Google Benchmark $(dpkg-query -W -f='${Version}' libbenchmark-dev 2>/dev/null || echo '?')"
load=$(cut -d' ' -f1 /proc/loadavg)
echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="$load" 'BEGIN { exit !(l > 1.2) }'; then
  echo "Warning: other work is using the CPUs (1-minute load $load); the figures will be noisy."
fi
echo
[ "$smoke" = 0 ] || echo "Smoke run: one short pass each; the figures below are not measurements."
echo "Benchmarks: $bench ${bench_args[*]}"
echo "CPU time per operation (median of the repetitions); allocations counted by a replaced operator new."
echo
if ! "$bench" "${bench_args[@]}" 2>"$report"; then
  cat "$report" >&2
  echo "tests/bench/run.sh: a benchmark failed" >&2
  exit 1
fi
echo
echo "The same scaling on plain std::threads, outside the benchmark harness (medians of 5 rounds):"
echo
"$bench" --thread_scaling "${scaling_calls[@]}"
echo
echo "Allocations of one call, in order (sizes in bytes):"
echo
"$bench" --trace_allocations
echo
echo "Load average after the benchmarks: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
bash tests/bench/compile_time.sh "${compile_args[@]}"
echo
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Where compile time goes, header by header: bash tests/bench/compile_time.sh"
