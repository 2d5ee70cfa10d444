// What a transport author includes must not drag in Boost.JSON: this TU
// includes those headers first and checks that no Boost.JSON header came along.
#include <clerk/config.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/result.hpp>
#include <clerk/transport.hpp>

#if defined(BOOST_JSON_VALUE_HPP) || defined(BOOST_JSON_OBJECT_HPP) || \
    defined(BOOST_JSON_BASIC_PARSER_HPP) || defined(BOOST_JSON_STRING_HPP)
#define CLERK_TEST_JSON_INCLUDED 1
#else
#define CLERK_TEST_JSON_INCLUDED 0
#endif

#include <doctest/doctest.h>

TEST_CASE("http, transport, error, result and config include no Boost.JSON") {
  CHECK(CLERK_TEST_JSON_INCLUDED == 0);
}
