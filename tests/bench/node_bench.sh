# Sourced by the benchmarks that measure a C++ binary beside a Node package
# (verify.sh, webhook.sh), from the repository's top: what they share.

# Installs what is missing, and the pinned npm packages of tests/bench/node.
bench_setup() {
  bash tests/setup.sh
  if [ ! -d tests/bench/node/node_modules/standardwebhooks ]; then
    (cd tests/bench/node && npm ci --no-audit --no-fund >&2)
  fi
}

# Builds TARGET with g++ in Release (-O2) in build/bench; the log goes to
# build/bench/TARGET.log and is shown when the build fails.
bench_build() {
  local target=$1 build=build/bench
  local log=$build/$target.log
  mkdir -p "$build"
  if ! { cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCLERK_BACKEND_BUILD_EXAMPLES=OFF \
    -DCLERK_BACKEND_INSTALL=OFF && cmake --build "$build" --target "$target" -j 2; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "tests/bench: the build of $target failed" >&2
    exit 1
  fi
}

# The median of the rounds of a Node script's JSON, with DIGITS decimals:
# node_median JSON DIGITS [MEMBER] (default cpu_us_per_verify).
node_median() {
  node -e '
    const v = JSON.parse(process.argv[1])[process.argv[3]].sort((a, b) => a - b);
    const m = v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    console.log(m.toFixed(Number(process.argv[2])));' "$1" "$2" "${3:-cpu_us_per_verify}"
}
