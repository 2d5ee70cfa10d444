// A value or an error, returned by every fallible call. Never throws, except
// from value() on an error, which is what value() is for.
#ifndef CLERK_RESULT_HPP
#define CLERK_RESULT_HPP

#include <clerk/error.hpp>
#include <clerk/version.hpp>

#include <boost/assert.hpp>
#include <boost/throw_exception.hpp>

#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// What value() throws when the result holds an error: the error, and its
// one-line message (secrets redacted) as what(). Copying it never throws, as
// std::exception requires: the error is shared, the message precomputed.
class exception : public std::runtime_error {
 public:
  explicit exception(clerk::error e)
      : std::runtime_error(e.message()),
        error_(std::make_shared<const clerk::error>(std::move(e))) {}
  const clerk::error& error() const noexcept { return *error_; }

 private:
  std::shared_ptr<const clerk::error> error_;
};

namespace detail {
// With exceptions off these end in the user's boost::throw_exception, as all
// of Boost does. A transport_error becomes a clerk::error first, so that its
// message is redacted like every other.
[[noreturn]] inline void throw_error(const error& e) {
  boost::throw_exception(exception(e));
}
[[noreturn]] inline void throw_error(const transport_error& e) {
  boost::throw_exception(exception(error(e)));
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

  // From anything T is constructible from; explicit unless it converts
  // implicitly, as std::expected does (so `transport_result r = 404;`, which
  // would make a response with status 404 and nothing else, does not compile).
  template <class U = T>
  requires std::is_constructible_v<T, U&&> &&(!std::is_same_v<std::remove_cvref_t<U>, E>)&&(
      !std::is_same_v<std::remove_cvref_t<U>, basic_result>)explicit(!std::is_convertible_v<U&&, T>)
      basic_result(U&& v)
      : v_(std::in_place_index<0>, std::forward<U>(v)) {}
  basic_result(E e) : v_(std::in_place_index<1>, std::move(e)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  bool has_error() const noexcept { return v_.index() == 1; }
  explicit operator bool() const noexcept { return has_value(); }

  // Preconditions: has_value() for the value accessors, has_error() for
  // error(); checked by BOOST_ASSERT (on unless NDEBUG).
  T& operator*() & noexcept { return *value_ptr(); }
  const T& operator*() const& noexcept { return *value_ptr(); }
  T&& operator*() && noexcept { return std::move(*value_ptr()); }
  T* operator->() noexcept { return value_ptr(); }
  const T* operator->() const noexcept { return value_ptr(); }
  const E& error() const& noexcept { return *error_ptr(); }
  E&& error() && noexcept { return std::move(*error_ptr()); }

  // The value; on an error, throws clerk::exception.
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
  T* value_ptr() noexcept {
    BOOST_ASSERT(has_value());
    return std::get_if<0>(&v_);
  }
  const T* value_ptr() const noexcept {
    BOOST_ASSERT(has_value());
    return std::get_if<0>(&v_);
  }
  const E* error_ptr() const noexcept {
    BOOST_ASSERT(has_error());
    return std::get_if<1>(&v_);
  }
  E* error_ptr() noexcept {
    BOOST_ASSERT(has_error());
    return std::get_if<1>(&v_);
  }

  std::variant<T, E> v_;
};

template <class T>
using result = basic_result<T, error>;

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
