#!/usr/bin/env bash
# Builds the libFuzzer targets (clang 14, AddressSanitizer + UndefinedBehavior-
# Sanitizer) and runs each for a bounded time from its seed corpus. Fails when
# any target finds a crash, a leak, UB or a failed check.
#
#   CLERK_FUZZ_SECONDS   time per target (default 20)
#   CLERK_FUZZ_RUNS      stop a target after this many executions (default: no limit)
#   CLERK_FUZZ_BUILD     build folder (default build/fuzz)
#   CLERK_FUZZ_TARGETS   targets to run, space-separated (default: all)
#   CLERK_FUZZ_SEED      libFuzzer's -seed (default 0: a random seed)
#
# New inputs go to $CLERK_FUZZ_BUILD/corpus/<target>, never into the
# repository; a crash is saved under $CLERK_FUZZ_BUILD/artifacts/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${CLERK_FUZZ_BUILD:-$root/build/fuzz}
seconds=${CLERK_FUZZ_SECONDS:-20}
runs=${CLERK_FUZZ_RUNS:--1}
seed=${CLERK_FUZZ_SEED:-0}
targets=${CLERK_FUZZ_TARGETS:-parse_response build_request media_type retry_after redact wire fake_clerk publishable_key form frontend_parse session_token webhook machine_token}

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
  "-DCLERK_FUZZ_TARGETS=${targets// /;}" >/dev/null
cmake --build "$build" -j 2

# Inputs longer than these add time, not code: a header value, a few fields.
max_len() {
  case $1 in
    parse_response | frontend_parse | session_token | webhook | machine_token) echo 4096 ;;
    build_request | redact | wire | fake_clerk | form) echo 512 ;;
    *) echo 256 ;;
  esac
}

passed=0
failed=0
for t in $targets; do
  mkdir -p "$build/corpus/$t" "$build/artifacts"
  echo "--- fuzz_$t: ${seconds}s"
  log="$build/fuzz_$t.log"
  if "$build/fuzz_$t" -max_total_time="$seconds" -runs="$runs" -max_len="$(max_len "$t")" \
    -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
    "$build/corpus/$t" "$here/corpus/$t" >"$log" 2>&1; then
    passed=$((passed + 1))
    grep -E '^(Done|stat::new_units_added)' "$log" | tr -s ' \n' ' '
    echo
  else
    failed=$((failed + 1))
    tail -n 40 "$log"
    echo "FAILED: fuzz_$t (log: $log)"
  fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
