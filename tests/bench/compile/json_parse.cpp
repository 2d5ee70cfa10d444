// Compile-time probe (tests/bench/compile_time.sh): the reference a user's
// translation unit pays for Boost.JSON alone: the whole <boost/json.hpp>
// and one parse.
#include <boost/json.hpp>

#include <string_view>

boost::json::value parse_value(std::string_view text) {
  boost::system::error_code ec;
  return boost::json::parse(text, ec);
}
