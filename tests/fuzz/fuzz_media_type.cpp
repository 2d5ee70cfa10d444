// clerk::http::is_json_media_type on any Content-Type value.
//
// Input: the header value, raw bytes. Checks: the answer matches the rule
// the header documents (written again here), and does not change with ASCII
// case, surrounding whitespace or parameters.
#include <clerk/media_type.hpp>

#include "fuzz_support.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// "type/subtype" before any ';', without surrounding SP/HTAB, both tokens;
// JSON when it is application/json or */*+json.
bool expected(std::string_view v) {
  std::string_view essence = v.substr(0, v.find(';'));
  while (!essence.empty() && (essence.front() == ' ' || essence.front() == '\t'))
    essence.remove_prefix(1);
  while (!essence.empty() && (essence.back() == ' ' || essence.back() == '\t'))
    essence.remove_suffix(1);
  if (clerk_fuzz::has_control(essence) || essence.find_first_of(" \t") != std::string_view::npos)
    return false;
  auto slash = essence.find('/');
  if (slash == std::string_view::npos)
    return false;
  std::string type = lower(essence.substr(0, slash));
  std::string subtype = lower(essence.substr(slash + 1));
  // RFC 9110: type and subtype are tokens (1*tchar).
  auto token = [](const std::string& t) {
    static const std::string tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz";
    return !t.empty() && t.find_first_not_of(tchar) == std::string::npos;
  };
  if (!token(type) || !token(subtype))
    return false;
  if (subtype == "json")
    return type == "application";
  return subtype.size() > 5 && subtype.compare(subtype.size() - 5, 5, "+json") == 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view v = clerk_fuzz::as_text(data, size);
  const bool got = clerk::http::is_json_media_type(v);
  FUZZ_CHECK(got == expected(v));
  FUZZ_CHECK(clerk::http::is_json_media_type(upper(v)) == got);
  FUZZ_CHECK(clerk::http::is_json_media_type(lower(v)) == got);
  FUZZ_CHECK(clerk::http::is_json_media_type(" \t" + std::string(v)) == got);
  if (v.find(';') == std::string_view::npos) {
    FUZZ_CHECK(clerk::http::is_json_media_type(std::string(v) + "; charset=utf-8") == got);
    FUZZ_CHECK(clerk::http::is_json_media_type(std::string(v) + " \t") == got);
  }
  return 0;
}
