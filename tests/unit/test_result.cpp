#include <clerk/result.hpp>

#include <doctest/doctest.h>

#include <string>
#include <system_error>

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

TEST_CASE("value() on a transport error throws std::system_error with its code") {
  clerk::basic_result<int, clerk::transport_error> r =
      clerk::transport_error{std::make_error_code(std::errc::timed_out), "timed out", false};
  CHECK_THROWS_AS((void)r.value(), std::system_error);
}
#endif

TEST_CASE("value() on a value returns it") {
  clerk::result<int> r = 7;
  CHECK(r.value() == 7);
}
