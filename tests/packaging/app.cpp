// The program every packaging consumer builds. It exits 0 only when the
// library, taken in that way, builds a request and parses responses
// correctly; a missing header, a missing Boost.JSON or a wrong flag fails the
// build, the link or a check.
#include <clerk/backend.hpp>

#include <cstdio>
#include <cstdlib>
#include <string_view>

#ifdef BOOST_NO_EXCEPTIONS
#include <boost/throw_exception.hpp>

#include <exception>

// With -fno-exceptions Boost hands every would-be throw to these, and the
// program must define them (README: "Building without exceptions"). Boost's
// declarations, included above, already make them noreturn; repeating
// [[noreturn]] here is an error under clang once another Boost header has
// declared them first.
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

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

}  // namespace

int main() {
  auto cfg = clerk::config::make({.secret_key = "sk_test_packaging"});
  if (!cfg) {
    std::fprintf(stderr, "config: %s\n", cfg.error().message().c_str());
    return EXIT_FAILURE;
  }

  const clerk::create_sign_in_token create{.user_id = "user_2xyz"};
  auto request = clerk::build_request(create, *cfg);
  if (!request) {
    std::fprintf(stderr, "build_request: %s\n", request.error().message().c_str());
    return EXIT_FAILURE;
  }
  check(request->url == "https://api.clerk.com/v1/sign_in_tokens", "request URL");
  check(request->body == R"({"user_id":"user_2xyz"})", "request body");
  check(request->headers.find("authorization") == "Bearer sk_test_packaging", "Authorization");

  // Parsing runs Boost.JSON: this is what fails to link when it is missing.
  const clerk::http_response ok{200,
                                {{"Content-Type", "application/json"}},
                                R"({"object":"sign_in_token","id":"sit_2abc","status":"pending",)"
                                R"("user_id":"user_2xyz","token":"eyJhbGciOiJIUzI1NiJ9.e30.c2ln",)"
                                R"("url":null,"created_at":1719952616214,)"
                                R"("updated_at":1719952616215})"};
  auto token = clerk::parse_response(create, ok, clerk::response_limits{});
  if (!token) {
    std::fprintf(stderr, "parse_response: %s\n", token.error().message().c_str());
    return EXIT_FAILURE;
  }
  check(token->id == "sit_2abc", "token id");
  check(token->status == clerk::sign_in_token_status::pending, "token status");
  check(token->token && token->token->reveal() == "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "token");
  check(token->created_at.time_since_epoch().count() == 1719952616214, "created_at");

  const clerk::http_response refused{
      422,
      {{"Content-Type", "application/json"}},
      R"({"errors":[{"code":"form_param_missing","message":"missing",)"
      R"("meta":{"param_name":"user_id"}}],"clerk_trace_id":"trace_1"})"};
  auto failed = clerk::parse_response(create, refused, clerk::response_limits{});
  check(failed.has_error() && failed.error().kind() == clerk::error_kind::api,
        "422 is an api error");
  if (failed.has_error() && failed.error().as_api()) {
    const clerk::api_error& api = *failed.error().as_api();
    check(api.status == 422 && api.clerk_trace_id == "trace_1", "api error status and trace id");
    check(api.errors.size() == 1 && api.errors[0].code == "form_param_missing", "api error code");
  }

  if (failures != 0)
    return EXIT_FAILURE;
  std::printf("clerk-backend-cpp %.*s: ok\n", static_cast<int>(clerk::version.size()),
              clerk::version.data());
  return EXIT_SUCCESS;
}
