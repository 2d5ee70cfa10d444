#!/usr/bin/env bash
# The demo: the whole life of a sign-in token. It starts a fake Clerk on
# 127.0.0.1 (Backend and Frontend API on one port), then uses the
# clerk-sign-in-token command-line tool to create a sign-in token for a demo
# user, consume its ticket as a native client does (a session and its JWT),
# verify that session JWT as a server would (through the fake's JWKS) and see
# a tampered copy refused, and show that a second consume is refused as
# already used and that revoking it is refused because it is no longer
# pending. Nothing leaves the machine.
#
#   bash examples/demo.sh                  # against the fake Clerk
#   bash examples/demo.sh --real USER_ID   # against your Clerk instance:
#                                          # CLERK_SECRET_KEY (and optionally
#                                          # CLERK_API_URL) must be set; with
#                                          # CLERK_PUBLISHABLE_KEY set too, the
#                                          # ticket is consumed as well
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/setup.sh

real_user=""
if [ "${1:-}" = "--real" ]; then
  real_user=${2:?usage: bash examples/demo.sh --real USER_ID}
  : "${CLERK_SECRET_KEY:?--real needs CLERK_SECRET_KEY set to the secret key of your instance}"
fi

build=build/demo
echo "== building clerk-sign-in-token and fake_clerk_server in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCLERK_BACKEND_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" --target clerk-sign-in-token fake_clerk_server >/dev/null
tool=$build/examples/clerk-sign-in-token
server=$build/examples/fake_clerk_server

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

run() {  # prints the command, then runs it
  echo "\$ $*" | sed "s|$build/examples/||"
  "$@"
}

if [ -z "$real_user" ]; then
  user=user_demo
  export CLERK_SECRET_KEY=sk_test_demo0fake0clerk0key00000
  echo
  echo "== 1. start a fake Clerk on 127.0.0.1 (port 0: the system picks a free one)"
  "$server" --port 0 --user "$user" >"$work/server.out" 2>"$work/server.log" &
  server_pid=$!
  for _ in $(seq 100); do  # up to 10 s for the first line
    [ -s "$work/server.out" ] && break
    sleep 0.1
  done
  url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$work/server.out")
  if [ -z "$url" ]; then
    echo "the fake Clerk did not start:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  export CLERK_API_URL=$url
  frontend=(--frontend-api "${url%/v1}")
  echo "fake Clerk listening on $CLERK_API_URL, knowing the user $user;"
  echo "its Frontend API is ${url%/v1}"
else
  user=$real_user
  frontend=()
  echo
  echo "== 1. using your Clerk instance at ${CLERK_API_URL:-https://api.clerk.com/v1}"
fi

echo
echo "== 2. create a sign-in token for $user (the key comes from CLERK_SECRET_KEY)"
created=$(run "$tool" create --user-id "$user" --expires-in 600)
echo "$created"
id=$(printf '%s' "$created" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
# The ticket goes to consume on standard input: an argument would show in
# process lists.
printf '%s' "$created" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p' >"$work/ticket"

if [ -n "${frontend[*]}" ] || [ -n "${CLERK_PUBLISHABLE_KEY:-}" ]; then
  echo
  echo "== 3. consume the ticket through the Frontend API, as a native app would:"
  echo "      a client token, the sign-in, the session made active, its JWT"
  run env -u CLERK_SECRET_KEY "$tool" consume "${frontend[@]}" --verbose - <"$work/ticket" |
    tee "$work/session"
  sed -n 's/.*"jwt":"\([^"]*\)".*/\1/p' "$work/session" >"$work/jwt"

  echo
  echo "== 3b. verify the session JWT as a C++ server would: its signature against the"
  echo "       instance's JWKS (GET /v1/jwks with the secret key), then iss, exp, nbf"
  issuer=()
  [ -n "$server_pid" ] && issuer=(--issuer "${url%/v1}")
  run "$tool" verify "${issuer[@]}" - <"$work/jwt"

  echo
  echo "== 3c. the same JWT with its sub changed to user_admin, the signature kept:"
  echo "       refused (exit status 1, the reason on stderr)"
  jwt=$(cat "$work/jwt")
  payload=$(cut -d. -f2 <<<"$jwt")
  while [ $((${#payload} % 4)) -ne 0 ]; do payload+="="; done
  forged=$(printf '%s' "$payload" | tr '_-' '/+' | base64 -d |
    sed 's/"sub":"[^"]*"/"sub":"user_admin"/' | base64 -w0 | tr '/+' '_-' | tr -d '=')
  printf '%s.%s.%s' "$(cut -d. -f1 <<<"$jwt")" "$forged" "$(cut -d. -f3 <<<"$jwt")" >"$work/forged"
  status=0
  run "$tool" verify "${issuer[@]}" - <"$work/forged" || status=$?
  echo "exit status $status"

  echo
  echo "== 4. consume it again: single use, Clerk refuses (exit status 1)"
  status=0
  run env -u CLERK_SECRET_KEY "$tool" consume "${frontend[@]}" - <"$work/ticket" || status=$?
  echo "exit status $status"

  echo
  echo "== 5. revoke it: Clerk refuses, the token is no longer pending (exit status 1)"
  status=0
  run "$tool" revoke "$id" || status=$?
  echo "exit status $status"
else
  echo
  echo "== 3. (set CLERK_PUBLISHABLE_KEY to consume the ticket too) revoke it instead;"
  echo "      Clerk answers with the token, now without token and url"
  run "$tool" revoke "$id" --verbose

  echo
  echo "== 4. revoke it again: Clerk refuses (exit status 1, one line on stderr)"
  status=0
  run "$tool" revoke "$id" || status=$?
  echo "exit status $status"
fi

if [ -n "$server_pid" ]; then
  echo
  echo "== 6. stop the fake Clerk; it saw:"
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  cat "$work/server.log"
  echo
  echo "With CLERK_SECRET_KEY set to your instance's key, the same tool talks to Clerk:"
  echo "  CLERK_SECRET_KEY=sk_test_... $tool create --user-id user_..."
  echo "  bash examples/demo.sh --real user_...   # this demo, against your instance"
fi
