#!/usr/bin/env bash
# Runs every test of the project: every CTest suite under g++ (the benchmarks
# run once there, as a smoke test), the unit and hardening suites under
# clang++ with ASan+UBSan and with TSan, the Meson build, packaging and
# fuzzing (bounded). Installs what it needs first (tests/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh

jobs=$(nproc)
passed=0
failed=0
failures=()
timings=()

# step NAME COMMAND...: runs one step, keeps going on failure, counts it.
step() {
  local name=$1 start=$SECONDS
  shift
  echo
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1))
    timings+=("$((SECONDS - start)) s  $name")
  else
    failed=$((failed + 1))
    failures+=("$name")
    timings+=("$((SECONDS - start)) s  $name (FAILED)")
  fi
}

# cmake_suite DIR "CTEST_ARGS" "TARGETS" -- CMAKE_ARGS...: configure, build
# TARGETS (all when empty), run CTest.
cmake_suite() {
  local dir=$1 ctest_args=$2 targets=$3
  shift 4
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null &&
    cmake --build "$dir" -j "$jobs" ${targets:+--target $targets} &&
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" $ctest_args
}

sanitize="-fno-omit-frame-pointer -fno-sanitize-recover=all"
# clang++ builds every suite here (g++ accepts some C++20 that clang++ 14
# refuses: a lambda capturing a structured binding), and runs all but the
# conformance and benchmark suites, which the g++ build runs.
sanitized_targets=""
# clang++ 14's -fsanitize=function cannot compile the Asio adapter's
# coroutines ("Cannot represent a difference across sections", LLVM issue
# 49689); the rest of UBSan stays on.
no_function="-fno-sanitize=function"
sanitized_tests="-L ^(unit|hardening|integration|readme)$"
# ThreadSanitizer needs threads: the hardening suite has the concurrency
# tests; the unit suite starts no thread, so building it again would cost
# minutes of CI for nothing.
tsan_targets="clerk_hardening_tests"
tsan_tests="-R ^hardening$"

# g++ builds and runs everything; clang++ builds everything under
# ASan+UBSan and runs the unit, hardening, integration and README suites
# there, and the hardening suite under TSan (the packaging and fuzz steps
# below build with it too), all with warnings as errors.
# g++ builds Release, as most users do (-O3 is where new warnings appear);
# the sanitizer builds are Debug, so the library's assertions run there.
# The Release and ASan builds compile the unit and hardening suites in unity
# batches (tests/CMakeLists.txt), which saves about 3 minutes each; the TSan
# and Meson builds compile each of their files on its own, so a test file
# that leans on another's includes still fails somewhere.
step "g++ Release: every CTest suite" \
  cmake_suite build/gcc-release "" "" -- -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release \
  -DCLERK_BACKEND_WERROR=ON -DCLERK_BACKEND_UNITY_TESTS=ON
step "clang++ with AddressSanitizer and UndefinedBehaviorSanitizer" \
  cmake_suite build/asan "$sanitized_tests" "$sanitized_targets" -- -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined $no_function $sanitize" \
  -DCLERK_BACKEND_WERROR=ON -DCLERK_BACKEND_UNITY_TESTS=ON
step "clang++ with ThreadSanitizer" \
  cmake_suite build/tsan "$tsan_tests" "$tsan_targets" -- -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-fsanitize=thread $sanitize" \
  -DCLERK_BACKEND_WERROR=ON

if [ -f meson.build ]; then
  meson_suite() {
    # Plain (no -g, no -O) and two of the three variants, with and without
    # exceptions, so that this second build of the unit suite costs least: it
    # checks the Meson build itself (separate compilation under Meson is
    # tests/packaging's meson-subproject-compiled).
    { [ -d build/meson ] || meson setup build/meson --buildtype=plain -Dwerror=true \
      -Dauto_features=enabled >/dev/null; } &&
      meson compile -C build/meson clerk_tests clerk_tests_noexcept &&
      meson test -C build/meson --no-rebuild --print-errorlogs unit unit_noexcept
  }
  step "Meson: the unit suite" meson_suite
fi

# Each area with a script of its own runs it. (tests/bench/run.sh measures:
# it is README's Performance command, not a test.)
# The fuzzers run from a fixed seed here, so that a run can be repeated, for
# 3 seconds each: a smoke test that keeps CI within 30 minutes on 2 cores
# (campaigns: tests/fuzz/README.md).
export CLERK_FUZZ_SEED=${CLERK_FUZZ_SEED:-1}
export CLERK_FUZZ_SECONDS=${CLERK_FUZZ_SECONDS:-3}
for area in packaging fuzz; do
  if [ -f "tests/$area/run.sh" ]; then
    step "tests/$area" bash "tests/$area/run.sh"
  fi
done

echo
for t in "${timings[@]}"; do echo "$t"; done
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
