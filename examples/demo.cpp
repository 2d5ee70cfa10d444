// Creates and revokes a sign-in token through an in-process transport that
// answers as Clerk does, printing each request (redacted) and token.
#include <clerk/backend.hpp>

#include <cstdlib>
#include <iostream>
#include <string>

namespace {

// Answers create and revoke the way Clerk's Backend API does.
clerk::transport_result answer_like_clerk(const clerk::http_request& r) {
  std::cout << "--> " << r << "\n\n";
  std::string status = r.url.ends_with("/revoke") ? "revoked" : "pending";
  std::string body =
      R"({"object":"sign_in_token","id":"sit_demo1","status":")" + status +
      R"(","user_id":"user_demo","created_at":1719952616214,"updated_at":1719952616214)";
  if (status == "pending")
    body +=
        R"(,"token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyX2RlbW8ifQ.c2lnbmF0dXJl")"
        R"(,"url":"https://accounts.example.com/v1/tickets/accept?ticket=eyJhbGciOiJSUzI1NiJ9.e30.c2ln")";
  body += "}";
  return clerk::http_response{200, {{"Content-Type", "application/json"}}, body};
}

}  // namespace

int main() {
  auto cfg = clerk::config::make({.secret_key = "sk_test_demo0000000000000000000"});
  if (!cfg) {
    std::cerr << cfg.error() << '\n';
    return EXIT_FAILURE;
  }
  const clerk::client client(*cfg, answer_like_clerk);

  auto created = client.send(clerk::create_sign_in_token{.user_id = "user_demo"});
  if (!created) {
    std::cerr << created.error() << '\n';
    return EXIT_FAILURE;
  }
  std::cout << "created: " << *created << "\n\n";

  auto revoked = client.send(clerk::revoke_sign_in_token{created->id});
  if (!revoked) {
    std::cerr << revoked.error() << '\n';
    return EXIT_FAILURE;
  }
  std::cout << "revoked: " << *revoked << '\n';
}
