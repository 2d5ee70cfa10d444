// The declaration engine with shapes the sign-in and actor tokens do not
// use: nested models, arrays of models, nullable and required-nullable
// fields, header fields, GET with a query, form bodies.
#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/detail/text.hpp>
#include <clerk/operation.hpp>

#include "support.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using clerk_test::json_response;
using clerk_test::make_config;

namespace demo {

struct session {
  std::string id;
  std::optional<std::string> last_active_token;  // optional and nullable
  bool expired = false;
  friend bool operator==(const session&, const session&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("session", field("id", &session::id, non_empty),
                 field("last_active_token", &session::last_active_token),
                 field("expired", &session::expired));
  }
};

struct client_state {
  std::vector<session> sessions;
  std::optional<std::string> last_active_session_id;  // present, may be null
  std::int64_t count = 0;
  friend bool operator==(const client_state&, const client_state&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model(
        "client", field("sessions", &client_state::sessions),
        field("last_active_session_id", &client_state::last_active_session_id, present_or_null),
        field("count", &client_state::count));
  }
};

struct envelope {
  std::optional<client_state> client;
  clerk::raw_json response;
  std::optional<clerk::secret> rotated_token;  // from the Authorization header
  std::string trace_id;                        // from the Clerk-Trace-Id header
  friend bool operator==(const envelope&, const envelope&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("envelope", field("client", &envelope::client),
                 field("response", &envelope::response),
                 from_header("Authorization", &envelope::rotated_token),
                 from_header("Clerk-Trace-Id", &envelope::trace_id));
  }
};

struct list_things {
  std::optional<std::int64_t> limit{};
  std::optional<std::string> query{};
  bool with_deleted = false;
  using response_type = envelope;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = list_things;
    return endpoint(
        // A member named like a declaration word hides it: qualify the word.
        clerk::http_method::get, path("/things"),
        clerk::decl::query(field("limit", &o::limit, at_least(1)),
                           field("query", &o::query, may_be_empty),
                           field("with_deleted", &o::with_deleted)),
        idempotent);
  }
};

struct sign_in_form {
  std::string strategy{};
  std::string ticket{};
  using response_type = envelope;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = sign_in_form;
    return endpoint(clerk::http_method::post, path("/client/sign_ins"),
                    form_body(field("strategy", &o::strategy), field("ticket", &o::ticket)));
  }
};

// A path parameter, a query of a string and an integer, a JSON body.
struct search {
  std::string org_id;
  std::optional<std::string> q;
  std::optional<std::int64_t> limit;
  std::string note;
  using response_type = envelope;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::post,
                    path("/organizations/", param("org_id", &search::org_id), "/search"),
                    query(field("query", &search::q), field("limit", &search::limit)),
                    json_body(field("note", &search::note)), idempotent);
  }
};

}  // namespace demo

TEST_CASE("a GET with a query sends no body and encodes each query value") {
  auto r = clerk::build_request(demo::list_things{.limit = 10, .query = "a b&c=d"}, make_config());
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::get);
  CHECK(r->url == "https://api.clerk.com/v1/things?limit=10&query=a+b%26c%3Dd&with_deleted=false");
  CHECK(r->body.empty());
  CHECK_FALSE(r->headers.find("Content-Type").has_value());
  auto bare = clerk::build_request(demo::list_things{}, make_config());
  REQUIRE(bare.has_value());
  CHECK(bare->url == "https://api.clerk.com/v1/things?with_deleted=false");
  auto bad = clerk::build_request(demo::list_things{.limit = 0}, make_config());
  REQUIRE(bad.has_error());
  CHECK(bad.error().as_invalid_request()->field == "limit");
  CHECK(bad.error().as_invalid_request()->reason == "must be at least 1");
}

TEST_CASE("reserved and non-ASCII bytes stay data in a path segment, a query and a JSON body") {
  auto r = clerk::build_request(demo::search{"a/b?c#d%2F..", "x&y=z+ w#\xc3\xa9", INT64_MIN,
                                             "quote\" back\\ \xc3\xa9 \xe2\x80\xa8"},
                                make_config());
  REQUIRE(r.has_value());
  CHECK(r->url ==
        "https://api.clerk.com/v1/organizations/a%2Fb%3Fc%23d%252F../search"
        "?query=x%26y%3Dz%2B+w%23%C3%A9&limit=-9223372036854775808");
  // U+2028 may stay raw in JSON; quote and backslash are escaped.
  CHECK(r->body == "{\"note\":\"quote\\\" back\\\\ \xc3\xa9 \xe2\x80\xa8\"}");
  for (const char* bad : {".", "..", "a\nb", "\xff"}) {
    CAPTURE(bad);
    auto e = clerk::build_request(demo::search{bad, {}, {}, "n"}, make_config());
    REQUIRE(e.has_error());
    CHECK(e.error().as_invalid_request()->field == "org_id");
  }
}

TEST_CASE("a form body is percent-encoded with its content type") {
  auto r = clerk::build_request(demo::sign_in_form{.strategy = "ticket", .ticket = "a+b/c=="},
                                make_config());
  REQUIRE(r.has_value());
  CHECK(r->headers.find("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(r->body == "strategy=ticket&ticket=a%2Bb%2Fc%3D%3D");
}

TEST_CASE("an envelope with nested models and arrays of models parses whole") {
  auto r = json_response(
      200, R"({"response":{"id":"sia_1","nested":[1,{"x":"y"}]},"client":{"sessions":[)"
           R"({"id":"sess_1","last_active_token":null,"expired":false},)"
           R"({"id":"sess_2","last_active_token":"tok","expired":true}],)"
           R"("last_active_session_id":null,"count":2}})");
  r.headers.add("Authorization", "client_token_1");
  auto e = clerk::parse_response(demo::list_things{}, r, make_config());
  REQUIRE_MESSAGE(e.has_value(), (e ? "" : e.error().message()));
  REQUIRE(e->client.has_value());
  REQUIRE(e->client->sessions.size() == 2);
  CHECK(e->client->sessions[0].id == "sess_1");
  CHECK_FALSE(e->client->sessions[0].last_active_token.has_value());
  CHECK(e->client->sessions[1].last_active_token == "tok");
  CHECK(e->client->sessions[1].expired);
  CHECK_FALSE(e->client->last_active_session_id.has_value());
  CHECK(e->client->count == 2);
  CHECK(e->response.text() == R"({"id":"sia_1","nested":[1,{"x":"y"}]})");
  REQUIRE(e->rotated_token.has_value());
  CHECK(e->rotated_token->reveal() == "client_token_1");
}

TEST_CASE("problems inside nested models and arrays name the path to the field") {
  auto problem = [](std::string body) {
    auto e = clerk::parse_response(demo::list_things{}, json_response(200, std::move(body)),
                                   make_config());
    REQUIRE(e.has_error());
    return e.error().as_unexpected_response()->problem;
  };
  CHECK(problem(R"({"response":{},"client":{"sessions":[{"id":"a","expired":true},{"id":5}],)"
                R"("last_active_session_id":null}})") ==
        "field \"client.sessions[1].id\" is an integer, expected a string");
  CHECK(problem(R"({"response":{},"client":{"sessions":[{"id":"a","expired":true},"x"],)"
                R"("last_active_session_id":null}})") ==
        "field \"client.sessions[1]\" is a string, expected an object");
  CHECK(problem(
            R"({"response":{},"client":{"sessions":[{"id":""}],"last_active_session_id":null}})") ==
        "field \"client.sessions[0].id\" is empty");
  CHECK(
      problem(
          R"({"response":{},"client":{"sessions":[{"id":"a"}],"last_active_session_id":null}})") ==
      "missing field \"client.sessions[0].expired\"");
  CHECK(problem(R"({"response":{},"client":{"sessions":[]}})") ==
        "missing field \"client.last_active_session_id\"");
  CHECK(problem(R"({"response":{},"client":{"sessions":{},"last_active_session_id":null}})") ==
        "field \"client.sessions\" is an object, expected an array");
  CHECK(problem(R"({"response":{},"client":[]})") ==
        "field \"client\" is an array, expected an object");
  CHECK(problem(R"({"client":null})") == "missing field \"response\"");
}

TEST_CASE("model array elements are counted against max_array_elements as they begin") {
  const std::string two = R"({"id":"a","expired":true},{"id":"b","expired":false})";
  auto body = [&](const std::string& sessions) {
    return json_response(200, R"({"response":{},"client":{"sessions":[)" + sessions +
                                  R"(],"last_active_session_id":null,"count":2}})");
  };
  clerk::response_limits lim;
  lim.max_array_elements = 2;
  auto ok = clerk::parse_response(demo::list_things{}, body(two), lim);
  REQUIRE_MESSAGE(ok.has_value(), (ok ? "" : ok.error().message()));
  CHECK(ok->client->sessions.size() == 2);
  auto over = clerk::parse_response(demo::list_things{}, body(two + ",{}"), lim);
  REQUIRE(over.has_error());
  CHECK(over.error().as_unexpected_response()->problem ==
        "field \"client.sessions[2]\" is beyond the limit of 2 array elements");
  // A syntax error after it still wins.
  auto broken = clerk::parse_response(demo::list_things{}, body(two + ",{},{]"), lim);
  REQUIRE(broken.has_error());
  CHECK(broken.error().as_unexpected_response()->problem.starts_with("body is not valid JSON"));
}

TEST_CASE("a printed model is one line: controls in strings and headers are escaped") {
  auto r = json_response(200, R"({"response":{"x":"a\nb","y":"\u001b[2J"},"client":{"sessions":[)"
                              R"({"id":"s\n2026-01-01 INFO admin login ok","expired":false}],)"
                              R"("last_active_session_id":"\u001b]0;pwned\u0007","count":1}})");
  r.headers.add("Authorization", "tok\rX");
  r.headers.add("Clerk-Trace-Id", "t\n1\xc2\x9b");
  auto e = clerk::parse_response(demo::list_things{}, r, make_config());
  REQUIRE_MESSAGE(e.has_value(), (e ? "" : e.error().message()));
  std::ostringstream one;
  clerk::print(one, e->client->sessions[0]);
  CHECK(one.str() ==
        "session{id=s\\n2026-01-01 INFO admin login ok, last_active_token=(none), "
        "expired=false}");
  std::ostringstream os;
  clerk::print(os, *e);
  CHECK(os.str().find('\n') == std::string::npos);
  CHECK(os.str().find('\x1b') == std::string::npos);
  CHECK(os.str().find('\x07') == std::string::npos);
  CHECK(os.str().find("last_active_session_id=\\u001b]0;pwned\\u0007") != std::string::npos);
  // raw_json prints its JSON text as is: its escapes are JSON's.
  CHECK(os.str().find(R"(response={"x":"a\nb","y":"\u001b[2J"})") != std::string::npos);
  CHECK(os.str().find("Authorization=[redacted], Clerk-Trace-Id=t\\n1\\u009b}") !=
        std::string::npos);
  CHECK(clerk_test::printed(clerk::raw_json("{\n\"a\": 1\n}")) == R"({\n"a": 1\n})");
}

TEST_CASE("the JSON writer escapes quotes, backslashes and every control character, nothing else") {
  std::string all;
  for (int c = 0; c < 0x20; ++c)
    all += static_cast<char>(c);
  all += "\"\\/ \x7f\xc3\xa9z";
  std::string out;
  clerk::detail::append_json_string(out, all);
  CHECK(out ==
        "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
        "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
        "\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\\"\\\\/ \x7f\xc3\xa9z\"");
  // Runs between escapes are copied whole, at the start, middle and end.
  out.clear();
  clerk::detail::append_json_escaped(out, "ab\"cd\ne");
  CHECK(out == "ab\\\"cd\\ne");
  out.clear();
  clerk::detail::append_json_escaped(out, "");
  CHECK(out.empty());
  // The first escape after a long plain run, and at the very end.
  out.clear();
  clerk::detail::append_json_string(out, "0123456789abcdefghij\"k\\");
  CHECK(out == "\"0123456789abcdefghij\\\"k\\\\\"");
  boost::system::error_code ec;
  auto v = boost::json::parse(
      "[" +
          [&] {
            std::string s;
            clerk::detail::append_json_string(s, all);
            return s;
          }() +
          "]",
      ec);
  REQUIRE_FALSE(ec);
  CHECK(v.as_array()[0].as_string() == all);
}

namespace demo {

// Names a user could declare: quotes and a control character are escaped.
struct odd_names {
  std::string quoted, plain, tabbed;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("odd", field("say \"hi\"", &odd_names::quoted), field("plain", &odd_names::plain),
                 field("a\tb", &odd_names::tabbed));
  }
};

}  // namespace demo

TEST_CASE("a declared name that needs escaping is written escaped, with its comma") {
  CHECK(clerk::to_json_revealing_secrets(demo::odd_names{"1", "2", "3"}) ==
        R"({"say \"hi\"":"1","plain":"2","a\tb":"3"})");
}

TEST_CASE("the word-at-a-time scanners agree with the byte-wise rules for every byte anywhere") {
  // Each byte value at each position of strings long enough to cover one,
  // two and three 8-byte words and a tail, in a background of plain bytes.
  auto plain_json = [](std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && !clerk::detail::needs_json_escape(s[i]))
      ++i;
    return i;
  };
  auto plain_ascii = [](std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x20 &&
           static_cast<unsigned char>(s[i]) < 0x7f)
      ++i;
    return i;
  };
  int mismatches = 0;
  for (std::size_t len : {1u, 7u, 8u, 9u, 16u, 23u}) {
    for (std::size_t at = 0; at < len; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string s(len, 'k');
        s[at] = static_cast<char>(b);
        if (clerk::detail::json_plain_prefix(s) != plain_json(s) ||
            clerk::detail::printable_ascii_prefix(s) != plain_ascii(s))
          ++mismatches;
      }
    }
  }
  CHECK(mismatches == 0);
  // A byte above 0x80 before a control byte in the same word: the borrow
  // trick must still see the control byte, and stop at the first one.
  CHECK(clerk::detail::json_plain_prefix("ab\xff\x01xyzw") == 3);
  CHECK(clerk::detail::printable_ascii_prefix("abc\xc3\xa9xyzw") == 3);
  CHECK(clerk::detail::printable_ascii_prefix(std::string(64, 'a')) == 64);
  CHECK(clerk::detail::json_plain_prefix("") == 0);
}

TEST_CASE("request text checks find a control character or bad UTF-8 after a long plain prefix") {
  using clerk::create_sign_in_token;
  auto refused = [](std::string user_id) {
    auto r =
        clerk::build_request(create_sign_in_token{.user_id = std::move(user_id)}, make_config());
    return r ? std::string() : r.error().message();
  };
  std::string prefix(21, 'u');
  CHECK(refused(prefix + "\x7f" + "tail").find("control characters") != std::string::npos);
  CHECK(refused(prefix + "\xc3" + "tail").find("valid UTF-8") != std::string::npos);
  CHECK(refused(prefix + "\xc3\xa9" + "tail\x01").find("control characters") != std::string::npos);
  CHECK(refused(prefix + "\xc3\xa9" + "tail").empty());
}
