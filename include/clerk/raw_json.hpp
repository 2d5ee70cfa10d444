// JSON text kept as text: what the library stores for a JSON value it does
// not model (a ClerkError's meta, extra actor claims, a user's metadata).
// <clerk/json_value.hpp> turns it into a Boost.JSON value for those who want one.
#ifndef CLERK_RAW_JSON_HPP
#define CLERK_RAW_JSON_HPP

#include <clerk/redact.hpp>
#include <clerk/version.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

namespace detail {
struct enum_access;
}  // namespace detail

// The text of a JSON value, as it came (or as the user wrote it). The request
// builder checks that a raw_json it sends is one JSON value, valid UTF-8, no
// member name repeated; the parser stores such a member's value as it came,
// whatever its JSON type. Empty means "no value".
class raw_json {
 public:
  raw_json() = default;
  explicit raw_json(std::string text) : text_(std::move(text)) {}
  std::string_view text() const noexcept { return text_; }
  bool empty() const noexcept { return text_.empty(); }
  friend bool operator==(const raw_json&, const raw_json&) = default;
  friend std::ostream& operator<<(std::ostream& os, const raw_json& j) {
    // One line, as a model prints: JSON text has controls only where it is
    // malformed or between its tokens (pretty-printed).
    std::string line;
    detail::append_escaped_line(line, http::redact(j.text_), false);
    return os << line;
  }

 private:
  friend struct detail::enum_access;
  std::string text_;
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
