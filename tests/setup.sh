#!/usr/bin/env bash
# Installs what the demo, the build and the tests need on Debian 12, and
# nothing when it is all there already. Safe to run again.
set -euo pipefail

packages=(
  g++ clang clang-format clang-tidy libclang-rt-14-dev llvm-14
  cmake ninja-build meson pkg-config
  libboost-json1.81-dev libboost1.81-dev doctest-dev
  libcurl4-openssl-dev libcpp-httplib-dev libssl-dev libbenchmark-dev libjwt-dev
  ca-certificates curl
)
# Node and npm run Prism for the conformance test; keep the machine's own
# Node when it has one.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  if [ "${CLERK_SETUP_SKIP_UPDATE:-0}" != 1 ]; then
    $sudo apt-get update -q >&2
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
fi

# npm packages, pinned by their lock files: Prism for the conformance test,
# Clerk's @clerk/backend for the crosscheck test, js-yaml for the generator of
# include/clerk/backend/ (tests/codegen).
here=$(cd "$(dirname "$0")" && pwd)
for area in conformance crosscheck codegen; do
  if [ -f "$here/$area/package-lock.json" ] && [ ! -d "$here/$area/node_modules" ]; then
    echo "setup: npm ci in tests/$area" >&2
    (cd "$here/$area" && npm ci --no-audit --no-fund >&2)
  fi
done
