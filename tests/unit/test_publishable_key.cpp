#include <clerk/publishable_key.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace {

// The reason a key is refused; fails the test when it is accepted.
std::string key_refusal(std::string_view key) {
  auto k = clerk::parse_publishable_key(key);
  REQUIRE_MESSAGE(k.has_error(), "accepted: " << key);
  const auto* r = k.error().as_invalid_request();
  REQUIRE(r != nullptr);
  CHECK(r->field == "publishable_key");
  return r->reason;
}

}  // namespace

TEST_CASE("a development key gives its Frontend API host over https") {
  auto k = clerk::parse_publishable_key(
      "pk_test_ZXhhbXBsZS1kZXN0aW5lZC1jYW1lbC0xMy5jbGVyay5hY2NvdW50cy5kZXYk");
  REQUIRE(k.has_value());
  CHECK(k->frontend_api_url == "https://example-destined-camel-13.clerk.accounts.dev");
  CHECK(k->instance == clerk::instance_type::development);
  CHECK(clerk::to_string(k->instance) == "development");
}

TEST_CASE("a production key gives its host and the production instance type") {
  auto k = clerk::parse_publishable_key("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k");
  REQUIRE(k.has_value());
  CHECK(k->frontend_api_url == "https://clerk.example.com");
  CHECK(k->instance == clerk::instance_type::production);
  CHECK(clerk::to_string(k->instance) == "production");
}

TEST_CASE("base64 padding is optional but must be complete when present") {
  // "clerk.acme.io$" encodes to "Y2xlcmsuYWNtZS5pbyQ=".
  for (const char* key : {"pk_live_Y2xlcmsuYWNtZS5pbyQ", "pk_live_Y2xlcmsuYWNtZS5pbyQ="}) {
    CAPTURE(key);
    auto k = clerk::parse_publishable_key(key);
    REQUIRE(k.has_value());
    CHECK(k->frontend_api_url == "https://clerk.acme.io");
  }
  CHECK(key_refusal("pk_live_Y2xlcmsuYWNtZS5pbyQ==").find("base64") != std::string::npos);
  // "a.b$" is "YS5iJA==": one '=' of two is not a padding.
  CHECK(clerk::parse_publishable_key("pk_test_YS5iJA==").has_value());
  CHECK(clerk::parse_publishable_key("pk_test_YS5iJA").has_value());
  CHECK(key_refusal("pk_test_YS5iJA=").find("base64") != std::string::npos);
}

TEST_CASE("a loopback host with a port is a valid Frontend API for tests") {
  // base64("127.0.0.1:8080$")
  auto k = clerk::parse_publishable_key("pk_test_MTI3LjAuMC4xOjgwODAk");
  REQUIRE(k.has_value());
  CHECK(k->frontend_api_url == "https://127.0.0.1:8080");
}

TEST_CASE("keys without the pk_test_ or pk_live_ prefix are refused") {
  for (const char* key : {"", "pk_", "pk_test", "sk_test_Y2xlcmsuZXhhbXBsZS5jb20k",
                          "PK_LIVE_Y2xlcmsuZXhhbXBsZS5jb20k", "pk_prod_Y2xlcmsuZXhhbXBsZS5jb20k",
                          " pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"}) {
    CAPTURE(key);
    CHECK(key_refusal(key).find("pk_test_ or pk_live_") != std::string::npos);
  }
  CHECK(key_refusal("pk_live_").find("nothing after") != std::string::npos);
}

TEST_CASE("the part after the prefix must be standard base64") {
  for (const char* key : {"pk_live_Y2xlcmsuZXhhbXBsZS5jb20k ",      // trailing space
                          "pk_live_Y2xlcmsu_ZXhhbXBsZS5jb20k",      // a third '_' (base64url)
                          "pk_live_Y2xlcmsuZXhhbXBsZS5jb20-",       // base64url alphabet
                          "pk_live_Y2xlcmsuZXhhbXBsZS5jb20kA",      // one character too many
                          "pk_test_YS5iJB",                         // non-zero unused bits
                          "pk_live_Y2xl=cmsuZXhhbXBsZS5jb20k",      // padding inside
                          "pk_live_Y2xlcmsuZXhhbXBsZS5jb20k\n"}) {  // a newline
    CAPTURE(key);
    CHECK(key_refusal(key).find("base64") != std::string::npos);
  }
}

TEST_CASE("the decoded host must end in exactly one '$' and hold a '.'") {
  // base64 of "clerk.example.com" (no '$'), "clerk.example.com$$",
  // "clerk$example.com$", "localhost$".
  CHECK(key_refusal("pk_live_Y2xlcmsuZXhhbXBsZS5jb20").find("'$'") != std::string::npos);
  CHECK(key_refusal("pk_live_Y2xlcmsuZXhhbXBsZS5jb20kJA").find("more than one") !=
        std::string::npos);
  CHECK(key_refusal("pk_live_Y2xlcmskZXhhbXBsZS5jb20k").find("more than one") != std::string::npos);
  CHECK(key_refusal("pk_test_bG9jYWxob3N0JA").find("'.'") != std::string::npos);
  CHECK(key_refusal("pk_test_JA").find("'.'") != std::string::npos);  // just "$"
}

TEST_CASE("a decoded host that would change the URL it goes into is refused") {
  // base64 of "evil.com/path$", "a.b@evil.com$", "a.b?x$", "a.b c$", ".a.b$".
  for (const char* key : {"pk_live_ZXZpbC5jb20vcGF0aCQ", "pk_live_YS5iQGV2aWwuY29tJA",
                          "pk_live_YS5iP3gk", "pk_live_YS5iIGMk", "pk_live_LmEuYiQ"}) {
    CAPTURE(key);
    CHECK(key_refusal(key).find("host") != std::string::npos);
  }
}

TEST_CASE("a refusal does not repeat the key") {
  const char* key = "pk_live_ZXZpbC5jb20vcGF0aCQ";
  auto k = clerk::parse_publishable_key(key);
  REQUIRE(k.has_error());
  CHECK(k.error().message().find("ZXZpbC5jb20vcGF0aCQ") == std::string::npos);
  CHECK(k.error().message().find("publishable_key") != std::string::npos);
}
