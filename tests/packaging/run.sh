#!/usr/bin/env bash
# Packaging: builds and runs a consumer of the library in every way a user
# takes it in, with g++ and with clang++ (README, "Installing / using"): the
# installed CMake package, add_subdirectory, FetchContent, a Meson subproject,
# pkg-config (from Meson and from a compiler command line), copied headers
# with -lboost_json and with <clerk/json_impl.hpp>, two translation units in
# one program (and two library versions that must not link), every public
# header on its own (and all of them together as system headers), and
# -fno-exceptions -fno-rtti; then the same for the curl and Asio adapters
# (tests/packaging/adapters).
# Ends with "packaging: N passed, N failed"; exits non-zero on any failure,
# and when a compiler's suite died or fewer checks ran than listed.
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
here=$root/tests/packaging
work=$root/build/packaging/run
rm -rf "$work"
mkdir -p "$work/logs"
: >"$work/results"

std=-std=c++20
warnings=(-Wall -Wextra -Wpedantic -Werror)
header_version=$(sed -n 's/^#define CLERK_BACKEND_VERSION_STRING "\(.*\)"$/\1/p' \
  "$root/include/clerk/version.hpp")

# check NAME COMMAND...: runs COMMAND (in a subshell) with its output in
# logs/NAME.log, and records whether it passed.
check() {
  local name=$1 start=$SECONDS
  shift
  if ("$@") >"$work/logs/$name.log" 2>&1; then
    echo "pass $name ($((SECONDS - start)) s)" | tee -a "$work/results"
  else
    echo "FAIL $name ($((SECONDS - start)) s; log: build/packaging/run/logs/$name.log)" |
      tee -a "$work/results"
  fi
}

# stage DIR FILE...: a fresh consumer project in DIR holding FILE... and app.cpp.
stage() {
  local dir=$1
  shift
  mkdir -p "$dir"
  cp "$@" "$here/app.cpp" "$dir/"
}

# --- Installs, done once for both compilers.

install_with_cmake() {
  cmake -S "$root" -B "$work/cmake-install-build" -G Ninja \
    -DCLERK_BACKEND_BUILD_TESTS=OFF -DCLERK_BACKEND_BUILD_EXAMPLES=OFF &&
    cmake --install "$work/cmake-install-build" --prefix "$work/prefix" &&
    diff -r "$root/include" "$work/prefix/include" &&
    cmake -DVERSION_FILE="$work/prefix/share/cmake/clerk_backend/clerk_backendConfigVersion.cmake" \
      -DHEADER_VERSION="$header_version" -P "$here/version_file.cmake"
}

# Nothing of the library is compiled, so the install needs no build; with
# auto_features=disabled it needs no test tool either (doctest is not looked for).
install_with_meson() {
  local b=$work/meson-install-build
  meson setup "$b" "$root" --prefix "$work/meson-prefix" -Dauto_features=disabled &&
    ! grep -n clerk_tests "$b/build.ninja" &&
    grep -F "Dependency doctest skipped" "$b/meson-logs/meson-log.txt" &&
    meson install -C "$b" --no-rebuild &&
    diff -r "$root/include" "$work/meson-prefix/include"
}

# A user's build of the project (its tests included) asks for warnings but
# never fails on one: -Werror only with CLERK_BACKEND_WERROR=ON (development,
# CI). Configured only: the flags are in the generated build files.
user_build_cmake_no_werror() {
  local b=$work/cmake-user-build
  cmake -S "$root" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON &&
    grep -q -- -Wall "$b/compile_commands.json" &&
    ! grep -n -- -Werror "$b/compile_commands.json" &&
    cmake -S "$root" -B "$b" -DCLERK_BACKEND_WERROR=ON &&
    grep -q -- -Werror "$b/compile_commands.json"
}

user_build_meson_no_werror() {
  local b=$work/meson-user-build
  meson setup "$b" "$root" --buildtype=release &&
    grep -q -- -Wall "$b/build.ninja" &&
    ! grep -n -- -Werror "$b/build.ninja"
}

# --- Consumers; each runs with the globals cxx (the compiler) and w (its folder).

# cmake_consumer DIR CMAKE_ARGS...: configures, builds and runs DIR's app.
cmake_consumer() {
  local dir=$1
  shift
  cmake -S "$dir" -B "$dir/build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_CXX_FLAGS="${warnings[*]}" "$@" &&
    cmake --build "$dir/build" -j 1 &&
    "$dir/build/app"
}

# only_the_app DIR: the library's tests and examples stayed out of the
# consumer's build, and installing the consumer installs its app alone.
only_the_app() {
  local dir=$1
  if ninja -C "$dir/build" -t targets all | grep -E '/(tests|examples)/'; then
    echo "the library's tests or examples are part of the consumer's build"
    return 1
  fi
  cmake --install "$dir/build" --prefix "$dir/installed" &&
    [ "$(cd "$dir/installed" && find . -type f)" = ./bin/app ]
}

# Its include directory is imported, so the headers arrive as -isystem.
use_find_package() {
  local d=$w/find_package
  stage "$d" "$here/find_package/CMakeLists.txt"
  cmake_consumer "$d" -DCMAKE_PREFIX_PATH="$work/prefix" &&
    grep -x "clerk_backend_DIR:PATH=$work/prefix/share/cmake/clerk_backend" "$d/build/CMakeCache.txt" &&
    grep -F -- "-isystem $work/prefix/include" "$d/build/build.ninja" >/dev/null
}

use_add_subdirectory() {
  local d=$w/add_subdirectory
  stage "$d" "$here/add_subdirectory/CMakeLists.txt"
  ln -s "$root" "$d/clerk-backend-cpp"
  cmake_consumer "$d" && only_the_app "$d"
}

use_add_subdirectory_header_only() {
  local d=$w/add_subdirectory_header_only
  stage "$d" "$here/add_subdirectory_header_only/CMakeLists.txt" "$here/json_impl.cpp"
  ln -s "$root" "$d/clerk-backend-cpp"
  cmake_consumer "$d" && ! readelf -d "$d/build/app" | grep boost_json
}

use_fetch_content() {
  local d=$w/fetch_content
  stage "$d" "$here/fetch_content/CMakeLists.txt"
  cmake_consumer "$d" -DCLERK_BACKEND_DIR="$root" && only_the_app "$d"
}

use_meson_subproject() {
  local d=$w/meson_subproject
  stage "$d" "$here/meson_subproject/meson.build"
  mkdir "$d/subprojects"
  ln -s "$root" "$d/subprojects/clerk-backend-cpp"
  CXX=$cxx meson setup "$d/build" "$d" &&
    meson compile -C "$d/build" -j 1 &&
    "$d/build/app" &&
    if ninja -C "$d/build" -t targets all | grep clerk_tests; then
      echo "the library's tests are part of the consumer's build"
      return 1
    fi &&
    meson install -C "$d/build" --destdir "$d/staged" --no-rebuild &&
    [ "$(cd "$d/staged" && find . -type f -printf '%f\n')" = app ]
}

# The separate-compilation target: <clerk/src.hpp> compiled once for the
# consumer, and the macro (hence the _sc inline namespace) in its app.
compiled_in_app() {
  nm -C "$1" >"$1.symbols" &&
    grep -q 'clerk::v0_1_0_sc::' "$1.symbols" && ! grep 'clerk::v0_1_0::' "$1.symbols"
}

use_add_subdirectory_compiled() {
  local d=$w/add_subdirectory_compiled
  stage "$d" "$here/add_subdirectory/CMakeLists.txt"
  ln -s "$root" "$d/clerk-backend-cpp"
  cmake_consumer "$d" -DCLERK_TARGET=clerk::backend_compiled && compiled_in_app "$d/build/app"
}

use_find_package_compiled() {
  local d=$w/find_package_compiled
  stage "$d" "$here/find_package/CMakeLists.txt"
  cmake_consumer "$d" -DCMAKE_PREFIX_PATH="$work/prefix" -DCLERK_TARGET=clerk::backend_compiled &&
    compiled_in_app "$d/build/app"
}

use_meson_subproject_compiled() {
  local d=$w/meson_subproject_compiled
  stage "$d" "$here/meson_subproject_compiled/meson.build"
  mkdir "$d/subprojects"
  ln -s "$root" "$d/subprojects/clerk-backend-cpp"
  CXX=$cxx meson setup "$d/build" "$d" &&
    meson compile -C "$d/build" -j 1 &&
    "$d/build/app" && compiled_in_app "$d/build/app"
}

use_meson_pkg_config() {
  local d=$w/meson_pkg_config
  stage "$d" "$here/meson_pkg_config/meson.build"
  PKG_CONFIG_PATH=$work/prefix/share/pkgconfig CXX=$cxx meson setup "$d/build" "$d" &&
    meson compile -C "$d/build" -j 1 &&
    "$d/build/app"
}

# use_pkg_config PREFIX: a compiler command line fed by PREFIX's clerk_backend.pc.
use_pkg_config() {
  local d
  d=$w/pkg_config_$(basename "$1")
  stage "$d"
  export PKG_CONFIG_PATH=$1/share/pkgconfig
  # shellcheck disable=SC2046 # pkg-config's flags are meant to be split
  [ "$(pkg-config --modversion clerk_backend)" = "$header_version" ] &&
    (cd "$d" && $cxx $std "${warnings[@]}" app.cpp $(pkg-config --cflags --libs clerk_backend) -o app) &&
    "$d/app"
}

copied_headers_linked() {
  local d=$w/copied_linked
  stage "$d"
  (cd "$d" && $cxx $std "${warnings[@]}" -I"$work/vendor/include" app.cpp -lboost_json -o app) &&
    "$d/app" && readelf -d "$d/app" | grep boost_json
}

copied_headers_json_impl() {
  local d=$w/copied_json_impl
  stage "$d" "$here/json_impl.cpp"
  (cd "$d" && $cxx $std "${warnings[@]}" -I"$work/vendor/include" app.cpp json_impl.cpp -o app) &&
    "$d/app" && ! readelf -d "$d/app" | grep boost_json
}

# app.cpp defines boost::throw_exception only when Boost sees exceptions off.
no_exceptions() {
  local d=$w/no_exceptions
  stage "$d"
  (cd "$d" && $cxx $std "${warnings[@]}" -fno-exceptions -fno-rtti -I"$work/vendor/include" \
    app.cpp -lboost_json -o app) &&
    "$d/app" && nm -C "$d/app" | grep -E ' T boost::throw_exception\(std::exception const&\)$'
}

two_translation_units() {
  local d=$w/two_tus
  mkdir -p "$d"
  $cxx $std "${warnings[@]}" -I"$root/include" -c "$here/odr_one.cpp" -o "$d/one.o" &&
    $cxx $std "${warnings[@]}" -I"$root/include" -c "$here/odr_two.cpp" -o "$d/two.o" &&
    $cxx "$d/one.o" "$d/two.o" -lboost_json -o "$d/program" &&
    "$d/program"
}

# The second translation unit built against headers of another version (only
# the inline namespace changed) must fail to link, naming the function.
two_versions() {
  local d=$w/two_tus
  [ -f "$d/one.o" ] || return 1
  $cxx $std "${warnings[@]}" -I"$work/other_version/include" -c "$here/odr_two.cpp" \
    -o "$d/two_other.o" || return 1
  if $cxx "$d/one.o" "$d/two_other.o" -lboost_json -o "$d/mixed" 2>"$d/mixed.log"; then
    echo "two versions of the library linked into one program"
    return 1
  fi
  cat "$d/mixed.log"
  grep "undefined reference to .*parse_in_second_tu" "$d/mixed.log"
}

# One build mode per program: a translation unit built with
# CLERK_BACKEND_SEPARATE_COMPILATION (its definitions in src.hpp's TU) and
# one built header-only must not link together when they share a library type.
# The header-only one is two_translation_units' two.o. src.hpp's TU includes
# it twice: this is where it is checked alone (headers_alone leaves it out).
mixed_modes_do_not_link() {
  local d=$w/mixed_modes
  [ -f "$w/two_tus/two.o" ] || return 1
  mkdir -p "$d"
  printf '#include <clerk/src.hpp>\n#include <clerk/src.hpp>\n' >"$d/src.cpp"
  $cxx $std "${warnings[@]}" -DCLERK_BACKEND_SEPARATE_COMPILATION -I"$root/include" \
    -c "$here/odr_one.cpp" -o "$d/one.o" &&
    $cxx $std "${warnings[@]}" -DCLERK_BACKEND_SEPARATE_COMPILATION -I"$root/include" \
      -c "$d/src.cpp" -o "$d/src.o" ||
    return 1
  if $cxx "$d/one.o" "$d/src.o" "$w/two_tus/two.o" -lboost_json -o "$d/mixed" 2>"$d/mixed.log"; then
    echo "separate and header-only translation units linked into one program"
    return 1
  fi
  cat "$d/mixed.log"
  grep "undefined reference to .*parse_in_second_tu" "$d/mixed.log"
}

# With separate compilation, a TU that reads a generated model compiles none
# of its table (tables_once.cpp): the object refers to the user's table,
# defines no table or accessor, and works linked with src.hpp's object (made
# by mixed_modes_do_not_link, which runs before).
tables_compiled_once() {
  local d=$w/tables_once
  [ -f "$w/mixed_modes/src.o" ] || return 1
  mkdir -p "$d"
  $cxx $std "${warnings[@]}" -DCLERK_BACKEND_SEPARATE_COMPILATION -I"$root/include" \
    -c "$here/tables_once.cpp" -o "$d/tables_once.o" || return 1
  nm -C "$d/tables_once.o" >"$d/symbols.txt" || return 1
  if ! grep -q ' U .*detail::info_ptr<.*backend::user>()' "$d/symbols.txt"; then
    echo "tables_once.o does not refer to the user's table defined elsewhere"
    return 1
  fi
  if grep -E ' [TtWwVvu] .*(fields_of|member_ops|info_of)<' "$d/symbols.txt"; then
    echo "tables_once.o compiles model tables (above) that src.hpp's object holds"
    return 1
  fi
  $cxx "$d/tables_once.o" "$w/mixed_modes/src.o" -lboost_json -o "$d/app" && "$d/app"
}

public_headers() {
  (cd "$root/include" && find clerk -name '*.hpp' | sort)
}

# Each public header is checked alone by one of the two compilers (g++ takes
# every other one, clang++ the rest), so that the check costs CI a few
# minutes rather than ten: it is about what a header includes, which both
# compilers read from the same libstdc++ and Boost; both still compile all of
# them together (headers_as_system). The generated Backend API
# (include/clerk/backend/, 93 headers) is checked alone with separate
# compilation only, where each header takes 1 to 1.5 s instead of 2 to 3 s
# (the engine's .ipp files are not read) and its `extern template` lines are
# compiled; what it holds for the header-only mode is compiled there by
# headers_as_system, the declarations unit and the tests. <clerk/src.hpp>,
# which compiles every model's table, is compiled alone and twice included
# by mixed_modes_do_not_link, with both compilers, and not again here.
generated() { head -4 "$root/include/$1" | grep -q "tests/codegen/generate.mjs"; }
mine() { # mine INDEX: whether this compiler takes the INDEX-th header
  case $cxx in g++) [ $(($1 % 2)) -eq 0 ] ;; *) [ $(($1 % 2)) -eq 1 ] ;; esac
}

# headers_alone [DEFINE...]: every public header as the first (and a
# repeated) include of a translation unit of its own, each compiled apart
# (by one compiler, as said above). <clerk/src.hpp> belongs to separate
# compilation only, and must refuse to compile without it.
headers_alone() {
  local status=0 h n=0
  local defines=("$@")
  for h in $(public_headers); do
    n=$((n + 1))
    if [ "$h" = clerk/src.hpp ]; then
      if [ ${#defines[@]} -eq 0 ] &&
        echo "#include <$h>" | $cxx $std -I"$root/include" -x c++ - -fsyntax-only; then
        echo "$h compiles without CLERK_BACKEND_SEPARATE_COMPILATION"
        status=1
      fi
      continue
    fi
    if ! mine "$n" || { generated "$h" && [ ${#defines[@]} -eq 0 ]; }; then
      continue
    fi
    printf '#include <%s>\n#include <%s>\n' "$h" "$h" |
      $cxx $std "${warnings[@]}" "${defines[@]}" -I"$root/include" -x c++ - -fsyntax-only ||
      {
        echo "does not compile on its own: $h"
        status=1
      }
  done
  return $status
}

# Every public header (but <clerk/src.hpp>) included twice, in sorted order,
# in one translation unit whose include folder is given by -isystem: the
# headers compile as system headers. Each compiling on its own is
# headers_alone's check, so one translation unit is enough here.
headers_as_system() {
  public_headers | grep -vx clerk/src.hpp | sed 's/.*/#include <&>\n#include <&>/' |
    $cxx $std "${warnings[@]}" -isystem "$root/include" -x c++ - -fsyntax-only
}

# The adapters (tests/packaging/adapters): the installed CMake package with
# COMPONENTS curl asio openssl, a Meson subproject, pkg-config's clerk_curl,
# clerk_asio and clerk_openssl, and the curl and OpenSSL adapters with
# -fno-exceptions -fno-rtti (Asio's coroutines need exceptions). Each
# transport app sends to a closed loopback port; the OpenSSL app checks a
# signature it made.
adapters_find_package() {
  local d=$w/adapters_find_package
  mkdir -p "$d" && cp "$here/adapters/CMakeLists.txt" "$here/adapters/app.cpp" \
    "$here/adapters/openssl_app.cpp" "$d/" &&
    cmake -S "$d" -B "$d/build" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" \
      -DCMAKE_CXX_FLAGS="${warnings[*]}" -DCMAKE_PREFIX_PATH="$work/prefix" &&
    cmake --build "$d/build" -j 1 && "$d/build/curl_app" && "$d/build/asio_app" &&
    "$d/build/openssl_app"
}

adapters_meson_subproject() {
  local d=$w/adapters_meson_subproject
  mkdir -p "$d/subprojects" && cp "$here/adapters/meson.build" "$here/adapters/app.cpp" \
    "$here/adapters/openssl_app.cpp" "$d/" &&
    ln -s "$root" "$d/subprojects/clerk-backend-cpp" &&
    CXX=$cxx meson setup "$d/build" "$d" && meson compile -C "$d/build" -j 1 &&
    "$d/build/curl_app" && "$d/build/asio_app" && "$d/build/openssl_app"
}

# shellcheck disable=SC2046 # pkg-config's flags are meant to be split
adapters_pkg_config() {
  local d=$w/adapters_pkg_config
  mkdir -p "$d"
  export PKG_CONFIG_PATH=$work/prefix/share/pkgconfig
  $cxx $std "${warnings[@]}" "$here/adapters/app.cpp" $(pkg-config --cflags --libs clerk_curl) \
    -o "$d/curl_app" &&
    $cxx $std "${warnings[@]}" -DCLERK_PACKAGING_ASIO "$here/adapters/app.cpp" \
      $(pkg-config --cflags --libs clerk_asio) -o "$d/asio_app" &&
    $cxx $std "${warnings[@]}" "$here/adapters/openssl_app.cpp" \
      $(pkg-config --cflags --libs clerk_openssl) -o "$d/openssl_app" &&
    "$d/curl_app" && "$d/asio_app" && "$d/openssl_app"
}

adapters_curl_no_exceptions() {
  local d=$w/adapters_curl_no_exceptions
  mkdir -p "$d"
  $cxx $std "${warnings[@]}" -fno-exceptions -fno-rtti -I"$work/vendor/include" \
    "$here/adapters/app.cpp" -lcurl -lboost_json -o "$d/curl_app" && "$d/curl_app"
}

adapters_openssl_no_exceptions() {
  local d=$w/adapters_openssl_no_exceptions
  mkdir -p "$d"
  $cxx $std "${warnings[@]}" -fno-exceptions -fno-rtti -I"$work/vendor/include" \
    "$here/adapters/openssl_app.cpp" -lcrypto -lboost_json -o "$d/openssl_app" &&
    "$d/openssl_app"
}

use_pkg_config_cmake_installed() { use_pkg_config "$work/prefix"; }
use_pkg_config_meson_installed() { use_pkg_config "$work/meson-prefix"; }
headers_alone_separate_compilation() { headers_alone -DCLERK_BACKEND_SEPARATE_COMPILATION; }

# The checks done once, and those done for each compiler (NAME:FUNCTION, in
# order: two-versions and mixed-build-modes use two-translation-units' objects).
# A check naming a compiler (NAME:FUNCTION:COMPILER) is done by that one only:
# the three ways of taking the adapters build all three adapter programs, 40
# to 60 s each way, and the three ways of taking the library with separate
# compilation 15 to 20 s each, so each compiler takes some of the ways (both
# build the adapters without exceptions, and both compile every header with
# separate compilation), which keeps CI within its 35 minutes.
shared_checks=(
  cmake-install:install_with_cmake
  meson-install:install_with_meson
  cmake-user-build-no-werror:user_build_cmake_no_werror
  meson-user-build-no-werror:user_build_meson_no_werror
)
compilers=(g++ clang++)
suite_checks=(
  find_package:use_find_package
  add_subdirectory:use_add_subdirectory
  add_subdirectory-json-header-only:use_add_subdirectory_header_only
  fetch_content:use_fetch_content
  meson-subproject:use_meson_subproject
  meson-pkg-config:use_meson_pkg_config
  pkg-config-cmake-installed:use_pkg_config_cmake_installed
  pkg-config-meson-installed:use_pkg_config_meson_installed
  copied-headers-lboost_json:copied_headers_linked
  copied-headers-json_impl:copied_headers_json_impl
  no-exceptions-no-rtti:no_exceptions
  two-translation-units:two_translation_units
  two-versions-do-not-link:two_versions
  adapters-find_package:adapters_find_package:clang++
  adapters-meson-subproject:adapters_meson_subproject:g++
  adapters-pkg-config:adapters_pkg_config:clang++
  adapters-curl-no-exceptions-no-rtti:adapters_curl_no_exceptions
  adapters-openssl-no-exceptions-no-rtti:adapters_openssl_no_exceptions
  mixed-build-modes-do-not-link:mixed_modes_do_not_link
  separate-compilation-tables-compiled-once:tables_compiled_once
  add_subdirectory-compiled:use_add_subdirectory_compiled:clang++
  find_package-compiled:use_find_package_compiled:g++
  meson-subproject-compiled:use_meson_subproject_compiled:clang++
  headers-alone-I:headers_alone
  headers-together-isystem:headers_as_system
  headers-alone-separate-compilation:headers_alone_separate_compilation
)

# suite CXX: every per-compiler check, named after the compiler.
suite() {
  cxx=$1
  local tag=${1%++} c
  w=$work/$tag
  local name function only
  for c in "${suite_checks[@]}"; do
    IFS=: read -r name function only <<<"$c"
    if [ -z "$only" ] || [ "$only" = "$cxx" ]; then
      check "$tag-$name" "$function"
    fi
  done
}

for c in "${shared_checks[@]}"; do
  check "${c%%:*}" "${c#*:}"
done

mkdir -p "$work/vendor" "$work/other_version"
cp -r "$root/include" "$work/vendor/"
cp -r "$root/include" "$work/other_version/"
sed -i 's/^#define CLERK_BACKEND_ABI .*/#define CLERK_BACKEND_ABI v_packaging_other/' \
  "$work/other_version/include/clerk/version.hpp"

# The compilers' suites run side by side, one build job each. A suite that
# dies (a shell error) fails the run, and so do checks that never ran.
pids=()
for cxx in "${compilers[@]}"; do
  suite "$cxx" &
  pids+=($!)
done
jobs_ok=true
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    echo "the ${compilers[$i]} suite died before its end"
    jobs_ok=false
  fi
done

passed=$(grep -c '^pass ' "$work/results")
failed=$(grep -c '^FAIL ' "$work/results")
expected=${#shared_checks[@]}
for c in "${suite_checks[@]}"; do
  IFS=: read -r _ _ only <<<"$c"
  if [ -n "$only" ]; then expected=$((expected + 1)); else expected=$((expected + ${#compilers[@]})); fi
done
if [ $((passed + failed)) -ne "$expected" ]; then
  echo "$((passed + failed)) checks ran; $expected are listed"
  jobs_ok=false
fi
if [ "$failed" -eq 0 ] && $jobs_ok; then
  rm -rf "$work"
else
  grep '^FAIL ' "$work/results"
fi
echo "packaging: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && $jobs_ok
