// Include this in exactly one translation unit to compile Boost.JSON into the
// program instead of linking -lboost_json. No public header includes it.
#ifndef CLERK_JSON_IMPL_HPP
#define CLERK_JSON_IMPL_HPP

#include <boost/json/src.hpp>

#endif
