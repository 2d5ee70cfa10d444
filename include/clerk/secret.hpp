// A string that must never be printed: secret keys, sign-in tokens, ticket URLs.
#ifndef CLERK_SECRET_HPP
#define CLERK_SECRET_HPP

#include <clerk/redact.hpp>
#include <clerk/version.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

namespace detail {
// Overwrites n bytes with zeros in a way the optimiser may not drop as a
// dead store (the memory is about to be freed).
inline void wipe(char* p, std::size_t n) noexcept {
#if defined(__GNUC__) || defined(__clang__)
  std::memset(p, 0, n);
  // Claims to read the memory through p: the stores must happen.
  __asm__ __volatile__("" : : "r"(p) : "memory");
#else
  volatile char* v = p;
  for (std::size_t i = 0; i < n; ++i)
    v[i] = 0;
#endif
}
// Whether x == y, visiting every byte of the shorter whatever the content:
// only the lengths can show in the time taken.
inline bool equal_in_constant_time(std::string_view x, std::string_view y) noexcept {
  unsigned char diff = x.size() != y.size();
  for (std::size_t i = 0, n = std::min(x.size(), y.size()); i < n; ++i)
    diff |= static_cast<unsigned char>(x[i] ^ y[i]);
  return diff == 0;
}
}  // namespace detail

// Holds a credential. Streaming it prints "[redacted]"; the value itself is
// reached only through reveal(), so a leak is a visible, greppable call.
//
// Its bytes live in a buffer of its own, zeroed before it is freed (on
// destruction and assignment); a move hands the buffer over, so no copy is
// left behind in the moved-from secret. Comparison takes the same time
// whatever bytes differ, so it cannot be used to guess a key byte by byte.
// (The std::string a secret is made from is the caller's: clear it if it
// must not outlive the secret. Copies of a secret are secrets too.)
class secret {
 public:
  secret() noexcept = default;
  explicit secret(std::string_view value) : secret() { assign(value); }
  // The string is wiped once copied.
  explicit secret(std::string&& value) : secret() {
    assign(value);
    detail::wipe(value.data(), value.size());
  }
  explicit secret(const char* value) : secret(std::string_view(value)) {}
  secret(const secret& o) : secret() { assign(o.reveal()); }
  secret(secret&& o) noexcept : p_(std::move(o.p_)), n_(std::exchange(o.n_, 0)) {}
  secret& operator=(const secret& o) {
    if (this != &o) {
      secret copy(o);
      *this = std::move(copy);
    }
    return *this;
  }
  secret& operator=(secret&& o) noexcept {
    if (this != &o) {
      clear();
      p_ = std::move(o.p_);
      n_ = std::exchange(o.n_, 0);
    }
    return *this;
  }
  ~secret() { clear(); }

  std::string_view reveal() const noexcept { return {p_.get(), n_}; }
  bool empty() const noexcept { return n_ == 0; }

  friend bool operator==(const secret& a, const secret& b) noexcept {
    return detail::equal_in_constant_time(a.reveal(), b.reveal());
  }
  friend std::ostream& operator<<(std::ostream& os, const secret&) { return os << http::redacted; }

 private:
  void assign(std::string_view v) {
    if (v.empty())
      return;
    p_ = std::make_unique_for_overwrite<char[]>(v.size());
    std::char_traits<char>::copy(p_.get(), v.data(), v.size());
    n_ = v.size();
  }
  void clear() noexcept {
    if (p_)
      detail::wipe(p_.get(), n_);
    p_.reset();
    n_ = 0;
  }

  std::unique_ptr<char[]> p_;
  std::size_t n_ = 0;
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
