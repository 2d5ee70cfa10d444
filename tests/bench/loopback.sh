#!/usr/bin/env bash
# The loopback benchmark (README's one-line summary, tests/bench/README.md's
# table): 2,000 sequential creates against the fake Clerk over HTTPS
# keep-alive on 127.0.0.1, from clerk + clerk::curl_transport, a bare libcurl
# loop on one reused handle (the floor) and @clerk/backend (pinned by
# tests/bench/node/package-lock.json, installed with npm ci). Builds with g++
# in Release (-O2) in build/bench-loopback. Measures; asserts nothing.
#
# Usage: tests/bench/loopback.sh [CALLS [ROUNDS]]   (defaults: 2000 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
calls=${1:-2000}
rounds=${2:-3}
build=build/bench-loopback
mkdir -p "$build"
if ! { cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCLERK_BACKEND_INSTALL=OFF &&
  cmake --build "$build" --target clerk_loopback_bench -j 2; } >"$build/build.log" 2>&1; then
  cat "$build/build.log" >&2
  echo "tests/bench/loopback.sh: the build failed" >&2
  exit 1
fi
(cd tests/bench/node && npm ci --no-audit --no-fund --silent)
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; node $(node --version);" \
  "libcurl $(curl-config --version | cut -d' ' -f2)"
echo
"$build/tests/bench/clerk_loopback_bench" --calls "$calls" --rounds "$rounds" --node tests/bench/node
