#include <clerk/result.hpp>

#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/transport.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

TEST_CASE("a result holds a value or an error, never both") {
  clerk::result<std::string> ok = std::string("v");
  CHECK(ok.has_value());
  CHECK_FALSE(ok.has_error());
  CHECK(static_cast<bool>(ok));
  CHECK(*ok == "v");
  CHECK(ok->size() == 1);

  clerk::result<std::string> bad = clerk::error(clerk::invalid_request{"f", "r"});
  CHECK(bad.has_error());
  CHECK_FALSE(bad);
  CHECK(bad.error().as_invalid_request()->field == "f");
}

TEST_CASE("error() is a reference, so what it points into outlives the call") {
  clerk::result<int> bad = clerk::error(clerk::invalid_request{"field", "reason"});
  const clerk::invalid_request* details = bad.error().as_invalid_request();
  CHECK(details == bad.error().as_invalid_request());
  CHECK(details->reason == "reason");
}

TEST_CASE("an error can be moved out") {
  clerk::result<int> bad = clerk::error(clerk::invalid_request{"field", "reason"});
  clerk::error e = std::move(bad).error();
  CHECK(e.as_invalid_request()->field == "field");
}

#ifdef __cpp_exceptions
TEST_CASE("value() on an error throws clerk::exception carrying the error") {
  clerk::result<int> r = clerk::error(clerk::invalid_request{"user_id", "must not be empty"});
  CHECK_THROWS_AS((void)r.value(), clerk::exception);
  try {
    (void)r.value();
  } catch (const clerk::exception& e) {
    CHECK(e.error().kind() == clerk::error_kind::invalid_request);
    CHECK(std::string(e.what()) == "invalid request: user_id: must not be empty");
  }
}

TEST_CASE("value() on a transport error throws clerk::exception keeping its code") {
  clerk::basic_result<int, clerk::transport_error> r =
      clerk::transport_error{std::make_error_code(std::errc::timed_out), "timed out", false};
  try {
    (void)r.value();
    FAIL("value() did not throw");
  } catch (const clerk::exception& e) {
    REQUIRE(e.error().as_transport() != nullptr);
    CHECK(e.error().as_transport()->code == std::errc::timed_out);
  }
}
#endif

TEST_CASE("value() on a value returns it") {
  clerk::result<int> r = 7;
  CHECK(r.value() == 7);
}

// What converts implicitly to T converts implicitly to a result; what only
// constructs T explicitly needs an explicit result(...). (`transport_result r
// = 404;` compiled through g++'s parenthesised aggregate init.)
static_assert(std::is_convertible_v<std::string, clerk::result<std::string>>);
static_assert(std::is_convertible_v<clerk::http_response, clerk::transport_result>);
static_assert(std::is_convertible_v<clerk::transport_error, clerk::transport_result>);
static_assert(!std::is_convertible_v<int, clerk::transport_result>);
static_assert(!std::is_convertible_v<std::string, clerk::result<clerk::sign_in_token>>);
static_assert(!std::is_convertible_v<std::string_view, clerk::result<std::string>>);
static_assert(std::is_constructible_v<clerk::result<std::string>, std::string_view>);

TEST_CASE("a result is built from what T is only explicitly constructible from when asked") {
  clerk::result<std::string> r(std::string_view("abc"));
  REQUIRE(r.has_value());
  CHECK(*r == "abc");
}

// std::exception's contract: copying an exception does not throw.
static_assert(std::is_nothrow_copy_constructible_v<clerk::exception>);
static_assert(std::is_nothrow_copy_assignable_v<clerk::exception>);

TEST_CASE("copies of clerk::exception share the error and the message") {
  clerk::exception a(clerk::error(clerk::invalid_request{"user_id", "must not be empty"}));
  clerk::exception b = a;
  CHECK(&a.error() == &b.error());
  CHECK(std::string(b.what()) == a.what());
}
