#!/usr/bin/env bash
# Compile time of the library against Boost.JSON alone (issues 6 and 26): the
# CPU time (user + sys) g++ spends on a translation unit that includes the
# headers it uses (<clerk/backend/sign_in_tokens.hpp>,
# <clerk/backend/actor_tokens.hpp>, <clerk/client.hpp>) and makes a create and
# a revoke call through a client for sign-in and actor tokens each, against
# one that includes <boost/json.hpp> and parses a value. Both at -std=c++20
# -O2, compiled -c to /dev/null, alternately; the median and the fastest of
# --runs.
# The library's TU is timed header-only (the default) and with
# CLERK_BACKEND_SEPARATE_COMPILATION, where <clerk/src.hpp> is compiled once
# per program (timed too); and, for scale, basic_parser alone over a handler
# that does nothing (tests/bench/compile/basic_parser_floor.cpp): what one
# Boost.JSON streaming parser costs a TU. Then, for diagnosis, what including
# each header alone costs, and g++'s phase breakdown of the header-only TU.
#
# The verify probe (issue 19) is a TU that verifies session tokens. Issue 26's
# probes: get_user through a client (<clerk/backend/users.hpp>) beside
# create_sign_in_token alone, both ways, and <clerk/backend/all.hpp> with no
# call. While <clerk/backend/users.hpp> does not exist the get_user probe is
# skipped, with a message.
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
flags=(-std=c++20 -O2 -Iinclude)
separate=-DCLERK_BACKEND_SEPARATE_COMPILATION
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# cpu_seconds FILE [FLAGS...]: user+sys CPU seconds of one compile of FILE;
# fails with the compiler's messages when it does not compile.
cpu_seconds() {
  local file=$1 t
  shift
  if ! t=$({ TIMEFORMAT='%3U %3S'; time "$cxx" "${flags[@]}" "$@" -c "$file" -o /dev/null 2>"$scratch/err"; } 2>&1); then
    cat "$scratch/err" >&2
    return 1
  fi
  awk '{ printf "%.3f\n", $1 + $2 }' <<<"$t"
}

median() {  # median of the numbers on stdin
  sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

minimum() { sort -n | head -1; }  # smallest of the numbers on stdin

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

compile=tests/bench/compile
clerk_tu=$compile/clerk_calls.cpp

# The probes, in the order they run and are shown: a label, the source, and
# the library's mode ("separate" or empty). The first is the reference.
probes=(json clerk separate src create create_separate get_user get_user_separate all verify
  verify_separate floor)
declare -A label=(
  [json]="\`<boost/json.hpp>\` and one \`parse\`"
  [clerk]="sign-in and actor tokens' headers, create and revoke of each through a client: header-only (default)"
  [separate]="the same TU with \`CLERK_BACKEND_SEPARATE_COMPILATION\`"
  [src]="\`<clerk/src.hpp>\`: compiled once per program in that mode"
  [create]="\`<clerk/backend/sign_in_tokens.hpp>\`, \`create_sign_in_token\` through a client: header-only"
  [create_separate]="the same \`create_sign_in_token\` TU with \`CLERK_BACKEND_SEPARATE_COMPILATION\`"
  [get_user]="\`<clerk/backend/users.hpp>\`, \`get_user\` through a client: header-only"
  [get_user_separate]="the same \`get_user\` TU with \`CLERK_BACKEND_SEPARATE_COMPILATION\`"
  [all]="\`<clerk/backend/all.hpp>\`, no call: header-only"
  [verify]="\`<clerk/session_tokens.hpp>\`: a verify, and a \`session_verifier\` fetching keys through a client: header-only"
  [verify_separate]="the same verifying TU with \`CLERK_BACKEND_SEPARATE_COMPILATION\`"
  [floor]="for scale: \`basic_parser\` with a handler that does nothing (what one parser costs a TU)")
declare -A source=([json]=$compile/json_parse.cpp [clerk]=$clerk_tu [separate]=$clerk_tu
  [src]=$compile/clerk_src.cpp [create]=$compile/clerk_create.cpp
  [create_separate]=$compile/clerk_create.cpp [get_user]=$compile/clerk_get_user.cpp
  [get_user_separate]=$compile/clerk_get_user.cpp [all]=$compile/clerk_all.cpp
  [verify]=$compile/clerk_verify.cpp [verify_separate]=$compile/clerk_verify.cpp
  [floor]=$compile/basic_parser_floor.cpp)
declare -A mode=([separate]=$separate [src]=$separate [create_separate]=$separate
  [get_user_separate]=$separate [verify_separate]=$separate)

# The generated Backend API is being written: until <clerk/backend/users.hpp>
# exists its probe would only fail to compile.
if [ ! -f include/clerk/backend/users.hpp ]; then
  echo "Skipped: the get_user probes ($compile/clerk_get_user.cpp), since include/clerk/backend/users.hpp does not exist yet."
  echo
  kept=()
  for p in "${probes[@]}"; do
    case $p in get_user | get_user_separate) ;; *) kept+=("$p") ;; esac
  done
  probes=("${kept[@]}")
fi

declare -A times median fastest

for ((i = 0; i < runs; i++)); do
  for p in "${probes[@]}"; do
    # shellcheck disable=SC2086 # an empty mode is no argument
    times[$p]+="$(cpu_seconds "${source[$p]}" ${mode[$p]:-}) "
  done
done
# On a shared (virtual) machine noise only ever adds time, so the fastest run
# is the steadier estimate; both are shown.
for p in "${probes[@]}"; do
  median[$p]=$(tr ' ' '\n' <<<"${times[$p]}" | grep . | median)
  fastest[$p]=$(tr ' ' '\n' <<<"${times[$p]}" | grep . | minimum)
done

echo "Compile time: $("$cxx" --version | head -1), ${flags[*]:0:2}, user+sys CPU seconds over $runs runs each (interleaved); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| translation unit | median CPU s | ratio | fastest CPU s | ratio |"
echo "| --- | ---: | ---: | ---: | ---: |"
for p in "${probes[@]}"; do
  echo "| ${label[$p]} | ${median[$p]} | $(ratio "${median[$p]}" "${median[json]}") |" \
    "${fastest[$p]} | $(ratio "${fastest[$p]}" "${fastest[json]}") |"
done
if [ -n "${times[get_user]:-}" ]; then
  echo
  echo "get_user's TU against create_sign_in_token's (issue 26: at most 1.1x):"
  echo
  echo "| mode | median ratio | fastest ratio |"
  echo "| --- | ---: | ---: |"
  echo "| header-only | $(ratio "${median[get_user]}" "${median[create]}") |" \
    "$(ratio "${fastest[get_user]}" "${fastest[create]}") |"
  echo "| \`CLERK_BACKEND_SEPARATE_COMPILATION\` |" \
    "$(ratio "${median[get_user_separate]}" "${median[create_separate]}") |" \
    "$(ratio "${fastest[get_user_separate]}" "${fastest[create_separate]}") |"
fi
echo
echo "All runs, seconds:"
for p in "${probes[@]}"; do
  echo "- $p (${source[$p]}${mode[$p]:+ $separate}): ${times[$p]% }"
done

[ "$diagnosis" = 1 ] || exit 0

# include_cost HEADER [FLAGS...]: the fastest of --diagnosis-runs compiles of
# a TU that only includes HEADER, in CPU seconds; or why there is none.
include_cost() {
  local tu=$scratch/include.cpp
  printf '#include <%s>\n' "$1" >"$tu"
  shift
  if ! cpu_seconds "$tu" "$@" >"$scratch/first" 2>/dev/null; then
    echo "does not compile alone"
    return
  fi
  { cat "$scratch/first"; for ((i = 1; i < diagnosis_runs; i++)); do cpu_seconds "$tu" "$@"; done; } | minimum
}

echo
echo "Where it goes: a translation unit that only includes one header, header-only mode (fastest of $diagnosis_runs)."
echo
echo "| header | CPU s |"
echo "| --- | ---: |"
printf '' >"$scratch/empty.cpp"
echo "| (empty translation unit) | $(for ((i = 0; i < diagnosis_runs; i++)); do cpu_seconds "$scratch/empty.cpp"; done | minimum) |"
echo "| boost/json.hpp | $(include_cost boost/json.hpp) |"
# The Boost headers that the library's headers reached by the calling probe
# include directly; then every header of the library (include/clerk/**), the
# adapters and the Frontend API included.
reached=$("$cxx" "${flags[@]}" -M "$clerk_tu" | tr ' \\' '\n\n')
for f in $(grep -xE 'include/clerk/.*' <<<"$reached"); do
  grep -hoE '#include <boost/[^>]+>' "$f" | sed -E 's/#include <(.*)>/\1/' || true
done | sort -u >"$scratch/boost_headers"
while read -r h; do
  echo "| $h | $(include_cost "$h") |"
done <"$scratch/boost_headers"
while read -r f; do
  h=${f#include/}
  # <clerk/src.hpp> exists for that mode only.
  if [ "$h" = clerk/src.hpp ]; then
    echo "| $h with CLERK_BACKEND_SEPARATE_COMPILATION | $(include_cost "$h" "$separate") |"
  else
    echo "| $h | $(include_cost "$h") |"
  fi
done < <(find include/clerk -name '*.hpp' | LC_ALL=C sort)
echo "| clerk/backend.hpp with CLERK_BACKEND_SEPARATE_COMPILATION | $(include_cost clerk/backend.hpp "$separate") |"

echo
echo "g++ -ftime-report phases of $clerk_tu, header-only (one run; the report adds its own overhead):"
echo
"$cxx" "${flags[@]}" -ftime-report -c "$clerk_tu" -o /dev/null 2>&1 |
  grep -E '^ (phase (parsing|lang. deferred|opt and generate)|template instantiation|TOTAL) ' | sed 's/^/    /'
