// Open enums: a string member whose known values have names, and which keeps
// the values this version does not know.
#ifndef CLERK_OPEN_ENUM_HPP
#define CLERK_OPEN_ENUM_HPP

#include <clerk/redact.hpp>
#include <clerk/version.hpp>

#include <concepts>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

namespace detail {
struct open_enum_tag {};
struct enum_access;
}  // namespace detail

// An enum that keeps what it does not know: Derived declares `enum class kind
// { unknown, ... }` and `static constexpr std::string_view names[]`, the wire
// spelling of each kind after unknown, in order, one a kind (a model whose
// open enum has more or fewer names than kinds does not compile), and for
// brevity at call sites a static constexpr kind per enumerator (`using enum
// kind` makes g++ 12 crash in templates). A value this version does not know
// is kind::unknown and keeps its text in raw().
template <class Derived>
class open_enum : public detail::open_enum_tag {
 public:
  open_enum() = default;
  explicit open_enum(std::string raw) : raw_(std::move(raw)) {}
  // D defers naming Derived::kind until use: Derived is incomplete here.
  template <class K, class D = Derived>
  requires std::same_as<K, typename D::kind> open_enum(K k) {
    if (k != K::unknown)
      raw_ = Derived::names[static_cast<std::size_t>(k) - 1];
  }

  auto value() const noexcept {
    using K = typename Derived::kind;
    for (std::size_t i = 0; i < std::size(Derived::names); ++i)
      if (Derived::names[i] == raw_)
        return static_cast<K>(i + 1);
    return K::unknown;
  }
  std::string_view raw() const noexcept { return raw_; }  // as received

  friend bool operator==(const open_enum& a, const open_enum& b) noexcept {
    return a.raw_ == b.raw_;
  }
  friend std::ostream& operator<<(std::ostream& os, const open_enum& e) {
    return os << http::redact_one_line(e.raw_);
  }

 private:
  friend struct detail::enum_access;
  std::string raw_;
};

// status == sign_in_token_status::pending
template <class D, class K>
requires std::derived_from<D, open_enum<D>> && std::same_as<K, typename D::kind>
bool operator==(const D& a, K b) noexcept {
  return a.value() == b;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
