#!/usr/bin/env bash
# The webhook verify benchmark (issue 27): builds clerk_webhook_bench with
# g++ in Release (-O2) in build/bench, runs it (CPU per verify of one 2 KiB
# user.created delivery: clerk's verify_webhook with clerk::openssl_hmac
# beside the floor, an OpenSSL HMAC, base64 and a Boost.JSON parse of the
# body in the same binary; medians of interleaved rounds), then
# standardwebhooks' Webhook.verify and @clerk/backend's verifyWebhook on Node
# on the same delivery (tests/bench/node, npm ci there), and prints Markdown.
#
# Usage: tests/bench/webhook.sh [CALLS [ROUNDS]]   (default 20000 7)
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:-20000}
rounds=${2:-7}

. tests/bench/node_bench.sh
bench_setup
bench_build clerk_webhook_bench
build=build/bench

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$build/tests/bench/clerk_webhook_bench" --calls "$calls" --rounds "$rounds" --write "$work" |
  tee "$work/clerk.md"
node_calls=$((calls / 4))
node_json=$(node tests/bench/node/webhook.mjs "$work" "$node_calls" "$rounds")
node_us=$(node_median "$node_json" 3)
clerk_backend_us=$(node_median "$node_json" 3 clerk_backend_cpu_us_per_verify)
clerk_us=$(sed -n 's/^| clerk verify_webhook (openssl_hmac) | \([0-9.]*\) .*/\1/p' "$work/clerk.md")
echo
echo "| Node $(node --version), $node_calls calls a round, median of $rounds rounds | CPU µs/verify |"
echo "| --- | ---: |"
echo "| standardwebhooks 1.3.0 Webhook.verify (one Webhook) | $node_us |"
echo "| @clerk/backend 3.25.0 verifyWebhook (a Request) | $clerk_backend_us |"
echo
echo "clerk verify_webhook / standardwebhooks CPU: $(node -e "console.log(($clerk_us / $node_us).toFixed(3))")x"
echo "clerk verify_webhook / @clerk/backend verifyWebhook CPU: $(node -e "console.log(($clerk_us / $clerk_backend_us).toFixed(3))")x"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
