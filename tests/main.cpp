// The doctest runner shared by every unit test binary.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <boost/config.hpp>

#ifdef BOOST_NO_EXCEPTIONS
#include <boost/throw_exception.hpp>

#include <cstdio>
#include <cstdlib>
#include <exception>

// With exceptions off, Boost hands every would-be throw to these. A library
// user must define them too (README: "Building without exceptions"); Boost's
// own declarations carry [[noreturn]].
namespace boost {
void throw_exception(const std::exception& e) {
  std::fprintf(stderr, "boost::throw_exception: %s\n", e.what());
  std::abort();
}
void throw_exception(const std::exception& e, const boost::source_location&) {
  throw_exception(e);
}
}  // namespace boost
#endif
