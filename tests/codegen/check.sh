#!/usr/bin/env bash
# The codegen CTest test: regenerates include/clerk/backend/ (and
# declarations.cpp) into a temporary folder and fails when the committed
# files differ. Outside CI it skips (exit 77) with the reason when node, the
# document, js-yaml or clang-format 14 is missing; under CI (CI=true) that
# fails instead, so that CI never passes without having checked.
set -u
here=$(cd "$(dirname "$0")" && pwd)
missing() {
  echo "codegen: $1" >&2
  if [ "${CI:-}" = true ]; then
    echo "codegen: CI=true, so this is a failure, not a skip" >&2
    exit 1
  fi
  exit 77
}
command -v node >/dev/null 2>&1 || missing "node is not installed (bash tests/setup.sh installs it)"
node "$here/generate.mjs" --check
rc=$?
[ "$rc" -eq 77 ] && missing "generate.mjs could not run (its reason is above)"
exit "$rc"
