#include <clerk/config.hpp>
#include <clerk/frontend/config.hpp>

#include "support.hpp"

#include <chrono>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

using namespace std::chrono_literals;

namespace {

clerk::invalid_request refused(clerk::options o) {
  auto c = clerk::config::make(std::move(o));
  REQUIRE(c.has_error());
  REQUIRE(c.error().as_invalid_request() != nullptr);
  return *c.error().as_invalid_request();
}

clerk::options with_key(std::string key = "sk_test_abc") {
  clerk::options o;
  o.secret_key = std::move(key);
  return o;
}

}  // namespace

TEST_CASE("defaults are Clerk's production API, today's API version and this library's name") {
  auto c = clerk::config::make(with_key());
  REQUIRE(c.has_value());
  CHECK(c->base_url() == "https://api.clerk.com/v1");
  CHECK(c->api_version() == "2026-05-12");
  CHECK(c->user_agent() == "clerk-backend-cpp/0.1.0");
  CHECK(c->timeout() == 30s);
  CHECK(c->limits() == clerk::response_limits{});
  CHECK(c->limits().max_body_bytes == 1024 * 1024);
  CHECK(c->secret_key().reveal() == "sk_test_abc");
  clerk::http_request r;
  prepare_request(*c, r);
  CHECK(r.headers.find("Authorization") == "Bearer sk_test_abc");
}

template <class C>
constexpr bool has_authorization_accessor = requires(const C& c) {
  c.authorization();
};

TEST_CASE("config gives the key only as a clerk::secret, and its Authorization value to none") {
  CHECK_FALSE(has_authorization_accessor<clerk::config>);
  auto c = clerk::config::make(with_key("sk_test_accessor0key"));
  REQUIRE(c.has_value());
  static_assert(std::is_same_v<decltype(c->secret_key()), const clerk::secret&>);
  // No accessor that returns text holds the key; nor does the printed config.
  for (std::string_view text : {c->base_url(), c->api_version(), c->user_agent()})
    CHECK(text.find("accessor0key") == std::string_view::npos);
  std::ostringstream printed;
  printed << *c;
  CHECK(printed.str().find("accessor0key") == std::string::npos);
  // prepare_request is the one way to the header.
  clerk::http_request r;
  prepare_request(*c, r);
  CHECK(r.headers.find("Authorization") == "Bearer sk_test_accessor0key");
}

TEST_CASE("trailing slashes of the base URL are dropped") {
  auto o = with_key();
  o.base_url = "http://localhost:8080/api//";
  auto c = clerk::config::make(o);
  REQUIRE(c.has_value());
  CHECK(c->base_url() == "http://localhost:8080/api");
}

TEST_CASE("an empty secret key is refused") {
  auto e = refused(with_key(""));
  CHECK(e.field == "secret_key");
  CHECK(e.reason == "must not be empty");
}

TEST_CASE("a secret key with CR, LF, spaces or other controls is refused") {
  for (std::string k : {std::string("sk_test_a\r\nX-Injected: 1"), std::string("sk_test_a\n"),
                        std::string("sk test"), std::string("sk\0x", 4), std::string("sk_\x7f"),
                        std::string("sk_\t"), std::string("sk_\xc3\xa9")}) {
    auto e = refused(with_key(k));
    CHECK(e.field == "secret_key");
    CHECK(e.reason.find("control characters") != std::string::npos);
  }
}

TEST_CASE("the base URL must be http or https with a host and nothing that changes the target") {
  struct row {
    const char* url;
    const char* reason;
  };
  for (const row& r : {
           row{"", "must not be empty"},
           row{"ftp://api.clerk.com", "must start with http:// or https://"},
           row{"api.clerk.com/v1", "must start with http:// or https://"},
           row{"https://", "must name a host"},
           row{"https:///v1", "must name a host"},
           row{"https://:443/v1", "must name a host"},
           row{"https://user:pass@api.clerk.com/v1", "must not contain userinfo (user:password@)"},
           row{"https://api.clerk.com/v1?x=1", "must not contain a query or a fragment"},
           row{"https://api.clerk.com/v1#top", "must not contain a query or a fragment"},
           row{"https://api.clerk.com/v1\r\nHost: evil",
               "must be ASCII without spaces or control characters"},
           row{"https://api.clerk.com /v1", "must be ASCII without spaces or control characters"},
           row{"https://\xc3\xa9.example", "must be ASCII without spaces or control characters"},
           row{"https://api.clerk.com\\@evil.example",
               "must not contain userinfo (user:password@)"},
       }) {
    CAPTURE(r.url);
    auto o = with_key();
    o.base_url = r.url;
    auto e = refused(o);
    CHECK(e.field == "base_url");
    CHECK(e.reason == r.reason);
  }
}

TEST_CASE("the scheme is lower-cased; host, port and path are kept") {
  auto o = with_key();
  o.base_url = "HTTPS://Api.Clerk.com:8443/v1";
  auto c = clerk::config::make(o);
  REQUIRE(c.has_value());
  CHECK(c->base_url() == "https://Api.Clerk.com:8443/v1");
  o.base_url = "Http://127.0.0.1:8080/v1";
  c = clerk::config::make(o);
  REQUIRE(c.has_value());
  CHECK(c->base_url() == "http://127.0.0.1:8080/v1");
}

TEST_CASE("a port is digits from 1 to 65535, and brackets hold an IPv6 address") {
  struct row {
    const char* url;
    const char* reason;
  };
  for (const row& r : {
           row{"https://h:99999/v1", "must have a port from 1 to 65535"},
           row{"https://h:65536/v1", "must have a port from 1 to 65535"},
           row{"https://h:0/v1", "must have a port from 1 to 65535"},
           row{"https://h:abc/v1", "must have a port from 1 to 65535"},
           row{"https://h:/v1", "must have a port from 1 to 65535"},
           row{"https://h:443:1/v1", "must have a port from 1 to 65535"},
           row{"https://h:+443/v1", "must have a port from 1 to 65535"},
           row{"https://[::1", "must close the bracket of an IPv6 address"},
           row{"https://[::1/v1", "must close the bracket of an IPv6 address"},
           row{"https://[]/v1", "must hold an IPv6 address between brackets"},
           row{"https://[evil.example]/v1", "must hold an IPv6 address between brackets"},
           row{"https://[::1]x/v1", "must have nothing but a port after an IPv6 address"},
           row{"https://[::1]:0/v1", "must have a port from 1 to 65535"},
           row{"https://h]/v1", "must use brackets only around an IPv6 address"},
           row{"https://::1]/v1", "must name a host"},
       }) {
    CAPTURE(r.url);
    auto o = with_key();
    o.base_url = r.url;
    auto e = refused(o);
    CHECK(e.field == "base_url");
    CHECK(e.reason == r.reason);
  }
  for (const char* url : {"https://h:1/v1", "https://h:65535", "https://[::1]:8443/v1",
                          "https://[2001:db8::7]/v1", "https://api.clerk.com"}) {
    CAPTURE(url);
    auto o = with_key();
    o.base_url = url;
    CHECK(clerk::config::make(o).has_value());
  }
}

TEST_CASE("plain http is for loopback hosts only, unless allowed explicitly") {
  for (const char* url :
       {"http://localhost:8080/v1", "http://LOCALHOST/v1", "http://127.0.0.1:4010/v1",
        "http://127.1.2.3/v1", "http://[::1]:80/v1"}) {
    CAPTURE(url);
    auto o = with_key();
    o.base_url = url;
    CHECK(clerk::config::make(o).has_value());
  }
  for (const char* url :
       {"http://api.clerk.com/v1", "http://10.0.0.1/v1", "http://127.0.0.1.evil.example/v1",
        "http://localhost.evil.example/v1", "http://[::2]/v1"}) {
    CAPTURE(url);
    auto o = with_key();
    o.base_url = url;
    auto e = refused(o);
    CHECK(e.field == "base_url");
    CHECK(e.reason.find("allow_insecure_http") != std::string::npos);
    o.allow_insecure_http = true;
    CHECK(clerk::config::make(o).has_value());
  }
}

TEST_CASE("an application name follows the library's in the User-Agent") {
  auto o = with_key();
  o.application = "my-app/1.2";
  auto c = clerk::config::make(o);
  REQUIRE(c.has_value());
  CHECK(c->user_agent() == "clerk-backend-cpp/0.1.0 my-app/1.2");
  for (const char* bad : {"app\r\nX-Injected: 1", " app", "app ", "app \xe2\x9c\x93"}) {
    CAPTURE(bad);
    o.application = bad;
    CHECK(refused(o).field == "application");
  }
}

TEST_CASE("API version and user agent must be clean header values") {
  auto o = with_key();
  o.api_version = "2026-05-12\r\nX: y";
  CHECK(refused(o).field == "api_version");
  o = with_key();
  o.api_version = "";
  CHECK(refused(o).reason == "must not be empty");
  o = with_key();
  o.user_agent = "agent\n";
  CHECK(refused(o).field == "user_agent");
  o = with_key();
  o.user_agent = "agent \xe2\x9c\x93";
  CHECK(refused(o).reason == "must be ASCII");
  o = with_key();
  o.user_agent = " padded";
  CHECK(refused(o).reason == "must not start or end with a space");
}

TEST_CASE("timeout and limits must be positive") {
  auto o = with_key();
  o.timeout = 0ms;
  CHECK(refused(o).field == "timeout");
  o = with_key();
  o.limits.max_depth = 0;
  CHECK(refused(o).field == "limits");
}

TEST_CASE("a zero array element budget is refused, the reason naming the limit") {
  auto o = with_key();
  CHECK(clerk::response_limits{}.max_array_elements == 8192);
  o.limits.max_array_elements = 0;
  CHECK(refused(o).field == "limits");
  CHECK(refused(o).reason == "max_array_elements must be positive");
  auto f = clerk::frontend::frontend_config::make(
      {.frontend_api_url = "https://clerk.example.com", .limits = {.max_array_elements = 0}});
  REQUIRE(f.has_error());
  CHECK(f.error().message() == "invalid request: limits: max_array_elements must be positive");
}

TEST_CASE("a printed config never shows the secret key") {
  auto c = clerk::config::make(with_key("sk_live_VerySecret123"));
  REQUIRE(c.has_value());
  auto s = clerk_test::printed(*c);
  CHECK(s.find("VerySecret123") == std::string::npos);
  CHECK(s.find("sk_live_[redacted]") != std::string::npos);
  CHECK(clerk_test::printed(c->secret_key()) == "[redacted]");
}

TEST_CASE("a printed config redacts a key pasted into any other option") {
  auto o = with_key("sk_live_RealKey1");
  o.user_agent = "app sk_live_Pasted99";
  o.api_version = "sk_test_InVersion7";
  auto c = clerk::config::make(o);
  REQUIRE(c.has_value());
  auto s = clerk_test::printed(*c);
  CHECK(s.find("Pasted99") == std::string::npos);
  CHECK(s.find("InVersion7") == std::string::npos);
  CHECK(s.find("RealKey1") == std::string::npos);
}
