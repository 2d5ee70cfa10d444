# Checks an installed clerk_backendConfigVersion.cmake the way find_package
# consults it:
#   cmake -DVERSION_FILE=<file> -DHEADER_VERSION=<CLERK_BACKEND_VERSION_STRING> -P version_file.cmake
# The package must carry the version of <clerk/version.hpp>. While the major
# is 0 a minor release may break the API, so M.m accepts requests for M.m and
# M.m.p up to itself only; and a header-only package fits any pointer size.
cmake_minimum_required(VERSION 3.21)
set(CMAKE_SIZEOF_VOID_P 4)  # a 32-bit consumer of a package installed on 64 bits

# compatible(REQUESTED OUT): what the version file answers to find_package(... REQUESTED).
function(compatible requested out)
  set(PACKAGE_FIND_VERSION ${requested})
  string(REPLACE "." ";" parts ${requested})
  list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
  list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
  set(PACKAGE_VERSION_UNSUITABLE FALSE)
  include(${VERSION_FILE})
  if(PACKAGE_VERSION_COMPATIBLE AND NOT PACKAGE_VERSION_UNSUITABLE)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
  set(package_version ${PACKAGE_VERSION} PARENT_SCOPE)
endfunction()

compatible(0.0 ignored)
if(package_version MATCHES "bit\\)$")
  message(FATAL_ERROR "the version file refuses another pointer size (${package_version}): not ARCH_INDEPENDENT")
endif()
if(NOT package_version STREQUAL HEADER_VERSION)
  message(FATAL_ERROR "the package says ${package_version}, <clerk/version.hpp> says ${HEADER_VERSION}")
endif()
string(REPLACE "." ";" parts ${package_version})
list(GET parts 0 major)
list(GET parts 1 minor)
list(GET parts 2 patch)
math(EXPR next_minor "${minor} + 1")
math(EXPR next_patch "${patch} + 1")
math(EXPR next_major "${major} + 1")

set(cases "${major}.${minor}=TRUE" "${package_version}=TRUE" "${major}.${minor}.${next_patch}=FALSE"
          "${major}.${next_minor}=FALSE" "${next_major}.0=FALSE")
if(minor GREATER 0)
  math(EXPR previous_minor "${minor} - 1")
  list(APPEND cases "${major}.${previous_minor}=FALSE")
endif()

set(failed FALSE)
foreach(case IN LISTS cases)
  string(REPLACE "=" ";" case ${case})
  list(GET case 0 requested)
  list(GET case 1 expected)
  compatible(${requested} got)
  if(NOT got STREQUAL expected)
    message(SEND_ERROR "find_package(clerk_backend ${requested}) against ${package_version}: compatible is ${got}, expected ${expected}")
    set(failed TRUE)
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "the version file accepts the wrong versions")
endif()
message(STATUS "version file ${package_version}: ok")
