// Deliberately not starting with a library header: standard headers that
// declare common names (std::quoted in <iomanip>) must not capture the
// library's unqualified calls through argument-dependent lookup.
#include <iomanip>

#include <clerk/backend.hpp>

#include "support.hpp"

TEST_CASE("the library compiles and works after <iomanip>") {
  auto r = clerk::parse_response(clerk::create_sign_in_token{.user_id = "u"},
                                 clerk_test::json_response(200, R"({"object":"sign_in_token"})"),
                                 clerk::response_limits{});
  REQUIRE(r.has_error());
  CHECK(r.error().as_unexpected_response()->problem == "missing field \"id\"");
}
