# The rules README.md keeps beside compiling (see CMakeLists.txt): run as
#   cmake -DREADME=README.md -DWORK=DIR -P tests/readme/check.cmake
# It is for users who clone the repository: at most 300 lines, no link that
# leaves the repository, and a Quick start whose first block is exactly the
# demo and the test command (.ci/run relies on them). Shell blocks must parse
# (bash -n); they are not run. Its C++ blocks are compiled by the build
# (target clerk_readme_blocks).
cmake_minimum_required(VERSION 3.21)
include(${CMAKE_CURRENT_LIST_DIR}/blocks.cmake)
file(READ ${README} text)
set(failures 0)
macro(fail why)
  message(SEND_ERROR "README.md: ${why}")
  math(EXPR failures "${failures} + 1")
endmacro()

string(REGEX MATCHALL "\n" newlines "${text}")
list(LENGTH newlines line_count)
if(line_count GREATER 300)
  fail("${line_count} lines, more than 300")
endif()

# Markdown links and bare references that leave the repository.
string(REGEX MATCHALL "\\]\\(\\.\\./[^)]*\\)|\\.\\./shared[^ )`]*" outside "${text}")
if(outside)
  fail("links outside the repository: ${outside}")
endif()

string(FIND "${text}" "\n## Quick start\n" qs)
if(qs EQUAL -1)
  fail("no '## Quick start' section")
else()
  string(SUBSTRING "${text}" ${qs} -1 quick)
  clerk_readme_blocks("${quick}" sh sh)
  if(sh EQUAL 0 OR NOT sh_0 STREQUAL "bash examples/demo.sh\nbash tests/run.sh\n")
    fail("the first block under Quick start must be exactly 'bash examples/demo.sh' then 'bash tests/run.sh'")
  endif()
endif()

# Clerk's document makes a sign-in token's url nullable: an example that
# reveals it must test it on that line or the one before (review 2, finding
# 19).
string(REPLACE ";" "," unlisted "${text}")  # a match must not split as a list
string(REGEX MATCHALL "[^\n]*\n[^\n]*->url->reveal\\(\\)" reveals "${unlisted}")
foreach(r IN LISTS reveals)
  if(NOT r MATCHES "if \\([a-z_]+->url\\)")
    fail("url is revealed without checking that it is set: ${r}")
  endif()
endforeach()

find_program(BASH bash)
clerk_readme_blocks("${text}" sh sh)
if(sh GREATER 0 AND BASH)
  math(EXPR last "${sh} - 1")
  foreach(i RANGE ${last})
    file(WRITE ${WORK}/readme_block_${i}.sh "${sh_${i}}")
    execute_process(COMMAND ${BASH} -n ${WORK}/readme_block_${i}.sh RESULT_VARIABLE rc
                    ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      fail("shell block ${i} does not parse: ${err}")
    endif()
  endforeach()
endif()

if(failures GREATER 0)
  message(FATAL_ERROR "README.md breaks ${failures} rule(s)")
endif()
message(STATUS "README.md: ${line_count} lines, rules kept")
