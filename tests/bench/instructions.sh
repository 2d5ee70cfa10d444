#!/usr/bin/env bash
# Instructions per call, counted by callgrind: the same on every run and on a
# busy machine, where run.sh's CPU times move by 10-20%. For each operation,
# the benchmark binary's --profile loop runs 200 and then 1,200 calls under
# valgrind; the difference over 1,000 calls leaves out start-up and the
# canned data. Needs valgrind and the Release build run.sh makes
# (build/bench). Instructions are not time (a cache miss or a malloc lock
# costs more than its count), but a ratio of them moves only when code does.
#
# Usage: tests/bench/instructions.sh [OPERATION...]   (default: the full calls
#        and the builds and parses of both token kinds and of get_user)
set -euo pipefail
cd "$(dirname "$0")/../.."

bench=${CLERK_BENCH_BINARY:-build/bench/tests/bench/clerk_bench}
if ! command -v valgrind >/dev/null; then
  echo "tests/bench/instructions.sh: needs valgrind (apt-get install valgrind)" >&2
  exit 2
fi
if [ ! -x "$bench" ]; then
  echo "tests/bench/instructions.sh: build the benchmarks first: bash tests/bench/run.sh" >&2
  exit 2
fi

operations=("$@")
[ ${#operations[@]} -gt 0 ] || operations=(build_create parse_create call_create call_revoke
  build_create_actor parse_create_actor call_create_actor build_get_user parse_get_user
  call_get_user)

# instructions OP CALLS: callgrind's total for CALLS calls of OP.
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" --profile "$1" "$2" 2>&1 |
    sed -nE 's/.*Collected : ([0-9]+).*/\1/p'
}
per_call() { echo $((($(instructions "$1" 1200) - $(instructions "$1" 200)) / 1000)); }

echo "| operation | clerk instructions/call | floor instructions/call | clerk / floor |"
echo "| --- | ---: | ---: | ---: |"
for op in "${operations[@]}"; do
  c=$(per_call "clerk/$op")
  f=$(per_call "floor/$op")
  echo "| $op | $c | $f | $(awk -v c="$c" -v f="$f" 'BEGIN { printf "%.2f", c / f }') |"
done
