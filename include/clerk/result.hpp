// A value or an error, returned by every fallible call. Never throws, except
// from value() on an error, which is what value() is for.
#ifndef CLERK_RESULT_HPP
#define CLERK_RESULT_HPP

#include <clerk/error.hpp>
#include <clerk/version.hpp>

#include <boost/throw_exception.hpp>

#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// What value() throws when the result holds a clerk::error.
class exception : public std::runtime_error {
 public:
  explicit exception(clerk::error e) : std::runtime_error(e.message()), error_(std::move(e)) {}
  const clerk::error& error() const noexcept { return error_; }

 private:
  clerk::error error_;
};

namespace detail {
// With exceptions off these end in the user's boost::throw_exception, as all
// of Boost does.
[[noreturn]] inline void throw_error(const error& e) {
  boost::throw_exception(exception(e));
}
[[noreturn]] inline void throw_error(const transport_error& e) {
  boost::throw_exception(std::system_error(e.code, e.message));
}
}  // namespace detail

// Like boost::system::result, with two differences that matter here: error()
// returns a reference (Boost 1.81 returns a copy, so a pointer taken from it
// would dangle), and E need not be default-constructible.
template <class T, class E>
class [[nodiscard]] basic_result {
 public:
  using value_type = T;
  using error_type = E;

  template <class U = T>
  requires std::is_constructible_v<T, U&&> &&(!std::is_same_v<std::remove_cvref_t<U>, E>)&&(
      !std::is_same_v<std::remove_cvref_t<U>, basic_result>)basic_result(U&& v)
      : v_(std::in_place_index<0>, std::forward<U>(v)) {}
  basic_result(E e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  bool has_error() const noexcept { return v_.index() == 1; }
  explicit operator bool() const noexcept { return has_value(); }

  // Preconditions: has_value() for the value accessors, has_error() for error().
  T& operator*() & noexcept { return *std::get_if<0>(&v_); }
  const T& operator*() const& noexcept { return *std::get_if<0>(&v_); }
  T&& operator*() && noexcept { return std::move(*std::get_if<0>(&v_)); }
  T* operator->() noexcept { return std::get_if<0>(&v_); }
  const T* operator->() const noexcept { return std::get_if<0>(&v_); }
  const E& error() const& noexcept { return *std::get_if<1>(&v_); }
  E&& error() && noexcept { return std::move(*std::get_if<1>(&v_)); }

  // The value; on an error, throws clerk::exception (or std::system_error for
  // a transport_error).
  T& value() & {
    if (has_error())
      detail::throw_error(error());
    return **this;
  }
  const T& value() const& {
    if (has_error())
      detail::throw_error(error());
    return **this;
  }
  T&& value() && { return std::move(value()); }

  friend bool operator==(const basic_result&, const basic_result&) = default;

 private:
  std::variant<T, E> v_;
};

template <class T>
using result = basic_result<T, error>;

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
