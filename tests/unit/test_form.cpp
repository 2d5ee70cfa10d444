#include <clerk/detail/form.hpp>

#include <doctest/doctest.h>

#include <string>

using clerk::detail::append_form_component;
using clerk::detail::append_form_pair;
using clerk::detail::parse_form;

namespace {
std::string encoded(std::string_view s) {
  std::string out;
  append_form_component(out, s);
  return out;
}
}  // namespace

TEST_CASE("form encoding keeps letters, digits and *-._ and writes a space as +") {
  CHECK(encoded("") == "");
  CHECK(encoded("AZaz09*-._") == "AZaz09*-._");
  CHECK(encoded("a b") == "a+b");
  CHECK(encoded("  ") == "++");
}

TEST_CASE("form encoding percent-encodes every other byte in upper-case hex") {
  CHECK(encoded("~") == "%7E");  // unreserved in a URL path, not in a form
  CHECK(encoded("+") == "%2B");
  CHECK(encoded("&=") == "%26%3D");
  CHECK(encoded("%") == "%25");
  CHECK(encoded("!'()") == "%21%27%28%29");
  CHECK(encoded("/?#[]@") == "%2F%3F%23%5B%5D%40");
  CHECK(encoded("\r\n\t") == "%0D%0A%09");
  CHECK(encoded(std::string_view("\0", 1)) == "%00");
  CHECK(encoded("\x7f") == "%7F");
  CHECK(encoded("é") == "%C3%A9");
  CHECK(encoded("日本") == "%E6%97%A5%E6%9C%AC");
  CHECK(encoded("\xff") == "%FF");
}

TEST_CASE("form fields are joined with & and =") {
  std::string body;
  append_form_pair(body, "strategy", "ticket");
  CHECK(body == "strategy=ticket");
  append_form_pair(body, "ticket", "eyJ.a+b/c=");
  CHECK(body == "strategy=ticket&ticket=eyJ.a%2Bb%2Fc%3D");
  append_form_pair(body, "empty", "");
  CHECK(body == "strategy=ticket&ticket=eyJ.a%2Bb%2Fc%3D&empty=");
}

TEST_CASE("a form parses back into the fields that made it") {
  std::string body;
  append_form_pair(body, "a b", "c&d=e");
  append_form_pair(body, "x", "é+~%");
  append_form_pair(body, "", "");
  auto f = parse_form(body);
  REQUIRE(f.has_value());
  REQUIRE(f->size() == 3);
  CHECK((*f)[0] == std::pair<std::string, std::string>{"a b", "c&d=e"});
  CHECK((*f)[1] == std::pair<std::string, std::string>{"x", "é+~%"});
  CHECK((*f)[2] == std::pair<std::string, std::string>{"", ""});
}

TEST_CASE("form parsing follows the WHATWG parser and refuses bad escapes") {
  auto f = parse_form("&a&&b=1=2&c=%41+%42&");
  REQUIRE(f.has_value());
  REQUIRE(f->size() == 3);
  CHECK((*f)[0] == std::pair<std::string, std::string>{"a", ""});
  CHECK((*f)[1] == std::pair<std::string, std::string>{"b", "1=2"});
  CHECK((*f)[2] == std::pair<std::string, std::string>{"c", "A B"});
  CHECK(parse_form("")->empty());
  CHECK_FALSE(parse_form("a=%"));
  CHECK_FALSE(parse_form("a=%4"));
  CHECK_FALSE(parse_form("a=%zz"));
  CHECK_FALSE(parse_form("%g0=1"));
}
