#!/usr/bin/env bash
# Compile time of the library against Boost.JSON alone (issue 6): the CPU time
# (user + sys) g++ spends on a translation unit that includes
# <clerk/backend.hpp> and makes a create and a revoke call through a client,
# against one that includes <boost/json.hpp> and parses a value. Both at
# -std=c++20 -O2, compiled -c to /dev/null, alternately, median of --runs.
# Then, for diagnosis, what including each header alone costs, and g++'s
# phase breakdown of the library's translation unit.
#
# Usage: tests/bench/compile_time.sh [--runs N] [--diagnosis-runs N] [--no-diagnosis]
# Environment: CXX (default g++).
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=5
diagnosis_runs=3
diagnosis=1
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --diagnosis-runs) diagnosis_runs=$2; shift 2 ;;
    --no-diagnosis) diagnosis=0; shift ;;
    *) echo "compile_time.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

cxx=${CXX:-g++}
skipped=()
flags=(-std=c++20 -O2 -Iinclude)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# cpu_seconds FILE: user+sys CPU seconds of one compile of FILE; fails with
# the compiler's messages when it does not compile.
cpu_seconds() {
  local t
  if ! t=$({ TIMEFORMAT='%3U %3S'; time "$cxx" "${flags[@]}" -c "$1" -o /dev/null 2>"$scratch/err"; } 2>&1); then
    cat "$scratch/err" >&2
    return 1
  fi
  awk '{ printf "%.3f\n", $1 + $2 }' <<<"$t"
}

median() {  # median of the numbers on stdin
  sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

clerk_tu=tests/bench/compile/clerk_calls.cpp
json_tu=tests/bench/compile/json_parse.cpp

clerk_times=()
json_times=()
for ((i = 0; i < runs; i++)); do
  clerk_times+=("$(cpu_seconds "$clerk_tu")")
  json_times+=("$(cpu_seconds "$json_tu")")
done
clerk_median=$(printf '%s\n' "${clerk_times[@]}" | median)
json_median=$(printf '%s\n' "${json_times[@]}" | median)

echo "Compile time: $("$cxx" --version | head -1), ${flags[*]:0:2}, user+sys CPU seconds, median of $runs (interleaved)"
echo
echo "| translation unit | CPU s | ratio to Boost.JSON |"
echo "| --- | ---: | ---: |"
echo "| \`<boost/json.hpp>\` and one \`parse\` ($json_tu) | $json_median | 1.00 |"
echo "| \`<clerk/backend.hpp>\`, create and revoke through a client ($clerk_tu) | $clerk_median | $(ratio "$clerk_median" "$json_median") |"
echo
echo "All runs, seconds: clerk ${clerk_times[*]}; Boost.JSON ${json_times[*]}"

[ "$diagnosis" = 1 ] || exit 0

# include_cost HEADER: median CPU seconds of a TU that only includes HEADER.
include_cost() {
  local tu=$scratch/include.cpp
  printf '#include <%s>\n' "$1" >"$tu"
  for ((i = 0; i < diagnosis_runs; i++)); do cpu_seconds "$tu"; done | median
}

echo
echo "Where it goes: a translation unit that only includes one header (median of $diagnosis_runs)."
echo
echo "| header | CPU s |"
echo "| --- | ---: |"
printf '' >"$scratch/empty.cpp"
echo "| (empty translation unit) | $(for ((i = 0; i < diagnosis_runs; i++)); do cpu_seconds "$scratch/empty.cpp"; done | median) |"
echo "| boost/json.hpp | $(include_cost boost/json.hpp) |"
# Only what a user of the umbrella header pulls in: the library's headers it
# reaches, and the Boost headers those include directly.
reached=$(printf '#include <clerk/backend.hpp>\n' | "$cxx" "${flags[@]}" -M -x c++ - | tr ' \\' '\n\n')
headers=(clerk/backend.hpp)
for f in include/clerk/*.hpp include/clerk/detail/*.hpp include/clerk/testing/*.hpp; do
  [ "$f" = include/clerk/backend.hpp ] && continue
  if grep -qxF "$f" <<<"$reached"; then
    headers+=("${f#include/}")
  else
    skipped+=("${f#include/}")
  fi
done
for f in "${headers[@]}"; do
  grep -hoE '#include <boost/[^>]+>' "include/$f" | sed -E 's/#include <(.*)>/\1/'
done | sort -u >"$scratch/boost_headers"
while read -r h; do
  echo "| $h | $(include_cost "$h") |"
done <"$scratch/boost_headers"
for h in "${headers[@]}"; do
  echo "| $h | $(include_cost "$h") |"
done
[ ${#skipped[@]} -eq 0 ] || printf '\nNot reached from clerk/backend.hpp, not timed: %s.\n' "${skipped[*]}"

echo
echo "g++ -ftime-report phases of $clerk_tu (one run; wall and CPU include the report's own overhead):"
echo
"$cxx" "${flags[@]}" -ftime-report -c "$clerk_tu" -o /dev/null 2>&1 |
  grep -E '^ (phase (parsing|lang. deferred|opt and generate)|template instantiation|TOTAL) ' | sed 's/^/    /'
