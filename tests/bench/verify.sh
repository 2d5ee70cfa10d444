#!/usr/bin/env bash
# The session JWT verify benchmark (issue 19): builds clerk_verify_bench with
# g++ in Release (-O2) in build/bench, runs it (CPU per verify of one RS256
# Clerk-shaped token: clerk's verify, a bare OpenSSL EVP_DigestVerify of the
# same bytes with a preloaded key, libjwt's jwt_decode; medians of
# interleaved rounds; then one shared session_verifier on 1 and 2 threads),
# then @clerk/backend's verifyToken with jwtKey on the same token and key
# (tests/bench/node, npm ci there), and prints Markdown.
#
# Usage: tests/bench/verify.sh [CALLS [ROUNDS]]   (default 8000 7)
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:-8000}
rounds=${2:-7}

. tests/bench/node_bench.sh
bench_setup
bench_build clerk_verify_bench
build=build/bench

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$build/tests/bench/clerk_verify_bench" --calls "$calls" --rounds "$rounds" --write "$work" |
  tee "$work/clerk.md"
node_calls=$((calls / 4))
node_json=$(node tests/bench/node/verify.mjs "$work" "$node_calls" "$rounds")
node_us=$(node_median "$node_json" 2)
clerk_us=$(sed -n 's/^| clerk session_verifier (keys cached) | \([0-9.]*\) .*/\1/p' "$work/clerk.md")
echo
echo "| @clerk/backend 3.25.0 verifyToken (jwtKey), Node $(node --version) | CPU µs/verify |"
echo "| --- | ---: |"
echo "| $node_calls calls a round, median of $rounds rounds | $node_us |"
echo
echo "clerk session_verifier / @clerk/backend CPU: $(node -e "console.log(($clerk_us / $node_us).toFixed(3))")x"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
