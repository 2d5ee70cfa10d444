// A oneOf as a std::variant a user can switch on: the alternatives told apart
// by the constant they all declare ("object"), the raw JSON kept when none
// matches; read, checked, written and printed through the alternative held.
#include <clerk/operation.hpp>

#include "support.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace variant_test {

struct otp {
  std::string status;
  std::optional<std::int64_t> attempts;
  std::vector<std::string> channels;
  friend bool operator==(const otp&, const otp&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("otp", constant("object", "verification_otp"),
                 field("status", &otp::status, non_empty), field("attempts", &otp::attempts),
                 field("channels", &otp::channels, absent_in_response));
  }
};

struct ticket {
  std::string status;
  std::optional<clerk::secret> token;
  friend bool operator==(const ticket&, const ticket&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("ticket", field("status", &ticket::status),
                 constant("object", "verification_ticket"), field("token", &ticket::token));
  }
};

using verification = std::variant<otp, ticket, clerk::raw_json>;

struct email_address {
  std::string id;
  std::optional<verification> verification_;
  std::vector<verification> history;
  std::map<std::string, verification> by_channel;
  friend bool operator==(const email_address&, const email_address&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = email_address;
    return model("email_address", field("id", &o::id),
                 field("verification", &o::verification_, named("verification")),
                 field("history", &o::history, absent_in_response),
                 field("by_channel", &o::by_channel, absent_in_response));
  }
};

// GET /email_addresses/{id}
struct get_email_address {
  std::string id;
  using response_type = email_address;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get,
                    path("/email_addresses/", param("email_address_id", &get_email_address::id)),
                    idempotent);
  }
};

// PATCH /email_addresses/{id}: a variant in a request body.
struct update_email_address {
  std::string id;
  std::optional<verification> verification_;
  std::vector<verification> history;
  using response_type = email_address;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = update_email_address;
    return endpoint(
        clerk::http_method::patch, path("/email_addresses/", param("id", &o::id)),
        json_body(field("verification", &o::verification_), field("history", &o::history)));
  }
};

// A plain raw_json field beside: its captured value's problems name it too.
struct with_metadata {
  clerk::raw_json metadata;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("with_metadata", field("metadata", &with_metadata::metadata));
  }
};
struct get_metadata {
  using response_type = with_metadata;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get, path("/metadata"), idempotent);
  }
};

clerk::result<email_address> parse(std::string body, const clerk::response_limits& lim = {}) {
  return clerk::parse_response(get_email_address{}, clerk_test::json_response(200, std::move(body)),
                               lim);
}

std::string problem_of(std::string body, const clerk::response_limits& lim = {}) {
  auto r = parse(std::move(body), lim);
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_unexpected_response() != nullptr);
  return r.error().as_unexpected_response()->problem;
}

// An answer whose verification is `v`.
std::string with(std::string v) {
  return R"({"id":"idn_1","verification":)" + v + "}";
}

// The cases, in the namespace: unity builds batch this file with others.

TEST_CASE("each alternative is chosen by its constant, wherever the member comes") {
  for (std::string v :
       {R"({"object":"verification_otp","status":"verified","attempts":2,"channels":["sms"]})",
        R"({"status":"verified","attempts":2,"channels":["sms"],"object":"verification_otp"})",
        R"({"status":"verified","object":"verification_otp","attempts":2,"channels":["sms"]})"}) {
    CAPTURE(v);
    auto e = parse(with(v));
    REQUIRE(e.has_value());
    REQUIRE(e->verification_.has_value());
    const auto* o = std::get_if<otp>(&*e->verification_);
    REQUIRE(o != nullptr);
    CHECK(*o == otp{"verified", 2, {"sms"}});
  }
  auto t = parse(with(R"({"token":"tok","status":"unverified","object":"verification_ticket"})"));
  REQUIRE(t.has_value());
  REQUIRE(std::holds_alternative<ticket>(*t->verification_));
  CHECK(std::get<ticket>(*t->verification_).status == "unverified");
  CHECK(std::get<ticket>(*t->verification_).token->reveal() == "tok");
}

TEST_CASE("an object no alternative matches is kept whole as raw_json, never refused") {
  for (std::string v :
       {R"({"object":"verification_passkey","status":"verified","nonce":{"a":[1,2]}})",
        R"({"status":"verified","attempts":1})", R"({"object":5,"status":"verified"})",
        R"({"object":null})", R"({})", R"({"inner":{"object":"verification_otp"}})"}) {
    CAPTURE(v);
    auto e = parse(with(v));
    REQUIRE(e.has_value());
    const auto* kept = std::get_if<clerk::raw_json>(&*e->verification_);
    REQUIRE(kept != nullptr);
    CHECK(kept->text() == v);
  }
  // A declared alternative's checks apply only to the object its constant names.
  auto e = parse(with(R"({"object":"verification_otp ","status":5})"));
  REQUIRE(e.has_value());
  CHECK(std::holds_alternative<clerk::raw_json>(*e->verification_));
}

TEST_CASE("null leaves an optional variant unset; a value that is not an object is refused") {
  auto e = parse(with("null"));
  REQUIRE(e.has_value());
  CHECK_FALSE(e->verification_.has_value());
  CHECK(problem_of(with(R"("verification_otp")")) ==
        "field \"verification\" is a string, expected an object");
  CHECK(problem_of(with("7")) == "field \"verification\" is an integer, expected an object");
  CHECK(problem_of(with("[]")) == "field \"verification\" is an array, expected an object");
  CHECK(problem_of(with("true")) == "field \"verification\" is a boolean, expected an object");
  CHECK(problem_of(R"({"id":"i","history":[null]})") ==
        "field \"history[0]\" is null, expected an object");
}

TEST_CASE("a problem inside an alternative is named by its path") {
  CHECK(problem_of(with(R"({"object":"verification_otp","status":5})")) ==
        "field \"verification.status\" is an integer, expected a string");
  CHECK(problem_of(with(R"({"attempts":1,"object":"verification_otp"})")) ==
        "missing field \"verification.status\"");
  CHECK(problem_of(with(R"({"object":"verification_otp","status":""})")) ==
        "field \"verification.status\" is empty");
  CHECK(problem_of(with(R"({"object":"verification_otp","status":"v","channels":[1]})")) ==
        "field \"verification.channels[0]\" is an integer, expected a string");
  CHECK(problem_of(R"({"id":"i","history":[{"object":"verification_otp","status":"v"},)"
                   R"({"object":"verification_ticket","status":"v","token":3}]})") ==
        "field \"history[1].token\" is an integer, expected a string");
  CHECK(problem_of(R"({"id":"i","by_channel":{"sms":{"object":"verification_otp"}}})") ==
        "missing field \"by_channel.sms.status\"");
  CHECK(problem_of(with(R"({"object":"verification_otp","object":"verification_ticket"})")) ==
        "duplicate key \"object\" in field \"verification\"");
  CHECK(problem_of(with(R"({"object":"verification_otp","status":"v","status":"w"})")) ==
        "duplicate key \"status\" in field \"verification\"");
}

TEST_CASE("a variant reads the same whether its tag comes first or later") {
  // Tag first (as Clerk writes it) is read straight into the alternative;
  // otherwise the object is captured and read again. Both give one answer.
  const otp want{"verified", 2, {}};
  for (const char* v : {R"({"object":"verification_otp","status":"verified","attempts":2})",
                        R"({"status":"verified","object":"verification_otp","attempts":2})",
                        R"({"status":"verified","attempts":2,"object":"verification_otp"})",
                        R"({"object":"verification\u005fotp","status":"verified","attempts":2})"}) {
    CAPTURE(v);
    auto e = parse(with(v));
    REQUIRE(e.has_value());
    CHECK(*e->verification_ == verification(want));
  }
  // A tag that is not a string, or names no alternative: the object kept whole.
  for (const char* v : {R"({"object":null,"status":"v"})", R"({"object":{"a":1}})",
                        R"({"object":["verification_otp"]})", R"({"object":7,"status":5})",
                        R"({"object":"verification_new","status":5})", "{}"}) {
    CAPTURE(v);
    auto e = parse(with(v));
    REQUIRE(e.has_value());
    CHECK(*e->verification_ == verification(clerk::raw_json(v)));
  }
}

TEST_CASE("a name repeated anywhere inside a variant is refused, its tag first or not") {
  for (const char* head : {R"("object":"verification_otp","status":"v")",
                           R"("status":"v","object":"verification_otp")"}) {
    CAPTURE(head);
    const std::string o = std::string("{") + head;
    CHECK(problem_of(with(o + R"(,"x":1,"x":2})")) ==
          "duplicate key \"x\" in field \"verification\"");
    CHECK(problem_of(with(o + R"(,"x":{"a":1,"a":2}})")) ==
          "duplicate key \"a\" in field \"verification\"");
    CHECK(problem_of(with(o + R"(,"x":[{"a":[{"b":1,"b":1}]}]})")) ==
          "duplicate key \"b\" in field \"verification\"");
    CHECK(problem_of(R"({"id":"i","history":[{"object":"verification_ticket","status":"v"},)" + o +
                     R"(,"status":"w"}]})") == "duplicate key \"status\" in field \"history[1]\"");
    CHECK(problem_of(R"({"id":"i","by_channel":{"sms":)" + o + R"(,"y":0,"y":0}}})") ==
          "duplicate key \"y\" in field \"by_channel.sms\"");
  }
  // The same names in two objects, or in the object and one inside it, are no repeat.
  auto e =
      parse(with(R"({"object":"verification_otp","status":"v","x":{"status":1},"y":{"x":2}})"));
  REQUIRE(e.has_value());
  CHECK(*e->verification_ == verification(otp{"v", std::nullopt, {}}));
}

TEST_CASE("arrays and maps of variants hold each element's own alternative") {
  auto e = parse(R"({"id":"i","verification":null,"history":[)"
                 R"({"object":"verification_ticket","status":"expired","token":null},)"
                 R"({"status":"failed","object":"verification_otp","attempts":null},)"
                 R"({"object":"verification_web3"}],)"
                 R"("by_channel":{"sms":{"object":"verification_otp","status":"verified"}}})");
  REQUIRE(e.has_value());
  REQUIRE(e->history.size() == 3);
  CHECK(e->history[0] == verification(ticket{"expired", std::nullopt}));
  CHECK(e->history[1] == verification(otp{"failed", std::nullopt, {}}));
  CHECK(e->history[2] == verification(clerk::raw_json(R"({"object":"verification_web3"})")));
  CHECK(e->by_channel.at("sms") == verification(otp{"verified", std::nullopt, {}}));
}

TEST_CASE("the response limits hold inside a variant") {
  clerk::response_limits lim;
  lim.max_string_bytes = 8;
  CHECK(problem_of(with(R"({"object":"verification_otp","status":"verified!!"})"), lim) ==
        "a string in field \"verification\" is longer than the limit of 8 bytes");
  // A tag longer than the limit is refused, not matched by its first bytes.
  lim.max_string_bytes = 16;
  CHECK(problem_of(with(R"({"status":"v","object":"verification_otp_and_more"})"), lim) ==
        "a string in field \"verification\" is longer than the limit of 16 bytes");
  // Every string and member name inside a variant, the members no alternative
  // declares among them, is held to the limit, its tag first or not.
  for (const char* head : {R"("object":"verification_otp","status":"v")",
                           R"("status":"v","object":"verification_otp")"}) {
    CAPTURE(head);
    const std::string o = std::string("{") + head;
    CHECK(problem_of(with(o + R"(,"note":"seventeen bytes!!"})"), lim) ==
          "a string in field \"verification\" is longer than the limit of 16 bytes");
    CHECK(problem_of(with(o + R"(,"x":{"y":["seventeen bytes!!"]}})"), lim) ==
          "a string in field \"verification\" is longer than the limit of 16 bytes");
    CHECK(problem_of(with(o + R"(,"seventeen_bytes!!":1})"), lim) ==
          "a member name in field \"verification\" is longer than the limit of 16 bytes");
    CHECK(problem_of(with(o + R"(,"x":{"seventeen_bytes!!":1}})"), lim) ==
          "a member name in field \"verification\" is longer than the limit of 16 bytes");
    CHECK(parse(with(o + R"(,"note":"sixteen bytes!!!","sixteen_bytes!!!":1})"), lim).has_value());
  }
  // The elements inside an alternative count with the rest of the answer's.
  lim = {};
  lim.max_array_elements = 4;
  const std::string two = R"({"id":"i","history":[)"
                          R"({"object":"verification_otp","status":"v","channels":["a","b"]},)"
                          R"({"object":"verification_otp","status":"v","channels":[)";
  CHECK(parse(two + "]}]}", lim).has_value());
  CHECK(problem_of(two + R"("c"]}]})", lim) ==
        "field \"history[1].channels[0]\" is beyond the limit of 4 array elements");
  // Depth: the whole answer's, the alternative's levels included.
  lim = {};
  lim.max_depth = 3;
  CHECK(parse(with(R"({"object":"x","a":{"b":1}})"), lim).has_value());
  CHECK(problem_of(with(R"({"object":"x","a":{"b":[1]}})"), lim)
            .starts_with("body is not valid JSON"));
}

TEST_CASE("a model with variants written as JSON reads back the same") {
  email_address e{
      "idn_1",
      otp{"verified", 3, {"sms", "email"}},
      {ticket{"expired", clerk::secret("tok")}, clerk::raw_json(R"({"object":"new"})"), otp{}},
      {{"sms", ticket{}}}};
  const std::string json = clerk::to_json_revealing_secrets(e);
  CHECK(json == R"({"id":"idn_1","verification":{"object":"verification_otp","status":"verified",)"
                R"("attempts":3,"channels":["sms","email"]},"history":[{"status":"expired",)"
                R"("object":"verification_ticket","token":"tok"},{"object":"new"},)"
                R"({"object":"verification_otp","status":"","channels":[]}],)"
                R"("by_channel":{"sms":{"status":"","object":"verification_ticket"}}})");
  e.history.pop_back();  // its empty status is refused when read
  auto again = parse(clerk::to_json_revealing_secrets(e));
  REQUIRE(again.has_value());
  CHECK(*again == e);
}

TEST_CASE("a variant prints the alternative it holds on one line, secrets redacted") {
  email_address e{"idn_1", ticket{"a\nb", clerk::secret("tok_live_1")}, {}, {}};
  std::ostringstream os;
  clerk::print(os, e);
  CHECK(os.str() ==
        "email_address{id=idn_1, verification=ticket{status=a\\nb, token=[redacted]}, "
        "history=[], by_channel={}}");
  e.verification_ = clerk::raw_json(R"({"object":"x","key":"sk_live_abcdefghijklmnop1234"})");
  std::ostringstream raw;
  clerk::print(raw, e);
  CHECK(raw.str().find("sk_live_abcdefghijklmnop1234") == std::string::npos);
  CHECK(raw.str().find("[redacted]") != std::string::npos);
  e.verification_.reset();
  std::ostringstream none;
  clerk::print(none, e);
  CHECK(none.str() == "email_address{id=idn_1, verification=(none), history=[], by_channel={}}");
}

TEST_CASE("a request writes the alternative held and checks its fields by path") {
  update_email_address op{"idn_1",
                          otp{"verified", std::nullopt, {}},
                          {ticket{"x", std::nullopt}, clerk::raw_json(R"({"object":"new"})")}};
  auto r = clerk::build_request(op, clerk_test::make_config());
  REQUIRE(r.has_value());
  CHECK(r->body == R"({"verification":{"object":"verification_otp","status":"verified",)"
                   R"("channels":[]},"history":[{"status":"x","object":"verification_ticket"},)"
                   R"({"object":"new"}]})");
  auto refusal = [](const update_email_address& o) {
    auto b = clerk::build_request(o, clerk_test::make_config());
    REQUIRE(b.has_error());
    REQUIRE(b.error().as_invalid_request() != nullptr);
    return b.error().as_invalid_request()->field + ": " + b.error().as_invalid_request()->reason;
  };
  CHECK(refusal({"idn_1", otp{"", std::nullopt, {}}, {}}) ==
        "verification.status: must not be empty");
  CHECK(refusal({"idn_1", std::nullopt, {otp{"v", 1, {}}, ticket{"bad\x01", std::nullopt}}}) ==
        "history[1].status: must not contain control characters");
  CHECK(refusal({"idn_1", clerk::raw_json("[1]"), {}}) ==
        "verification: must be the text of a JSON object");
  CHECK(refusal({"idn_1", clerk::raw_json(R"({"a":1,"a":2})"), {}})
            .starts_with("verification: must not repeat a member name"));
}

TEST_CASE("variants compare by the alternative held and its value") {
  CHECK(verification(otp{"v", 1, {}}) == verification(otp{"v", 1, {}}));
  CHECK(verification(otp{"v", 1, {}}) != verification(otp{"v", 2, {}}));
  CHECK(verification(otp{}) != verification(ticket{}));
  CHECK(verification(clerk::raw_json("{}")) != verification(clerk::raw_json(R"({"a":1})")));
}

TEST_CASE("a problem inside a raw_json field's value names the field") {
  clerk::response_limits lim;
  lim.max_string_bytes = 8;
  auto r = clerk::parse_response(
      get_metadata{}, clerk_test::json_response(200, R"({"metadata":{"a":["0123456789"]}})"), lim);
  REQUIRE(r.has_error());
  CHECK(r.error().as_unexpected_response()->problem ==
        "a string in field \"metadata\" is longer than the limit of 8 bytes");
  r = clerk::parse_response(get_metadata{},
                            clerk_test::json_response(200, R"({"metadata":{"a":1,"a":2}})"), lim);
  REQUIRE(r.has_error());
  CHECK(r.error().as_unexpected_response()->problem == "duplicate key \"a\" in field \"metadata\"");
}

}  // namespace variant_test
