#!/usr/bin/env bash
# Builds and runs the demo: create a sign-in token, then revoke it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh
cmake -S . -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLERK_BACKEND_BUILD_TESTS=OFF >/dev/null
cmake --build build/demo --target clerk_demo >/dev/null
./build/demo/examples/clerk_demo
