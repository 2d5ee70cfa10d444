#include <clerk/redact.hpp>

#include "support.hpp"

#include <string>

TEST_CASE("secret keys keep only their kind") {
  CHECK(clerk::http::redact("key=sk_live_abc123XYZ!") == "key=sk_live_[redacted]!");
  CHECK(clerk::http::redact("sk_test_abc") == "sk_test_[redacted]");
  CHECK(clerk::http::redact("task_ids") == "task_ids");
}

TEST_CASE("sk_live_ and sk_test_ keys are found whatever is glued before them") {
  CHECK(clerk::http::redact("Authorization=Bearer%20sk_live_abc123") ==
        "Authorization=Bearer%20sk_live_[redacted]");
  CHECK(clerk::http::redact(R"({"m":"x\nsk_test_abc123"})") == R"({"m":"x\nsk_test_[redacted]"})");
  CHECK(clerk::http::redact("prefixsk_live_abc") == "prefixsk_live_[redacted]");
  // The bare prefix still needs a word start, so that task_ids survives.
  CHECK(clerk::http::redact("Bearer%20sk_abc") == "Bearer%20sk_[redacted]");
  CHECK(clerk::http::redact("mask_abc") == "mask_abc");
}

TEST_CASE("a token glued to an encoded separator is found") {
  std::string jwt = clerk_test::sample_jwt;
  CHECK(clerk::http::redact("token%3D" + jwt) == "token%3D[redacted]");
  CHECK(clerk::http::redact("\\n" + jwt) == "\\n[redacted]");
  CHECK(clerk::http::redact("\\u0022" + jwt) == "\\u0022[redacted]");
  CHECK(clerk::http::redact("keyJhbGciOiJIUzI1NiJ9") == "keyJhbGciOiJIUzI1NiJ9");  // mid-word
}

TEST_CASE("JWT-shaped tokens are redacted whole") {
  CHECK(clerk::http::redact(std::string("t=") + clerk_test::sample_jwt + ";") == "t=[redacted];");
  CHECK(clerk::http::redact("eyJhbGciOiJIUzI1NiJ9") == "[redacted]");
  CHECK(clerk::http::redact("eyJ short") == "eyJ short");
}

TEST_CASE("ticket and token query parameters are redacted") {
  CHECK(clerk::http::redact("https://a.example/accept?ticket=abc.def&next=/home") ==
        "https://a.example/accept?ticket=[redacted]&next=/home");
  CHECK(clerk::http::redact("https://a.example/#/?__clerk_ticket=xyz") ==
        "https://a.example/#/?__clerk_ticket=[redacted]");
  CHECK(clerk::http::redact("?a=1&token=zzz") == "?a=1&token=[redacted]");
  CHECK(clerk::http::redact("ticket=abc") == "ticket=abc");
}

TEST_CASE("credential header values keep the scheme and key kind only") {
  CHECK(clerk::http::redact_credential("Bearer sk_test_abc") == "Bearer sk_test_[redacted]");
  CHECK(clerk::http::redact_credential("Bearer opaque") == "Bearer [redacted]");
  CHECK(clerk::http::redact_credential("sk_live_x y") == "sk_live_[redacted]");
  CHECK(clerk::http::redact_credential("") == "[redacted]");
}

TEST_CASE("a URL keeps scheme, host and path; query and fragment go") {
  CHECK(clerk::http::redact_url("https://acc.example/v1/tickets/accept?ticket=SECRET") ==
        "https://acc.example/v1/tickets/accept?[redacted]");
  CHECK(clerk::http::redact_url("https://acc.example/sign-in#SECRET") ==
        "https://acc.example/sign-in#[redacted]");
  CHECK(clerk::http::redact_url("https://acc.example/x") == "https://acc.example/x");
}

TEST_CASE("redacting redacted text changes nothing") {
  for (std::string text :
       {std::string("Bearer sk_test_abc123"), std::string("sk_live_x and sk_y"),
        std::string("?ticket=abc&token=def"), std::string(clerk_test::sample_jwt)}) {
    auto once = clerk::http::redact(text);
    CHECK(clerk::http::redact(once) == once);
  }
}

TEST_CASE("a token-shaped word in the scheme position is redacted too") {
  CHECK(clerk::http::redact_credential("eyJzkcdefghijkln sk_test_abc") ==
        "[redacted] sk_test_[redacted]");
}

TEST_CASE("redact_one_line escapes controls, line separators and stray bytes after redacting") {
  using clerk::http::redact_one_line;
  CHECK(redact_one_line("a\nb\r\tc") == "a\\nb\\r\\tc");
  CHECK(redact_one_line("x\x1b[2J\x7f") == "x\\u001b[2J\\u007f");
  CHECK(redact_one_line(std::string("nul\0!", 5)) == "nul\\u0000!");
  CHECK(redact_one_line("c1 \xc2\x85 \xc2\x9b ok \xc2\xa0") == "c1 \\u0085 \\u009b ok \xc2\xa0");
  CHECK(redact_one_line("ls \xe2\x80\xa8 ps \xe2\x80\xa9 \xe2\x80\xa6") ==
        "ls \\u2028 ps \\u2029 \xe2\x80\xa6");
  CHECK(redact_one_line("bad \xff \xc3") == "bad \\xff \\xc3");
  // A backslash is doubled, so that text cannot pass for an escape.
  CHECK(redact_one_line("a\\nb") == "a\\\\nb");
  CHECK(redact_one_line("k=sk_live_abc\nx") == "k=sk_live_[redacted]\\nx");
  CHECK(redact_one_line("plain é") == "plain é");
}
