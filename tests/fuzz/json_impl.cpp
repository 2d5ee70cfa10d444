// Boost.JSON compiled into the fuzz targets with the same sanitizers and
// coverage instrumentation as the library, instead of the uninstrumented .so.
#include <clerk/json_impl.hpp>
