#include <clerk/backend/sign_in_tokens.hpp>

#include "support.hpp"

#include <chrono>
#include <string>

using namespace std::chrono_literals;

TEST_CASE("known statuses map to their values and keep their text") {
  CHECK(clerk::sign_in_token_status("pending") == clerk::sign_in_token_status::pending);
  CHECK(clerk::sign_in_token_status("accepted") == clerk::sign_in_token_status::accepted);
  CHECK(clerk::sign_in_token_status("revoked") == clerk::sign_in_token_status::revoked);
  CHECK(clerk::sign_in_token_status("revoked").raw() == "revoked");
}

TEST_CASE("an unknown status is open: unknown, with its text kept") {
  clerk::sign_in_token_status s("expired");
  CHECK(s.value() == clerk::sign_in_token_status::unknown);
  CHECK(s.raw() == "expired");
  CHECK(s != clerk::sign_in_token_status("Pending"));
  CHECK(clerk::sign_in_token_status("Pending") == clerk::sign_in_token_status::unknown);
}

TEST_CASE("timestamps print as UTC with milliseconds") {
  CHECK(clerk::format_timestamp(clerk::timestamp(1719952616214ms)) == "2024-07-02T20:36:56.214Z");
  CHECK(clerk::format_timestamp(clerk::timestamp(0ms)) == "1970-01-01T00:00:00.000Z");
  CHECK(clerk::format_timestamp(clerk::max_timestamp) == "9999-12-31T23:59:59.999Z");
  CHECK(clerk::format_timestamp(clerk::timestamp(-1ms)) == "-1ms");
}

TEST_CASE("a printed token hides the token and the ticket but shows the rest") {
  clerk::sign_in_token t;
  t.id = "sit_1";
  t.status = clerk::sign_in_token_status("pending");
  t.user_id = "user_1";
  t.token = clerk::secret(clerk_test::sample_jwt);
  t.url = clerk::secret(std::string("https://acc.example/v1/tickets/accept?ticket=") +
                        clerk_test::sample_jwt);
  t.created_at = clerk::timestamp(1719952616214ms);
  t.updated_at = clerk::timestamp(1719952616215ms);
  CHECK(
      clerk_test::printed(t) ==
      "sign_in_token{id=sit_1, status=pending, user_id=user_1, token=[redacted], "
      "url=https://acc.example/v1/tickets/accept?[redacted], created_at=2024-07-02T20:36:56.214Z, "
      "updated_at=2024-07-02T20:36:56.215Z}");
  CHECK(clerk_test::printed(*t.token) == "[redacted]");
}
