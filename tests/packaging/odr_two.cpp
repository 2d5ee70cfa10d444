// The second translation unit of the two-TU check; see odr_one.cpp.
#include <clerk/backend.hpp>

clerk::result<clerk::sign_in_token> parse_in_second_tu(const clerk::http_response& r) {
  return clerk::parse_response(clerk::revoke_sign_in_token{"sit_1"}, r, clerk::response_limits{});
}

const void* version_in_second_tu() {
  return &clerk::version;
}

const void* redacted_in_second_tu() {
  return &clerk::http::redacted;
}
