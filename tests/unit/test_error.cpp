#include <clerk/error.hpp>

#include "support.hpp"

#include <chrono>
#include <string>
#include <system_error>

using namespace std::chrono_literals;

TEST_CASE("each kind of error says what it is in one line") {
  clerk::error inv = clerk::invalid_request{"user_id", "must not be empty"};
  CHECK(inv.kind() == clerk::error_kind::invalid_request);
  CHECK(inv.message() == "invalid request: user_id: must not be empty");
  CHECK(inv.http_status() == 0);

  clerk::error tr = clerk::transport_error{std::make_error_code(std::errc::connection_refused),
                                           "Couldn't connect to server", true};
  CHECK(tr.kind() == clerk::error_kind::transport);
  CHECK(tr.message() == "transport failed (request not sent): Couldn't connect to server [code " +
                            std::to_string(int(std::errc::connection_refused)) + "]");
  CHECK(tr.as_transport()->request_not_sent);

  clerk::api_error a;
  a.status = 422;
  a.errors.push_back({"form_param_missing", "is missing", "user_id must be included.", {}});
  a.clerk_trace_id = "trace_1";
  a.retry_after = clerk::retry_after{5s};
  clerk::error api = a;
  CHECK(api.kind() == clerk::error_kind::api);
  CHECK(api.http_status() == 422);
  CHECK(api.clerk_trace_id() == "trace_1");
  CHECK(api.message() ==
        "Clerk API error: HTTP 422; form_param_missing: user_id must be included.; retry after 5 s "
        "(trace id trace_1)");

  clerk::unexpected_response u;
  u.status = 500;
  u.content_type = "text/html";
  u.body_excerpt = "<html>\n<h1>Oops</h1>";
  u.problem = "error status without a ClerkErrors body";
  clerk::error un = u;
  CHECK(un.kind() == clerk::error_kind::unexpected_response);
  CHECK(un.message() ==
        "unexpected response: HTTP 500 (text/html): error status without a ClerkErrors body; body "
        "starts: <html>\\n<h1>Oops</h1>");
}

TEST_CASE("the accessors for other kinds return nullptr") {
  clerk::error e = clerk::invalid_request{"f", "r"};
  CHECK(e.as_transport() == nullptr);
  CHECK(e.as_api() == nullptr);
  CHECK(e.as_unexpected_response() == nullptr);
  CHECK_FALSE(e.retry_after().has_value());
  CHECK(e.clerk_trace_id().empty());
}

TEST_CASE("error messages never contain secrets, tokens or tickets") {
  clerk::unexpected_response u;
  u.status = 500;
  u.body_excerpt = std::string("key sk_live_abcdef123 token ") + clerk_test::sample_jwt +
                   " link https://x.example/accept?ticket=TICKETVALUE&x=1";
  u.problem = "p";
  auto m = clerk::error(u).message();
  CHECK(m.find("abcdef123") == std::string::npos);
  CHECK(m.find("eyJ") == std::string::npos);
  CHECK(m.find("TICKETVALUE") == std::string::npos);
  CHECK(m.find("sk_live_[redacted]") != std::string::npos);

  clerk::api_error a;
  a.status = 401;
  a.errors.push_back({"c", "m", "the key sk_test_LEAKED was rejected", {}});
  CHECK(clerk::error(a).message().find("LEAKED") == std::string::npos);
}

TEST_CASE("a message stays on one line even when the server sends newlines") {
  clerk::api_error a;
  a.status = 400;
  a.errors.push_back({"c\r\n", "m", "line1\nline2\r\n", {}});
  auto m = clerk::error(a).message();
  CHECK(m.find('\n') == std::string::npos);
  CHECK(m.find('\r') == std::string::npos);
}

TEST_CASE("a long excerpt is cut on a UTF-8 boundary") {
  clerk::unexpected_response u;
  u.status = 500;
  u.problem = "p";
  for (int i = 0; i < 100; ++i)
    u.body_excerpt += "\xc3\xa9";
  auto m = clerk::error(u).message();
  CHECK(m.ends_with("..."));
  auto body = m.substr(m.find("starts: ") + 8);
  body.resize(body.size() - 3);
  CHECK(body.size() % 2 == 0);
  CHECK(body.size() <= 120);
}

TEST_CASE("a message escapes Unicode line breaks, C1 controls and bytes that are not UTF-8") {
  // What a hostile server may put in a body or in Clerk's messages to forge
  // a log line: U+2028, NEL (U+0085), bytes that are not UTF-8.
  const std::string hostile =
      "a\xe2\x80\xa8"
      "FAKE LOG LINE\xc2\x85"
      "b\xff\xfe\\n\xc3\xa9";
  clerk::unexpected_response u;
  u.status = 200;
  u.body_excerpt = hostile;
  u.problem = "p\xe2\x80\xa9q";
  auto m = clerk::error(u).message();
  CHECK(clerk_test::one_clean_line(m));
  CHECK(m ==
        "unexpected response: HTTP 200: p\\u2029q; body starts: "
        "a\\u2028FAKE LOG LINE\\u0085b\\xff\\xfe\\\\n\xc3\xa9");

  clerk::api_error a;
  a.status = 400;
  a.errors.push_back({"c\xc2\x85", "m", hostile, {}});
  a.clerk_trace_id = "t\xe2\x80\xa8";
  m = clerk::error(a).message();
  CHECK(clerk_test::one_clean_line(m));
  CHECK(m ==
        "Clerk API error: HTTP 400; c\\u0085: a\\u2028FAKE LOG LINE\\u0085b\\xff\\xfe"
        "\\\\n\xc3\xa9 (trace id t\\u2028)");
}

TEST_CASE("a message is cut on the escaped text, never inside an escape or a character") {
  clerk::unexpected_response u;
  u.status = 500;
  u.problem = "p";
  auto excerpt = [&](std::string body) {
    u.body_excerpt = std::move(body);
    auto m = clerk::error(u).message();
    CHECK(clerk_test::one_clean_line(m));
    return m.substr(m.find("starts: ") + 8);
  };
  auto times = [](int n, std::string_view s) {
    std::string out;
    for (int i = 0; i < n; ++i)
      out += s;
    return out;
  };
  // The excerpt's limit is 120 bytes of the escaped text.
  CHECK(excerpt(times(100, "\xff")) == times(30, "\\xff") + "...");
  CHECK(excerpt("a" + times(100, "\xe2\x80\xa8")) == "a" + times(19, "\\u2028") + "...");
  CHECK(excerpt("a" + times(100, "\\")) == "a" + times(59, "\\\\") + "...");
  CHECK(excerpt("a" + times(100, "\xe2\x82\xac")) == "a" + times(39, "\xe2\x82\xac") + "...");
  CHECK(excerpt("ab" + times(100, "\xf0\x9f\x98\x80")) ==
        "ab" + times(29, "\xf0\x9f\x98\x80") + "...");
  CHECK(excerpt(std::string(120, 'x')) == std::string(120, 'x'));
  // Redaction comes first: a key cut by the limit is still a key.
  CHECK(excerpt(std::string(100, 'x') + " sk_live_abcdefghijklmnop") ==
        std::string(100, 'x') + " sk_live_[redacted]");
}
