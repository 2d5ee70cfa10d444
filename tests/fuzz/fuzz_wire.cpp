// The byte-level helpers every request and response goes through: UTF-8
// validation, JSON string and path segment encoding, percent-decoding,
// integer and timestamp formatting.
//
// Input: raw bytes; the first 8 also give an integer and a timestamp.
// Checks: is_valid_utf8 agrees with a decoder written apart; every encoding
// decodes back to exactly its input (Boost.JSON reads the JSON string back);
// percent_decode refuses exactly the malformed escapes; numbers and
// timestamps print as std::to_string and std::chrono say.
#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/detail/text.hpp>
#include <clerk/detail/wire.hpp>

#include "fuzz_support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace {

// Decodes code point by code point and refuses overlongs, surrogates and
// anything above U+10FFFF (RFC 3629).
bool utf8_by_decoding(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    std::size_t len = b < 0x80           ? 1
                      : (b >> 5) == 0x6  ? 2
                      : (b >> 4) == 0xe  ? 3
                      : (b >> 3) == 0x1e ? 4
                                         : 0;
    if (len == 0 || s.size() - i < len)
      return false;
    std::uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1f) : len == 3 ? (b & 0x0f) : (b & 0x07);
    for (std::size_t k = 1; k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c >> 6) != 0x2)
        return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return false;
    i += len;
  }
  return true;
}

bool well_formed_escapes(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == '%') {
      if (i + 2 >= s.size() || clerk_fuzz::hex_digit(s[i + 1]) < 0 ||
          clerk_fuzz::hex_digit(s[i + 2]) < 0)
        return false;
      i += 2;
    }
  return true;
}

void check_timestamp(std::int64_t ms) {
  using namespace std::chrono;
  const clerk::timestamp t{milliseconds(ms)};
  const std::string s = clerk::format_timestamp(t);
  if (t < clerk::min_timestamp || t > clerk::max_timestamp) {
    FUZZ_CHECK(s == std::to_string(ms) + "ms");
    return;
  }
  // "YYYY-MM-DDTHH:MM:SS.mmmZ", read back field by field.
  FUZZ_CHECK_MSG(s.size() == 24 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
                     s[16] == ':' && s[19] == '.' && s[23] == 'Z',
                 s);
  auto num = [&](std::size_t at, std::size_t n) {
    auto v = clerk_fuzz::number<int>(std::string_view(s).substr(at, n));
    FUZZ_CHECK_MSG(v.has_value(), s);
    return *v;
  };
  const year_month_day ymd{year(num(0, 4)), month(unsigned(num(5, 2))), day(unsigned(num(8, 2)))};
  FUZZ_CHECK(ymd.ok());
  const auto back = sys_days(ymd) + hours(num(11, 2)) + minutes(num(14, 2)) + seconds(num(17, 2)) +
                    milliseconds(num(20, 3));
  FUZZ_CHECK(back == t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s = clerk_fuzz::as_text(data, size);
  namespace d = clerk::detail;

  const bool valid = d::is_valid_utf8(s);
  FUZZ_CHECK(valid == utf8_by_decoding(s));

  if (valid) {
    std::string literal;
    d::append_json_string(literal, s);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(literal, ec);
    FUZZ_CHECK_MSG(!ec && v.is_string(), literal);
    FUZZ_CHECK(std::string_view(v.get_string()) == s);
  }

  std::string segment;
  d::append_path_segment(segment, s);
  for (char c : segment)
    FUZZ_CHECK(d::is_unreserved(c) || c == '%');
  FUZZ_CHECK(segment.find_first_of("/?#") == std::string::npos);
  auto decoded = d::percent_decode(segment);
  FUZZ_CHECK(decoded && *decoded == s);

  auto raw = d::percent_decode(s);
  FUZZ_CHECK(raw.has_value() == well_formed_escapes(s));
  if (raw) {
    std::string again;
    d::append_path_segment(again, *raw);
    FUZZ_CHECK(d::percent_decode(again) == raw);
  }

  const auto n = static_cast<std::int64_t>(clerk_fuzz::bytes_u64(s, 0));
  std::string printed_n;
  d::append_integer(printed_n, n);
  FUZZ_CHECK(printed_n == std::to_string(n));

  check_timestamp(n);
  check_timestamp(n % (std::int64_t{1} << 48));  // mostly in range
  return 0;
}
