#include <clerk/media_type.hpp>

#include <doctest/doctest.h>

TEST_CASE("JSON media types are recognised whatever their case and parameters") {
  for (const char* t : {"application/json", "application/json; charset=utf-8", "APPLICATION/JSON",
                        " application/json ;charset=UTF-8", "application/problem+json",
                        "application/vnd.api+JSON; v=2", "text/x+json"}) {
    CAPTURE(t);
    CHECK(clerk::http::is_json_media_type(t));
  }
}

TEST_CASE("anything else is not JSON") {
  for (const char* t : {"", "text/html", "text/json", "application/jsonp", "application/json-seq",
                        "application/xjson", "application/+json", "+json", "/json", "application/",
                        "application /json", "application/json/x", "json", "application/x-json",
                        "multipart/form-data; boundary=json"}) {
    CAPTURE(t);
    CHECK_FALSE(clerk::http::is_json_media_type(t));
  }
}

TEST_CASE("a type or subtype with a character outside RFC 9110's token is not JSON") {
  for (const char* t : {"foo(bar)/x+json", "\"/\"+json", "a,b/c+json", "a/b@c+json", "a/b[c]+json",
                        "app{}/x+json", "a/b=c+json", "a:b/x+json"}) {
    CAPTURE(t);
    CHECK_FALSE(clerk::http::is_json_media_type(t));
  }
  CHECK(clerk::http::is_json_media_type("a!#$%&'*.^_`|~-1/vnd.x!#$%&'*.^_`|~-1+json"));
}
