// clerk::parse_publishable_key on any key, and on the key made from any host.
//
// Input: raw bytes. Checks: (1) the bytes as a key either give an https URL
// whose host obeys the rule or an invalid_request naming publishable_key;
// an accepted key is the canonical base64 of "<host>$", with or without
// padding. (2) "pk_test_"/"pk_live_" + base64 of the bytes is accepted exactly
// when the bytes are a host the rule allows, and then gives that host.
#include <clerk/publishable_key.hpp>

#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

CLERK_FUZZ_CHECKER std::string base64(std::string_view in, bool pad) {
  static constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    std::uint32_t v = (std::uint32_t(std::uint8_t(in[i])) << 16) |
                      (std::uint32_t(std::uint8_t(in[i + 1])) << 8) | std::uint8_t(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6)
      out += alphabet[(v >> k) & 63];
  }
  std::size_t rest = in.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t(std::uint8_t(in[i])) << 16;
    if (rest == 2)
      v |= std::uint32_t(std::uint8_t(in[i + 1])) << 8;
    for (std::size_t k = 0; k <= rest; ++k)
      out += alphabet[(v >> (18 - 6 * k)) & 63];
    if (pad)
      out.append(3 - rest, '=');
  }
  return out;
}

// The rule, written again: "<host>$", one '$', a '.', host characters only,
// starting with a letter, digit or '_'.
CLERK_FUZZ_CHECKER bool allowed(std::string_view text) {
  if (text.empty() || text.back() != '$')
    return false;
  std::string_view host = text.substr(0, text.size() - 1);
  if (host.empty() || host.find('.') == std::string_view::npos)
    return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == ':';
    if (!ok)
      return false;
  }
  return host.front() != '.' && host.front() != '-' && host.front() != ':';
}

CLERK_FUZZ_CHECKER void check_refusal(const clerk::result<clerk::publishable_key>& k) {
  FUZZ_CHECK(k.error().as_invalid_request() != nullptr);
  FUZZ_CHECK(k.error().as_invalid_request()->field == "publishable_key");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = clerk_fuzz::as_text(data, size);

  auto raw = clerk::parse_publishable_key(in);
  if (raw) {
    const std::string& url = raw->frontend_api_url;
    FUZZ_CHECK(url.starts_with("https://"));
    std::string text = url.substr(8) + '$';
    FUZZ_CHECK(allowed(text));
    std::string_view body = in.substr(8);
    FUZZ_CHECK_MSG(body == base64(text, true) || body == base64(text, false), in);
    FUZZ_CHECK(raw->instance == (in.starts_with("pk_live_") ? clerk::instance_type::production
                                                            : clerk::instance_type::development));
  } else {
    check_refusal(raw);
  }

  for (bool pad : {false, true}) {
    const std::string key = (pad ? "pk_live_" : "pk_test_") + base64(in, pad);
    auto made = clerk::parse_publishable_key(key);
    FUZZ_CHECK_MSG(made.has_value() == allowed(in), key);
    if (made)
      FUZZ_CHECK(made->frontend_api_url == "https://" + std::string(in.substr(0, size - 1)));
    else
      check_refusal(made);
  }
  return 0;
}
