// Include this in exactly one translation unit to compile Boost.JSON into the
// program instead of linking -lboost_json (with CMake, set
// CLERK_BACKEND_JSON_HEADER_ONLY so that clerk::backend stops linking
// Boost::json). No other header of the library includes it.
// Not for -fno-exceptions builds: Boost.JSON 1.81's sources use try/catch,
// which g++ then rejects; such builds link -lboost_json.
#ifndef CLERK_JSON_IMPL_HPP
#define CLERK_JSON_IMPL_HPP

#include <boost/json/src.hpp>

#endif
