// The one translation unit that defines the library's functions when the
// suite is built with CLERK_BACKEND_SEPARATE_COMPILATION.
#include <clerk/src.hpp>
