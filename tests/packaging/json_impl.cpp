// The one translation unit of a header-only Boost.JSON build.
#include <clerk/json_impl.hpp>
