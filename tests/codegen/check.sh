#!/usr/bin/env bash
# The codegen CTest test: regenerates include/clerk/backend/ (and
# declarations.cpp) into a temporary folder and fails when the committed
# files differ. Outside CI it skips (exit 77) with the reason when node, the
# document, js-yaml or clang-format 14 is missing; under CI (CI=true) that
# fails instead, so that CI never passes without having checked (CI set to
# anything but 0 or false, as tests/run.sh reads it).
set -u
here=$(cd "$(dirname "$0")" && pwd)
missing() {
  echo "codegen: $1" >&2
  case "${CI:-}" in
    "" | 0 | [Ff][Aa][Ll][Ss][Ee]) exit 77 ;;
  esac
  echo "codegen: CI is set, so this is a failure, not a skip" >&2
  exit 1
}
command -v node >/dev/null 2>&1 || missing "node is not installed (bash tests/setup.sh installs it)"
node "$here/generate.mjs" --check
rc=$?
[ "$rc" -eq 77 ] && missing "generate.mjs could not run (its reason is above)"
exit "$rc"
