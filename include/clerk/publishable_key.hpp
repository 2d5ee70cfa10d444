// Where an instance's Frontend API is: the host a publishable key encodes.
#ifndef CLERK_PUBLISHABLE_KEY_HPP
#define CLERK_PUBLISHABLE_KEY_HPP

#include <clerk/error.hpp>
#include <clerk/result.hpp>
#include <clerk/version.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// pk_test_ keys belong to development instances, pk_live_ to production.
enum class instance_type { development, production };

constexpr std::string_view to_string(instance_type t) noexcept {
  return t == instance_type::production ? "production" : "development";
}

struct publishable_key {
  std::string frontend_api_url;  // "https://<host>", no trailing slash
  instance_type instance = instance_type::development;
  friend bool operator==(const publishable_key&, const publishable_key&) = default;
};

namespace detail {

constexpr int base64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  if (c == '+')
    return 62;
  if (c == '/')
    return 63;
  return -1;
}

// Standard base64 (RFC 4648 section 4), padding optional but, when present,
// complete; the unused bits of the last character must be zero, so each text
// has one encoding. False on anything else.
inline bool base64_decode(std::string_view in, std::string& out) {
  std::size_t pad = 0;
  while (pad < 2 && pad < in.size() && in[in.size() - 1 - pad] == '=')
    ++pad;
  if (pad > 0 && in.size() % 4 != 0)
    return false;
  in.remove_suffix(pad);
  if (in.size() % 4 == 1)
    return false;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = base64_value(c);
    if (v < 0)
      return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return (acc & ((1u << bits) - 1)) == 0;
}

// Letters, digits, '-', '.', '_' and ':' (a port): a host that cannot change
// the meaning of the URL it is put in.
constexpr bool is_host_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == ':';
}

}  // namespace detail

// The Frontend API a publishable key points at, by Clerk's strict rule:
// "pk_test_" or "pk_live_", then the standard base64 (padding optional) of
// "<host>$", where the host holds a '.' and no other '$'. Returns an
// invalid_request naming "publishable_key" for anything else; the key itself
// is not repeated in the reason.
inline result<publishable_key> parse_publishable_key(std::string_view key) {
  auto refuse = [](std::string reason) {
    return error(invalid_request{"publishable_key", std::move(reason)});
  };
  publishable_key out;
  if (key.starts_with("pk_test_")) {
    out.instance = instance_type::development;
  } else if (key.starts_with("pk_live_")) {
    out.instance = instance_type::production;
  } else {
    return refuse("must start with pk_test_ or pk_live_");
  }
  std::string_view encoded = key.substr(8);
  if (encoded.empty())
    return refuse("has nothing after its pk_test_ or pk_live_ prefix");
  std::string host;
  if (!detail::base64_decode(encoded, host))
    return refuse("is not standard base64 after its prefix");
  if (host.empty() || host.back() != '$')
    return refuse("does not encode a host ending in '$'");
  host.pop_back();
  if (host.find('$') != std::string::npos)
    return refuse("encodes more than one '$'");
  if (host.find('.') == std::string::npos)
    return refuse("encodes a host without a '.'");
  for (char c : host)
    if (!detail::is_host_char(c))
      return refuse("encodes a host with characters a host name cannot hold");
  if (host.front() == '.' || host.front() == '-' || host.front() == ':')
    return refuse("encodes a host that does not start with a letter or digit");
  out.frontend_api_url = "https://" + host;
  return out;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
