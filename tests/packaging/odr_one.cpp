// Two translation units that include the whole library link into one
// program: a non-inline definition in a header would be defined in both and
// fail the link. Built against another version's headers, odr_two.cpp must
// NOT link with this file, since every library type's mangled name carries
// the version's inline namespace (run.sh checks both).
#include <clerk/backend.hpp>

#include <cstdio>
#include <cstdlib>
#include <string_view>

clerk::result<clerk::sign_in_token> parse_in_second_tu(const clerk::http_response& r);
const void* version_in_second_tu();
const void* redacted_in_second_tu();

int main() {
  const clerk::http_response r{200,
                               {{"Content-Type", "application/json"}},
                               R"({"object":"sign_in_token","id":"sit_1","status":"revoked",)"
                               R"("user_id":"user_1","created_at":1,"updated_at":2})"};
  auto here =
      clerk::parse_response(clerk::revoke_sign_in_token{"sit_1"}, r, clerk::response_limits{});
  auto there = parse_in_second_tu(r);
  if (!here || !there || *here != *there || here->status != clerk::sign_in_token_status::revoked) {
    std::fprintf(stderr, "the two translation units disagree\n");
    return EXIT_FAILURE;
  }
  // An inline variable is one object in the whole program; a namespace-scope
  // const without `inline` would be one object per translation unit.
  if (&clerk::version != version_in_second_tu() ||
      &clerk::http::redacted != redacted_in_second_tu()) {
    std::fprintf(stderr, "a library variable has one copy per translation unit\n");
    return EXIT_FAILURE;
  }
  std::puts("two translation units: ok");
  return EXIT_SUCCESS;
}
