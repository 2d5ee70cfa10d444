#!/usr/bin/env bash
# Runs every test of the project: the CTest suites under g++ and clang++, the
# sanitizer builds, the Meson build, packaging, fuzzing (bounded) and the
# benchmarks' smoke run. Installs what it needs first (tests/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh

jobs=$(nproc)
passed=0
failed=0
failures=()

# step NAME COMMAND...: runs one step, keeps going on failure, counts it.
step() {
  local name=$1
  shift
  echo
  echo "=== $name"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

cmake_suite() {  # cmake_suite DIR CTEST_ARGS -- CMAKE_ARGS...
  local dir=$1 ctest_args=$2
  shift 3
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null &&
    cmake --build "$dir" -j "$jobs" &&
    ctest --test-dir "$dir" --output-on-failure -j "$jobs" $ctest_args
}

sanitize="-fno-omit-frame-pointer -fno-sanitize-recover=all"

step "g++: every CTest suite" \
  cmake_suite build/gcc "" -- -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Debug
step "clang++: every CTest suite" \
  cmake_suite build/clang "" -- -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug
step "clang++ with AddressSanitizer and UndefinedBehaviorSanitizer" \
  cmake_suite build/asan "-L unit|hardening" -- -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined $sanitize" \
  -DCLERK_BACKEND_BUILD_EXAMPLES=OFF
step "clang++ with ThreadSanitizer" \
  cmake_suite build/tsan "-L unit|hardening" -- -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-fsanitize=thread $sanitize" \
  -DCLERK_BACKEND_BUILD_EXAMPLES=OFF

if [ -f meson.build ]; then
  meson_suite() {
    { [ -d build/meson ] || meson setup build/meson >/dev/null; } &&
      meson test -C build/meson --print-errorlogs
  }
  step "Meson: the unit suite" meson_suite
fi

# Each area with a script of its own (packaging, fuzz, bench) runs it.
for area in packaging fuzz bench; do
  if [ -f "tests/$area/run.sh" ]; then
    step "tests/$area" bash "tests/$area/run.sh"
  fi
done

echo
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
