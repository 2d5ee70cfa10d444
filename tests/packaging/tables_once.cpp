// With CLERK_BACKEND_SEPARATE_COMPILATION, a translation unit that reads a
// Backend API model compiles none of its table: each generated header
// declares its models' tables `extern template`, and <clerk/src.hpp> defines
// them (run.sh checks the object's symbols, links it with src.hpp's object
// and runs it). A user, its email addresses and their verifications are 27
// models' tables that this file would otherwise compile.
#include <clerk/backend/users.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

int main() {
  const clerk::http_response r{
      200,
      {{"Content-Type", "application/json"}},
      R"({"object":"user","id":"user_1","email_addresses":[{"object":"email_address",)"
      R"("id":"idn_1","email_address":"a@example.com","reserved":false,"verification":)"
      R"({"object":"verification_otp","status":"verified","strategy":"email_code",)"
      R"("attempts":"one","expire_at":1},"linked_to":[],"created_at":1,"updated_at":1}]})"};
  auto user =
      clerk::parse_response(clerk::backend::get_user{"user_1"}, r, clerk::response_limits{});
  // The tables read the answer down to the verification, whose attempts
  // are not a number.
  const std::string expected = "email_addresses[0].verification.attempts";
  if (user || user.error().message().find(expected) == std::string::npos) {
    std::fprintf(stderr, "the tables did not read the answer: %s\n",
                 user ? "parsed" : user.error().message().c_str());
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
