// Plain descriptions of an HTTP request and response: what the library builds
// and what a transport hands back. No I/O happens here.
#ifndef CLERK_HTTP_HPP
#define CLERK_HTTP_HPP

#include <clerk/detail/text.hpp>
#include <clerk/redact.hpp>
#include <clerk/version.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

enum class http_method { get, post, put, patch, delete_ };

constexpr std::string_view to_string(http_method m) noexcept {
  switch (m) {
    case http_method::get:
      return "GET";
    case http_method::post:
      return "POST";
    case http_method::put:
      return "PUT";
    case http_method::patch:
      return "PATCH";
    case http_method::delete_:
      return "DELETE";
  }
  return "GET";
}

// The method an HTTP method name stands for (exact, upper case as sent on the
// wire), or nullopt for any other name.
namespace http {
constexpr std::optional<http_method> parse_method(std::string_view name) noexcept {
  for (auto m : {http_method::get, http_method::post, http_method::put, http_method::patch,
                 http_method::delete_})
    if (to_string(m) == name)
      return m;
  return std::nullopt;
}
}  // namespace http

struct header {
  std::string name{};
  std::string value{};
  friend bool operator==(const header&, const header&) = default;
};

// Headers in the order they were added. Repeated names are kept; lookup
// ignores case, as HTTP field names do.
class header_list {
 public:
  header_list() = default;
  header_list(std::initializer_list<header> init) : items_(init) {}

  void add(std::string name, std::string value) {
    items_.push_back({std::move(name), std::move(value)});
  }

  // The value of the first header with this name, or nullopt when none has it.
  std::optional<std::string_view> find(std::string_view name) const noexcept {
    for (const auto& h : items_)
      if (detail::iequals(h.name, name))
        return std::string_view(h.value);
    return std::nullopt;
  }

  void reserve(std::size_t n) { items_.reserve(n); }
  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }
  const header& operator[](std::size_t i) const noexcept { return items_[i]; }

  friend bool operator==(const header_list&, const header_list&) = default;

 private:
  std::vector<header> items_;
};

struct http_request {
  http_method method = http_method::get;
  std::string url{};  // absolute: base URL + path
  header_list headers{};
  std::string body{};
  // Hints for the transport.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};  // the whole exchange
  // The largest body the parser accepts (the config's response_limits): a
  // transport reads at most one byte more and hands the answer back, so the
  // parser refuses it while no body grows without bound.
  std::size_t max_body_bytes = std::size_t{1} << 20;
  // The request carries the secret key: a transport must not replay it to
  // wherever a redirect points.
  bool follow_redirects = false;
  // Whether sending the request twice does no harm: build_request sets it
  // from the operation's `idempotent` (a hand-written build_request sets it
  // itself). A transport must never send a non-replayable request a second
  // time on its own, e.g. again on a fresh connection when a reused one died
  // after the request was written: the server may have done it.
  bool replayable = false;

  friend bool operator==(const http_request&, const http_request&) = default;
};

struct http_response {
  int status = 0;
  header_list headers{};
  std::string body{};

  friend bool operator==(const http_response&, const http_response&) = default;
};

namespace detail {

// Headers whose values print as they are (still passed through redact()):
// everything else prints as "[redacted]", so a credential in a header nobody
// thought of (X-Api-Key, a proxy's token) is never shown.
inline constexpr std::array<std::string_view, 21> printable_headers = {"accept",
                                                                       "accept-encoding",
                                                                       "age",
                                                                       "allow",
                                                                       "cache-control",
                                                                       "clerk-api-version",
                                                                       "clerk-trace-id",
                                                                       "connection",
                                                                       "content-encoding",
                                                                       "content-language",
                                                                       "content-length",
                                                                       "content-type",
                                                                       "date",
                                                                       "expires",
                                                                       "location",
                                                                       "retry-after",
                                                                       "server",
                                                                       "transfer-encoding",
                                                                       "user-agent",
                                                                       "vary",
                                                                       "x-clerk-sdk"};

inline bool is_printable_header(std::string_view name) noexcept {
  for (auto h : printable_headers)
    if (iequals(name, h))
      return true;
  return false;
}

// The credential headers keep their scheme and key kind ("Bearer sk_test_").
inline bool is_credential_header(std::string_view name) noexcept {
  return iequals(name, "authorization") || iequals(name, "proxy-authorization");
}

inline void print_headers(std::ostream& os, const header_list& headers) {
  for (const auto& h : headers) {
    os << '\n' << http::redact(h.name) << ": ";
    if (is_credential_header(h.name))
      os << http::redact_credential(h.value);
    else if (iequals(h.name, "location"))
      os << http::redact_url(h.value);
    else if (is_printable_header(h.name))
      os << http::redact(h.value);
    else
      os << http::redacted;
  }
}

}  // namespace detail

// Multi-line, human-readable, with credentials, tokens and tickets redacted:
// the URL and body through redact(), header values by the allow-list above.
inline std::ostream& operator<<(std::ostream& os, const http_request& r) {
  os << to_string(r.method) << ' ' << http::redact(r.url);
  detail::print_headers(os, r.headers);
  if (!r.body.empty())
    os << "\n\n" << http::redact(r.body);
  return os;
}

inline std::ostream& operator<<(std::ostream& os, const http_response& r) {
  os << "HTTP " << r.status;
  detail::print_headers(os, r.headers);
  if (!r.body.empty())
    os << "\n\n" << http::redact(r.body);
  return os;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
