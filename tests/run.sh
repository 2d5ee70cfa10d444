#!/usr/bin/env bash
# Runs every test of the project: every CTest suite under g++ (the benchmarks
# run once there, as a smoke test), the unit, hardening, integration, README
# and crosscheck suites under clang++ with ASan+UBSan, the hardening suite
# with TSan, the Meson build, packaging and fuzzing (bounded). Installs what
# it needs first (tests/setup.sh).
#
# In CI (the environment variable CI set, as CI services and .ci/run set it,
# to anything but 0 or false) nothing may be skipped: a suite that cannot run
# fails, a suite CMake cannot build fails the configure, and a skipped test
# fails its step. Elsewhere a skip stays a skip, and its reason is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh

# How many tests each step runs. A step that runs another number fails, so
# that a renamed test or label, or a suite left out, cannot empty it quietly.
# Update these when you add or remove a test, a packaging check or a fuzzer.
expect_gcc=55       # every CTest test (the unit suite once: CLERK_BACKEND_TEST_VARIANTS=OFF)
expect_asan=44      # CTest labels unit, hardening, integration, readme, crosscheck
expect_tsan=1       # CTest's hardening
expect_meson=1      # unit_noexcept
expect_packaging=50 # tests/packaging/run.sh's checks
expect_fuzz=13      # tests/fuzz/run.sh's targets

ci=false
case "${CI:-}" in
  "" | 0 | [Ff][Aa][Ll][Ss][Ee]) ;;
  *) ci=true ;;
esac

jobs=$(nproc)
passed=0
failed=0
failures=()
timings=()
ran=""  # how many tests the last step ran, set by the step

# step NAME COMMAND...: runs one step, keeps going on failure, counts it.
step() {
  local name=$1 start=$SECONDS
  shift
  echo
  echo "=== $name"
  ran=""
  if "$@"; then
    passed=$((passed + 1))
    timings+=("$((SECONDS - start)) s  $name${ran:+ ($ran tests)}")
  else
    failed=$((failed + 1))
    failures+=("$name")
    timings+=("$((SECONDS - start)) s  $name${ran:+ ($ran tests)} (FAILED)")
  fi
}

# check_count WHAT RAN SKIPPED EXPECTED: whether a step ran the EXPECTED
# number of tests and, in CI, skipped none; says why not.
check_count() {
  local what=$1 count=$2 skipped=$3 expected=$4 status=0
  ran=$count
  if [ "$count" != "$expected" ]; then
    echo "$what ran $count tests; $expected were expected (the counts are at the top of tests/run.sh)"
    status=1
  fi
  if [ "$skipped" != 0 ] && $ci; then
    echo "$what skipped $skipped tests; CI is set, so a skipped test fails the step"
    status=1
  fi
  return $status
}

# configure DIR CMAKE_ARGS...: configures DIR, showing the project's own
# messages (what a missing dependency leaves out), and everything on failure.
configure() {
  local dir=$1
  shift
  mkdir -p "$dir"
  if ! cmake -S . -B "$dir" -G Ninja "$@" >"$dir/configure.log" 2>&1; then
    cat "$dir/configure.log"
    return 1
  fi
  sed -n '/^-- \(clerk\|README\)/p' "$dir/configure.log"
}

# run_ctest DIR EXPECTED CTEST_ARGS...: runs CTest in DIR; fails when a test
# fails, when another number of tests than EXPECTED ran, or, in CI, when a
# test skipped. Prints why each skipped test skipped (its output's lines
# that say so).
run_ctest() {
  local dir=$1 expected=$2 status=0 count=0 skipped=0
  local junit=$PWD/$dir/ctest-junit.xml
  shift 2
  rm -f "$junit"
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j "$jobs" \
    --output-junit "$junit" "$@" || status=1
  if [ -f "$junit" ]; then
    count=$(grep -o -m 1 'tests="[0-9]*"' "$junit" | tr -dc 0-9)
    skipped=$(grep -o -m 1 'skipped="[0-9]*"' "$junit" | tr -dc 0-9)
  fi
  if [ "${skipped:-0}" != 0 ]; then
    echo "Skipped, and why:"
    awk '/<testcase / {
           name = $0; sub(/.*<testcase name="/, "", name); sub(/".*/, "", name)
           notrun = /status="notrun"/
           if (notrun) print "  " name
         }
         notrun {
           gsub(/<\/?system-out>/, ""); sub(/^[ \t]+/, "")
           if (!/^(SKIP|[Ss]kipped)[: ]/) next
           gsub(/&apos;/, "'\''"); gsub(/&quot;/, "\""); gsub(/&lt;/, "<"); gsub(/&gt;/, ">")
           gsub(/&amp;/, "\\&")
           print "    " $0
         }' "$junit"
  fi
  check_count CTest "${count:-0}" "${skipped:-0}" "$expected" || status=1
  return $status
}

# cmake_suite DIR EXPECTED "CTEST_ARGS" "TARGETS" -- CMAKE_ARGS...: configure,
# build TARGETS (all when empty), run CTest, which must run EXPECTED tests.
cmake_suite() {
  local dir=$1 expected=$2 ctest_args=$3 targets=$4
  shift 5
  configure "$dir" "$@" &&
    cmake --build "$dir" -j "$jobs" ${targets:+--target $targets} &&
    run_ctest "$dir" "$expected" $ctest_args # split: the arguments are words
}

# counted EXPECTED NAME COMMAND...: runs COMMAND, whose output ends with
# "NAME: N passed, M failed", and checks that N + M is EXPECTED.
counted() {
  local expected=$1 name=$2 status=0 good bad
  local log=build/$name.out
  shift 2
  mkdir -p build
  "$@" 2>&1 | tee "$log" || status=1
  read -r good bad < <(sed -n "s/^$name: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p" "$log" |
    tail -n 1)
  check_count "$name" "$((${good:-0} + ${bad:-0}))" 0 "$expected" || status=1
  return $status
}

sanitize="-fno-omit-frame-pointer -fno-sanitize-recover=all"
# clang++ builds every suite here (g++ accepts some C++20 that clang++ 14
# refuses: a lambda capturing a structured binding), and runs the unit,
# hardening, integration, README and crosscheck suites; the conformance,
# expressible and benchmark suites run in the g++ build only (they judge what
# is sent, not memory, and Prism's start-up would double their time).
sanitized_targets=""
# clang++ 14's -fsanitize=function cannot compile the Asio adapter's
# coroutines ("Cannot represent a difference across sections", LLVM issue
# 49689); the rest of UBSan stays on.
no_function="-fno-sanitize=function"
sanitized_tests="-L ^(unit|hardening|integration|readme|crosscheck)$"
# ThreadSanitizer needs threads: the hardening suite has the concurrency
# tests; the unit suite starts no thread, so building it again would cost
# minutes of CI for nothing.
tsan_targets="clerk_hardening_tests"
tsan_tests="-R ^hardening$"

# g++ builds and runs everything; clang++ builds everything under
# ASan+UBSan and runs the suites above there, and the hardening suite under
# TSan (the packaging and fuzz steps below build with it too), all with
# warnings as errors.
# g++ builds Release, as most users do (-O3 is where new warnings appear);
# the sanitizer builds are Debug, so the library's assertions run there.
# The g++ step builds the unit suite once (its no-exceptions and separate
# builds, 385 s of g++ -O3 time on this machine, are the ASan step's and Meson's), to
# keep CI within its 35 minutes.
# The Release and ASan builds compile the unit, hardening and integration
# suites in unity batches (tests/CMakeLists.txt), which saves minutes each;
# the TSan and Meson builds compile each hardening and unit file on its own,
# so that such a file leaning on another's includes still fails somewhere (an
# integration file that does fails the default build, which batches nothing).
step "g++ Release: every CTest suite" \
  cmake_suite build/gcc-release "$expect_gcc" "" "" -- -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_BUILD_TYPE=Release -DCLERK_BACKEND_WERROR=ON -DCLERK_BACKEND_TEST_VARIANTS=OFF \
  "-DCLERK_BACKEND_UNITY_TESTS=unit;hardening;integration"
step "clang++ with AddressSanitizer and UndefinedBehaviorSanitizer" \
  cmake_suite build/asan "$expect_asan" "$sanitized_tests" "$sanitized_targets" -- \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined $no_function $sanitize" \
  -DCLERK_BACKEND_WERROR=ON "-DCLERK_BACKEND_UNITY_TESTS=unit;hardening;integration"
step "clang++ with ThreadSanitizer" \
  cmake_suite build/tsan "$expect_tsan" "$tsan_tests" "$tsan_targets" -- \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread $sanitize" -DCLERK_BACKEND_WERROR=ON

meson_suite() {
  # Plain (no -g, no -O) and one variant, without exceptions and RTTI (the
  # only g++ build of it, since the g++ step builds the suite once), so that
  # this build of the unit suite costs least: it checks the Meson build
  # itself, each file compiled on its own (separate compilation under Meson
  # is tests/packaging's meson-subproject-compiled).
  local log=build/meson.out status=0 count skipped
  if [ ! -d build/meson ]; then
    mkdir -p build
    meson setup build/meson --buildtype=plain -Dwerror=true -Dauto_features=enabled \
      >build/meson-setup.log 2>&1 || {
      cat build/meson-setup.log
      return 1
    }
  fi
  meson compile -C build/meson clerk_tests_noexcept || return 1
  meson test -C build/meson --no-rebuild --print-errorlogs unit_noexcept 2>&1 |
    tee "$log" || status=1
  count=$(sed -n 's/^\(Ok\|Expected Fail\|Fail\|Unexpected Pass\|Skipped\|Timeout\): *\([0-9]*\).*/\2/p' \
    "$log" | awk '{ n += $1 } END { print n + 0 }')
  skipped=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log")
  check_count Meson "$count" "${skipped:-0}" "$expect_meson" || status=1
  return $status
}
step "Meson: the unit suite" meson_suite

# Each area with a script of its own runs it. (tests/bench/run.sh measures:
# it is README's Performance command, not a test.)
# The fuzzers run from a fixed seed here, so that a run can be repeated, for
# 3 seconds each: a smoke test that keeps CI within 30 minutes on 2 cores
# (campaigns: tests/fuzz/README.md).
export CLERK_FUZZ_SEED=${CLERK_FUZZ_SEED:-1}
export CLERK_FUZZ_SECONDS=${CLERK_FUZZ_SECONDS:-3}
step "tests/packaging" counted "$expect_packaging" packaging bash tests/packaging/run.sh
step "tests/fuzz" counted "$expect_fuzz" fuzz bash tests/fuzz/run.sh

echo
for t in "${timings[@]}"; do echo "$t"; done
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
