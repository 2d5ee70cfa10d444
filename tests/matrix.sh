#!/usr/bin/env bash
# Every CMake build type with g++ and with clang++, warnings as errors: builds
# the unit suite (with exceptions) and the hardening suite (without
# exceptions and RTTI) and runs them. Not part of
# tests/run.sh, which builds everything in Release with g++ and in Debug
# under the sanitizers with clang++; this is the wider check of the build
# types, for a change to the build or to code the optimiser sees differently.
#
# Usage: tests/matrix.sh [BUILD_DIR_PREFIX]   (default build/matrix)
set -uo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-build/matrix}
targets="clerk_tests clerk_hardening_tests_noexcept"
failed=0
mkdir -p "$(dirname "$prefix")"
for cxx in g++ clang++; do
  for type in Debug Release RelWithDebInfo MinSizeRel; do
    dir=$prefix-${cxx%++}-$type
    start=$SECONDS
    if cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE="$type" \
      -DCLERK_BACKEND_WERROR=ON >"$dir.log" 2>&1 &&
      cmake --build "$dir" -j "$(nproc)" --target $targets >>"$dir.log" 2>&1 &&
      ctest --test-dir "$dir" -R '^(unit|hardening_noexcept)$' \
        --output-on-failure >>"$dir.log" 2>&1; then
      echo "pass  $cxx $type ($((SECONDS - start)) s): $(grep -c '^ *[0-9]*/[0-9]* Test' "$dir.log") suites"
    else
      echo "FAIL  $cxx $type ($((SECONDS - start)) s): see $dir.log"
      failed=$((failed + 1))
    fi
  done
done
echo "matrix: $failed failed"
[ "$failed" -eq 0 ]
