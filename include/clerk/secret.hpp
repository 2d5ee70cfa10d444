// A string that must never be printed: secret keys, sign-in tokens, ticket URLs.
#ifndef CLERK_SECRET_HPP
#define CLERK_SECRET_HPP

#include <clerk/redact.hpp>
#include <clerk/version.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// Holds a credential. Streaming it prints "[redacted]"; the value itself is
// reached only through reveal(), so a leak is a visible, greppable call.
class secret {
 public:
  secret() = default;
  explicit secret(std::string value) : value_(std::move(value)) {}

  std::string_view reveal() const noexcept { return value_; }
  bool empty() const noexcept { return value_.empty(); }

  friend bool operator==(const secret&, const secret&) = default;
  friend std::ostream& operator<<(std::ostream& os, const secret&) { return os << http::redacted; }

 private:
  std::string value_;
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
