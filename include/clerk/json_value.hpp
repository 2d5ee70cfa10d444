// Opt-in: Boost.JSON values of the JSON the library keeps as text
// (clerk_error::meta, api_error::meta, raw_json members of models).
#ifndef CLERK_JSON_VALUE_HPP
#define CLERK_JSON_VALUE_HPP

#include <clerk/raw_json.hpp>
#include <clerk/version.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// The parsed value; null when `j` is empty or not JSON (the library stores
// only text it parsed itself, so the latter means it was set by hand).
inline boost::json::value to_value(const raw_json& j) {
  if (j.empty())
    return nullptr;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(j.text(), ec);
  if (ec)
    return nullptr;
  return v;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
