// Compile-time probe (tests/bench/compile_time.sh): the one translation unit
// that defines the library when a program builds it with
// CLERK_BACKEND_SEPARATE_COMPILATION; paid once per program, not per file.
#include <clerk/src.hpp>
