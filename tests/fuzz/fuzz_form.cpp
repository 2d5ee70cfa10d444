// The application/x-www-form-urlencoded encoder and parser.
//
// Input: "name=value" pairs, one a line, raw bytes otherwise (a mutation may
// put anything there). Checks: (1) the encoding holds only letters, digits,
// "*-._+%&=" and upper-case %XX escapes; (2) it parses back into exactly the
// pairs that made it; (3) the raw input, parsed as a form, either is refused
// for a bad escape or re-encodes to a form that parses to the same pairs.
#include <clerk/detail/form.hpp>

#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace {

CLERK_FUZZ_CHECKER bool only_form_bytes(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '*' ||
        c == '-' || c == '.' || c == '_' || c == '+' || c == '&' || c == '=')
      continue;
    if (c != '%' || s.size() - i < 3)
      return false;
    for (char h : {s[i + 1], s[i + 2]})
      if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F')))
        return false;
    i += 2;
  }
  return true;
}

std::string encode(const clerk::detail::form_fields& fields) {
  std::string out;
  for (const auto& [name, value] : fields)
    clerk::detail::append_form_pair(out, name, value);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = clerk_fuzz::as_text(data, size);

  clerk::detail::form_fields pairs;
  for (std::string_view rest = in; !rest.empty();) {
    auto nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    auto eq = line.find('=');
    pairs.emplace_back(std::string(line.substr(0, eq)), eq == std::string_view::npos
                                                            ? std::string()
                                                            : std::string(line.substr(eq + 1)));
  }
  const std::string body = encode(pairs);
  FUZZ_CHECK_MSG(only_form_bytes(body), body);
  auto back = clerk::detail::parse_form(body);
  FUZZ_CHECK(back.has_value());
  // Parsing skips empty pairs, and an encoded pair is never empty (it holds '=').
  FUZZ_CHECK_MSG(*back == pairs, body);

  if (auto raw = clerk::detail::parse_form(in)) {
    auto again = clerk::detail::parse_form(encode(*raw));
    FUZZ_CHECK(again.has_value() && *again == *raw);
  }
  return 0;
}
