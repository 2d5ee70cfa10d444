// Client configuration, validated once so that builders cannot meet a bad one.
#ifndef CLERK_CONFIG_HPP
#define CLERK_CONFIG_HPP

#include <clerk/detail/decl.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/redact.hpp>
#include <clerk/result.hpp>
#include <clerk/secret.hpp>
#include <clerk/version.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

inline constexpr std::string_view default_base_url = "https://api.clerk.com/v1";
inline constexpr std::string_view default_api_version = "2026-05-12";
inline constexpr std::string_view default_user_agent =
    "clerk-backend-cpp/" CLERK_BACKEND_VERSION_STRING;

// What a response parser accepts. Beyond these a response is refused with an
// unexpected_response error before (body size) or while (depth, strings,
// array elements) it is parsed, so a hostile server cannot make the library
// allocate without bound; after the first problem the parser builds nothing
// more. A model array element costs its sizeof (a Frontend session: 288
// bytes) however little of the body it takes ("{}"), hence the element
// budget. Measured at these defaults (tests/hardening/test_response_memory.cpp,
// g++ 12, peak heap while a 2xx body of 1 MiB is parsed, result included):
// 1 MiB of valid sessions 3.4 times the body (216 times before the budget),
// of a user model's list 2.3, of actor claims kept as text 4.9, of distinct
// short actor claims 4.8, of empty member names ("":0) in a captured object
// 5.8 (the worst shape tried). An error status's body is
// read as a DOM only when it holds no more values than the element budget:
// 1 MiB of "0" error entries is not built (it cost 28 times before).
struct response_limits {
  std::size_t max_body_bytes = std::size_t{1} << 20;
  std::size_t max_depth = 32;
  std::size_t max_string_bytes = std::size_t{64} << 10;
  // Elements of the declared model arrays in one response, all arrays
  // counted together (a std::vector<session> and the vectors inside its
  // elements alike). Clerk's lists hold at most 500 items.
  std::size_t max_array_elements = 8192;
  friend bool operator==(const response_limits&, const response_limits&) = default;
};

// What the user sets. Only secret_key has no default.
struct options {
  std::string secret_key{};
  std::string base_url{default_base_url};
  std::string api_version{default_api_version};
  std::string user_agent{default_user_agent};
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  response_limits limits{};
  // Your application's name and version ("my-app/1.2"), added to the
  // User-Agent after the library's, so that Clerk's logs can tell you apart.
  std::string application{};
  // Plain http:// is refused unless the host is loopback (localhost,
  // 127.0.0.0/8, [::1]): the request carries the secret key. Set this to send
  // it in cleartext anyway (a proxy on a trusted network).
  bool allow_insecure_http = false;
};

class config {
 public:
  // A configuration, or an invalid_request error naming the option at fault.
  static result<config> make(options o);

  const secret& secret_key() const noexcept { return secret_key_; }
  std::string_view base_url() const noexcept { return base_url_; }  // no trailing slash
  std::string_view api_version() const noexcept { return api_version_; }
  std::string_view user_agent() const noexcept { return user_agent_; }
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }
  const response_limits& limits() const noexcept { return limits_; }

  friend bool operator==(const config&, const config&) = default;

  // What every Backend API request carries: the timeout and the
  // Authorization, Clerk-API-Version, User-Agent, X-Clerk-SDK and Accept
  // headers. The
  // request builder calls it (<clerk/operation.hpp>); the URL is left as is.
  friend void prepare_request(const config& c, http_request& r);

  friend std::ostream& operator<<(std::ostream& os, const config& c);

 private:
  config() = default;

  secret secret_key_;
  secret authorization_;
  std::string base_url_;
  std::string api_version_;
  std::string user_agent_;
  std::chrono::milliseconds timeout_{};
  response_limits limits_{};
};

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/config.ipp>
#endif

#endif
