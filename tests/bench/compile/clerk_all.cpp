// Compile-time probe (tests/bench/compile_time.sh): every Backend API header
// (<clerk/backend/all.hpp>) and no call: what including the whole API costs a
// translation unit that uses little of it.
#include <clerk/backend/all.hpp>
