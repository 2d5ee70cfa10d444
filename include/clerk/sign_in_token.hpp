// The SignInToken model.
#ifndef CLERK_SIGN_IN_TOKEN_HPP
#define CLERK_SIGN_IN_TOKEN_HPP

#include <clerk/redact.hpp>
#include <clerk/secret.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// Unix time with millisecond precision, as Clerk sends it.
using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// An open enum: a status this version does not know is kept as its string
// (value() == unknown) instead of failing the parse.
class sign_in_token_status {
 public:
  enum value_type { unknown, pending, accepted, revoked };

  sign_in_token_status() = default;
  explicit sign_in_token_status(std::string text) : text_(std::move(text)) {
    if (text_ == "pending")
      value_ = pending;
    else if (text_ == "accepted")
      value_ = accepted;
    else if (text_ == "revoked")
      value_ = revoked;
  }

  value_type value() const noexcept { return value_; }
  std::string_view str() const noexcept { return text_; }  // as received

  friend bool operator==(const sign_in_token_status& a, value_type b) noexcept {
    return a.value_ == b;
  }
  friend bool operator==(const sign_in_token_status&, const sign_in_token_status&) = default;
  friend std::ostream& operator<<(std::ostream& os, const sign_in_token_status& s) {
    return os << http::redact(s.text_);
  }

 private:
  value_type value_ = unknown;
  std::string text_;
};

struct sign_in_token {
  std::string object;  // "sign_in_token"
  std::string id;      // "sit_..."
  sign_in_token_status status;
  std::string user_id;
  std::optional<secret> token;  // the JWT; absent after revoke
  std::optional<secret> url;    // the sign-in URL carrying the ticket; absent or null
  timestamp created_at{};
  timestamp updated_at{};

  friend bool operator==(const sign_in_token&, const sign_in_token&) = default;
};

// Timestamps the parser accepts: from the epoch to the end of year 9999.
inline constexpr timestamp min_timestamp{};
inline constexpr timestamp max_timestamp{std::chrono::milliseconds(253402300799999)};

// "2024-07-02T20:36:56.214Z"; outside [min_timestamp, max_timestamp], the
// count of milliseconds since the epoch.
inline std::string format_timestamp(timestamp t) {
  using namespace std::chrono;
  if (t < min_timestamp || t > max_timestamp)
    return std::to_string(t.time_since_epoch().count()) + "ms";
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<milliseconds> tod{t - day};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(tod.hours().count()),
                int(tod.minutes().count()), int(tod.seconds().count()),
                int(tod.subseconds().count()));
  return buf;
}

// One line; the token and the ticket in the URL are redacted.
inline std::ostream& operator<<(std::ostream& os, const sign_in_token& t) {
  os << "sign_in_token{id=" << http::redact(t.id) << ", status=" << t.status
     << ", user_id=" << http::redact(t.user_id);
  os << ", token=" << (t.token ? http::redacted : std::string_view("(none)"));
  os << ", url=" << (t.url ? http::redact_url(t.url->reveal()) : std::string("(none)"));
  return os << ", created_at=" << format_timestamp(t.created_at)
            << ", updated_at=" << format_timestamp(t.updated_at) << '}';
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
