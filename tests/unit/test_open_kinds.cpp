// The engine's open kinds: arrays of anything, maps, numbers, raw JSON of any
// kind, a user's own type, bare array answers, repeated query names, free
// text and null for an unset optional.
#include <clerk/backend.hpp>

#include "support.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace open_kinds {

using clerk_test::make_config;

// A strong id: a string on the wire that must start "user_".
struct user_id {
  std::string text;
  friend bool operator==(const user_id&, const user_id&) = default;
};

}  // namespace open_kinds

template <>
struct clerk::decl::json_kind<open_kinds::user_id> {
  using json = std::string;
  static std::string to_json(const open_kinds::user_id& id) { return id.text; }
  static bool from_json(std::string&& s, open_kinds::user_id& id) {
    if (!s.starts_with("user_"))
      return false;
    id.text = std::move(s);
    return true;
  }
};

namespace open_kinds {
// Strong types of the other JSON kinds: a count, a share, a switch.
struct seats {
  std::int64_t n = 0;
};
struct share {
  double v = 0;
};
struct on_off {
  bool on = false;
};
}  // namespace open_kinds

template <>
struct clerk::decl::json_kind<open_kinds::seats> {
  using json = std::int64_t;
  static std::int64_t to_json(const open_kinds::seats& s) { return s.n; }
  static bool from_json(std::int64_t&& j, open_kinds::seats& s) {
    s.n = j;
    return true;
  }
};
template <>
struct clerk::decl::json_kind<open_kinds::share> {
  using json = double;
  static double to_json(const open_kinds::share& s) { return s.v; }
  static bool from_json(double&& j, open_kinds::share& s) {
    s.v = j;
    return true;
  }
};
template <>
struct clerk::decl::json_kind<open_kinds::on_off> {
  using json = bool;
  static bool to_json(const open_kinds::on_off& s) { return s.on; }
  static bool from_json(bool&& j, open_kinds::on_off& s) {
    s.on = j;
    return true;
  }
};

namespace open_kinds {

struct email {
  std::string address;
  friend bool operator==(const email&, const email&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("email", field("address", &email::address));
  }
};

struct user {
  user_id id;
  std::vector<std::string> tags;
  std::vector<std::vector<std::int64_t>> grid;
  std::vector<email> emails;
  std::map<std::string, double> scores;
  std::map<std::string, email> by_kind;
  std::optional<double> ratio;
  clerk::raw_json metadata;
  std::optional<std::vector<user_id>> friends;
  friend bool operator==(const user&, const user&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("user", field("id", &user::id), field("tags", &user::tags),
                 field("grid", &user::grid), field("emails", &user::emails),
                 field("scores", &user::scores), field("by_kind", &user::by_kind),
                 field("ratio", &user::ratio, at_least(0)), field("metadata", &user::metadata),
                 field("friends", &user::friends));
  }
};

// GET /users?user_id=..&user_id=..: a bare JSON array answer.
struct list_users {
  std::vector<std::string> user_id;
  std::optional<std::int64_t> limit;
  using response_type = std::vector<user>;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get, path("/users"),
                    query(field("user_id", &list_users::user_id),
                          field("limit", &list_users::limit, at_least(1))),
                    idempotent);
  }
};

// PATCH /users/{user_id}/metadata: any JSON, free text, explicit nulls.
struct patch_user {
  std::string id;
  clerk::raw_json public_metadata;
  std::optional<std::string> bio;
  std::optional<std::string> username;
  std::vector<std::string> labels;
  std::map<std::string, std::string> notes;
  std::optional<double> weight;
  using response_type = user;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = patch_user;
    return endpoint(
        clerk::http_method::patch, path("/users/", param("user_id", &o::id), "/metadata"),
        json_body(field("public_metadata", &o::public_metadata), field("bio", &o::bio, free_text),
                  field("username", &o::username, present_or_null), field("labels", &o::labels),
                  field("notes", &o::notes), field("weight", &o::weight)),
        idempotent);
  }
};

const std::string full_user =
    R"({"id":"user_1","tags":["a","b"],"grid":[[1,2],[],[3]],"emails":[{"address":"x@y.z"}],)"
    R"("scores":{"math":9.5,"art":-1e-3,"zero":0},"by_kind":{"work":{"address":"w@y.z"}},)"
    R"("ratio":0.25,"metadata":[1,{"k":"v"},null],"friends":["user_2"]})";

clerk::result<user> parse_user(std::string body) {
  return clerk::parse_response(patch_user{}, clerk_test::json_response(200, std::move(body)),
                               make_config());
}
std::string problem_of(std::string body) {
  auto r = parse_user(std::move(body));
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_unexpected_response() != nullptr);
  return r.error().as_unexpected_response()->problem;
}

}  // namespace open_kinds

using namespace open_kinds;

TEST_CASE("arrays of strings and of arrays, maps, numbers and any JSON are read into their types") {
  auto u = parse_user(full_user);
  REQUIRE(u.has_value());
  CHECK(u->id.text == "user_1");
  CHECK(u->tags == std::vector<std::string>{"a", "b"});
  CHECK(u->grid == std::vector<std::vector<std::int64_t>>{{1, 2}, {}, {3}});
  CHECK(u->emails == std::vector<email>{{"x@y.z"}});
  CHECK(u->scores == std::map<std::string, double>{{"math", 9.5}, {"art", -1e-3}, {"zero", 0}});
  CHECK(u->by_kind.at("work").address == "w@y.z");
  CHECK(u->ratio == 0.25);
  CHECK(u->metadata.text() == R"([1,{"k":"v"},null])");
  REQUIRE(u->friends.has_value());
  CHECK(u->friends->at(0).text == "user_2");
}

TEST_CASE("raw_json keeps a string, a number, a boolean or null as its JSON text") {
  for (std::string v : {R"("a\"b")", "12.5e3", "true", "null", "[]", "{}"}) {
    CAPTURE(v);
    std::string body = full_user;
    body.replace(body.find(R"([1,{"k":"v"},null])"), 18, v);
    auto u = parse_user(body);
    REQUIRE(u.has_value());
    CHECK(u->metadata.text() == v);
  }
}

TEST_CASE("a model with open kinds written as JSON reads back the same") {
  auto u = parse_user(full_user);
  REQUIRE(u.has_value());
  auto again = parse_user(clerk::to_json_revealing_secrets(*u));
  REQUIRE(again.has_value());
  CHECK(*again == *u);
}

TEST_CASE("problems inside arrays and maps name the element or the key") {
  auto with = [](std::string from, std::string to) {
    std::string body = full_user;
    body.replace(body.find(from), from.size(), to);
    return problem_of(body);
  };
  CHECK(with(R"(["a","b"])", R"(["a",2])") == "field \"tags[1]\" is an integer, expected a string");
  CHECK(with("[[1,2],[],[3]]", R"([[1,2],[],[3,"x"]])") ==
        "field \"grid[2][1]\" is a string, expected an integer");
  CHECK(with(R"("math":9.5)", R"("math":"9.5")") ==
        "field \"scores.math\" is a string, expected a number");
  CHECK(with(R"("math":9.5,)", R"("math":9.5,"math":1,)") == "duplicate field \"scores.math\"");
  CHECK(with(R"({"address":"w@y.z"})", "{}") == "missing field \"by_kind.work.address\"");
  CHECK(with(R"({"math":9.5,"art":-1e-3,"zero":0})", "[1]") ==
        "field \"scores\" is an array, expected an object");
  CHECK(with(R"("ratio":0.25)", R"("ratio":-0.5)") == "field \"ratio\" is below its minimum of 0");
  CHECK(with(R"("id":"user_1")", R"("id":"org_1")") ==
        "field \"id\" holds a value its type refuses");
  CHECK(with(R"(["user_2"])", R"(["user_2","x"])") ==
        "field \"friends[1]\" holds a value its type refuses");
}

TEST_CASE("a bare JSON array answer is read, and its problems name the element") {
  auto parse = [](std::string body) {
    return clerk::parse_response(list_users{}, clerk_test::json_response(200, std::move(body)),
                                 make_config());
  };
  auto users = parse("[" + full_user + "," + full_user + "]");
  REQUIRE(users.has_value());
  REQUIRE(users->size() == 2);
  CHECK((*users)[1].tags.size() == 2);
  auto empty = parse("[]");
  REQUIRE(empty.has_value());
  CHECK(empty->empty());
  auto object = parse(R"({"data":[]})");
  REQUIRE(object.has_error());
  CHECK(object.error().as_unexpected_response()->problem == "body is an object, expected an array");
  std::string second = full_user;
  second.replace(second.find(R"("user_1")"), 8, "5");
  auto bad = parse("[" + full_user + "," + second + "]");
  REQUIRE(bad.has_error());
  CHECK(bad.error().as_unexpected_response()->problem ==
        "field \"[1].id\" is an integer, expected a string");
  // A ClerkErrors 4xx is still an api_error.
  auto refused = clerk::parse_response(
      list_users{},
      clerk_test::json_response(422, R"({"errors":[{"code":"form_param_invalid","message":"m"}]})"),
      make_config());
  REQUIRE(refused.has_error());
  REQUIRE(refused.error().as_api() != nullptr);
  CHECK(refused.error().as_api()->errors.at(0).code == "form_param_invalid");
}

TEST_CASE("every element of every array and map counts against max_array_elements") {
  clerk::response_limits lim;
  lim.max_array_elements = 5;
  auto parse = [&](std::string body) {
    return clerk::parse_response(patch_user{}, clerk_test::json_response(200, std::move(body)),
                                 lim);
  };
  CHECK(parse(full_user).has_error());  // 2 tags + 6 grid + 1 email + 3 scores + 1 + 1 friend
  lim.max_array_elements = 14;
  CHECK(parse(full_user).has_value());
  lim.max_array_elements = 13;
  auto over = parse(full_user);
  REQUIRE(over.has_error());
  CHECK(over.error().as_unexpected_response()->problem.find("beyond the limit of 13") !=
        std::string::npos);
}

TEST_CASE("an array query parameter repeats its name, in order, each value encoded") {
  auto r = clerk::build_request(list_users{{"user_1", "a&b=c", "é"}, 10}, make_config());
  REQUIRE(r.has_value());
  CHECK(r->url ==
        "https://api.clerk.com/v1/users?user_id=user_1&user_id=a%26b%3Dc&user_id=%C3%A9&limit=10");
  auto none = clerk::build_request(list_users{}, make_config());
  REQUIRE(none.has_value());
  CHECK(none->url == "https://api.clerk.com/v1/users");
  auto bad = clerk::build_request(list_users{{"ok", ""}, {}}, make_config());
  REQUIRE(bad.has_error());
  CHECK(bad.error().as_invalid_request()->field == "user_id[1]");
  CHECK(bad.error().as_invalid_request()->reason == "must not be empty");
}

TEST_CASE("a JSON body writes any JSON, maps, arrays, numbers, free text and explicit nulls") {
  patch_user p;
  p.id = "user_1";
  p.public_metadata = clerk::raw_json(R"({"plan":"pro","seats":[1,2]})");
  p.bio = "line one\nline two\twith a tab";
  p.labels = {"a", "b"};
  p.notes = {{"k\"ey", "v"}};
  p.weight = 0.1;
  auto r = clerk::build_request(p, make_config());
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::patch);
  CHECK(r->url == "https://api.clerk.com/v1/users/user_1/metadata");
  CHECK(r->body ==
        R"({"public_metadata":{"plan":"pro","seats":[1,2]},"bio":"line one\nline two\twith a tab",)"
        R"("username":null,"labels":["a","b"],"notes":{"k\"ey":"v"},"weight":0.1})");
}

TEST_CASE("free text still refuses other control characters, and other strings refuse newlines") {
  patch_user p;
  p.id = "user_1";
  p.bio = "bell\a";
  auto bell = clerk::build_request(p, make_config());
  REQUIRE(bell.has_error());
  CHECK(bell.error().as_invalid_request()->field == "bio");
  p.bio.reset();
  p.username = "two\nlines";
  auto name = clerk::build_request(p, make_config());
  REQUIRE(name.has_error());
  CHECK(name.error().as_invalid_request()->field == "username");
  CHECK(name.error().as_invalid_request()->reason == "must not contain control characters");
  p.username.reset();
  p.labels = {"ok", "tab\there"};
  auto label = clerk::build_request(p, make_config());
  REQUIRE(label.has_error());
  CHECK(label.error().as_invalid_request()->field == "labels[1]");
}

TEST_CASE("a request refuses raw JSON that is not JSON, repeats a name, or a non-finite number") {
  patch_user p;
  p.id = "user_1";
  p.public_metadata = clerk::raw_json(R"({"a":1,"a":2})");
  auto twice = clerk::build_request(p, make_config());
  REQUIRE(twice.has_error());
  CHECK(twice.error().as_invalid_request()->field == "public_metadata");
  CHECK(twice.error().as_invalid_request()->reason == "must not repeat a member name");
  p.public_metadata = clerk::raw_json("[1,");
  auto broken = clerk::build_request(p, make_config());
  REQUIRE(broken.has_error());
  CHECK(broken.error().as_invalid_request()->reason == "must be the text of one JSON value");
  // Nothing may follow the value into the body.
  for (const char* smuggled : {R"(1,"role":"admin")", R"({"a":1},"role":"admin")", "[1]]"}) {
    CAPTURE(smuggled);
    p.public_metadata = clerk::raw_json(smuggled);
    auto r = clerk::build_request(p, make_config());
    REQUIRE(r.has_error());
    CHECK(r.error().as_invalid_request()->reason == "must be the text of one JSON value");
  }
  p.public_metadata = clerk::raw_json(R"("just a string")");
  CHECK(clerk::build_request(p, make_config()).has_value());
  p.weight = std::numeric_limits<double>::infinity();
  auto inf = clerk::build_request(p, make_config());
  REQUIRE(inf.has_error());
  CHECK(inf.error().as_invalid_request()->field == "weight");
  CHECK(inf.error().as_invalid_request()->reason == "must be a finite number");
}

TEST_CASE("a user's type is written, checked and printed as its JSON kind") {
  auto u = parse_user(full_user);
  REQUIRE(u.has_value());
  std::ostringstream os;
  clerk::print(os, *u);
  CHECK(os.str().find("id=user_1") != std::string::npos);
  CHECK(os.str().find("scores={art=-0.001, math=9.5, zero=0}") != std::string::npos);
  CHECK(os.str().find("friends=[user_2]") != std::string::npos);
  CHECK(clerk::to_json_revealing_secrets(*u).starts_with(R"({"id":"user_1","tags":["a","b"])"));
}

TEST_CASE("a map key with a newline prints on one line") {
  auto u = parse_user(full_user);
  REQUIRE(u.has_value());
  u->scores = {{"a\nb", 1}};
  std::ostringstream os;
  clerk::print(os, *u);
  CHECK(os.str().find('\n') == std::string::npos);
  CHECK(os.str().find("a\\nb=1") != std::string::npos);
}

namespace open_kinds {

// DELETE /webhooks/svix: 204, no body.
struct delete_webhook {
  using response_type = clerk::no_content;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::delete_, path("/webhooks/svix"), idempotent);
  }
};

// GET /oauth/authorize: a redirect, space-separated scopes, an Origin header.
struct authorize {
  std::vector<std::string> scope;
  std::vector<std::string> prompt;
  std::optional<std::string> origin;
  std::optional<std::int64_t> attempt;
  using response_type = clerk::http_response;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = authorize;
    return endpoint(clerk::http_method::get, path("/oauth/authorize"),
                    query(field("scope", &o::scope, space_separated),
                          field("prompt", &o::prompt, comma_separated)),
                    headers(field("Origin", &o::origin), field("X-Attempt", &o::attempt)),
                    idempotent);
  }
};

// POST /grants: a user's types of every JSON kind in a query, a form body
// and request headers.
struct grant {
  user_id owner;
  seats count;
  share part;
  on_off notify;
  user_id on_behalf;
  seats attempt;
  using response_type = clerk::no_content;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = grant;
    return endpoint(clerk::http_method::post, path("/grants"),
                    query(field("owner", &o::owner), field("seats", &o::count, at_least(1))),
                    form_body(field("part", &o::part), field("notify", &o::notify)),
                    headers(field("X-On-Behalf", &o::on_behalf), field("X-Attempt", &o::attempt)));
  }
};

}  // namespace open_kinds

TEST_CASE("a no-content answer is any 2xx, and an error status is still an error") {
  for (int status : {200, 202, 204}) {
    clerk::http_response r;
    r.status = status;
    CHECK(clerk::parse_response(delete_webhook{}, r, make_config()).has_value());
  }
  auto refused = clerk::parse_response(
      delete_webhook{},
      clerk_test::json_response(404, R"({"errors":[{"code":"resource_not_found","message":"m"}]})"),
      make_config());
  REQUIRE(refused.has_error());
  CHECK(refused.error().http_status() == 404);
  CHECK(refused.error().as_api()->errors.at(0).code == "resource_not_found");
  clerk::http_response moved;
  moved.status = 302;
  CHECK(clerk::parse_response(delete_webhook{}, moved, make_config()).has_error());
  auto r = clerk::build_request(delete_webhook{}, make_config());
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::delete_);
  CHECK(r->body.empty());
}

TEST_CASE("an http_response answer is a 2xx or 3xx as it came; a 4xx is an error") {
  clerk::http_response moved;
  moved.status = 302;
  moved.headers.add("Location", "https://app.example.com/cb?code=1");
  auto a = clerk::parse_response(authorize{}, moved, make_config());
  REQUIRE(a.has_value());
  CHECK(a->status == 302);
  CHECK(a->headers.find("location") == "https://app.example.com/cb?code=1");
  auto html = clerk_test::response(200, "text/html", "<html></html>");
  auto page = clerk::parse_response(authorize{}, html, make_config());
  REQUIRE(page.has_value());
  CHECK(page->body == "<html></html>");
  auto bad = clerk::parse_response(authorize{}, clerk_test::response(400, "text/html", "no"),
                                   make_config());
  REQUIRE(bad.has_error());
  CHECK(bad.error().http_status() == 400);
}

TEST_CASE("joined query arrays and declared request headers are sent as declared") {
  auto r = clerk::build_request(
      authorize{{"openid", "email"}, {"login", "consent"}, "https://app.example.com", 2},
      make_config());
  REQUIRE(r.has_value());
  CHECK(r->url ==
        "https://api.clerk.com/v1/oauth/authorize?scope=openid%20email&prompt=login,consent");
  CHECK(r->headers.find("Origin") == "https://app.example.com");
  CHECK(r->headers.find("X-Attempt") == "2");
  auto none = clerk::build_request(authorize{}, make_config());
  REQUIRE(none.has_value());
  CHECK_FALSE(none->headers.find("Origin").has_value());
  CHECK(none->url == "https://api.clerk.com/v1/oauth/authorize");
  auto crlf = clerk::build_request(authorize{{}, {}, "a\r\nX-Evil: 1", {}}, make_config());
  REQUIRE(crlf.has_error());
  CHECK(crlf.error().as_invalid_request()->field == "Origin");
  auto utf8 = clerk::build_request(authorize{{}, {}, "https://é.example", {}}, make_config());
  REQUIRE(utf8.has_error());
  CHECK(utf8.error().as_invalid_request()->reason == "must be ASCII (a header value)");
}

namespace open_kinds {
struct counters {
  std::unordered_map<std::string, std::int64_t> counts;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("counters", field("counts", &counters::counts));
  }
};
struct get_counters {
  using response_type = counters;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get, path("/counters"), idempotent);
  }
};
}  // namespace open_kinds

TEST_CASE("any string-keyed map with find and operator[] is a map kind") {
  auto r = clerk::parse_response(get_counters{},
                                 clerk_test::json_response(200, R"({"counts":{"a":1,"b":-2}})"),
                                 make_config());
  REQUIRE(r.has_value());
  CHECK(r->counts.size() == 2);
  CHECK(r->counts.at("b") == -2);
  auto twice = clerk::parse_response(
      get_counters{}, clerk_test::json_response(200, R"({"counts":{"a":1,"a":2}})"), make_config());
  REQUIRE(twice.has_error());
  CHECK(twice.error().as_unexpected_response()->problem == "duplicate field \"counts.a\"");
}

TEST_CASE("a user's types go into a query, a form and headers as their JSON kinds, checked") {
  const grant g{{"user_7"}, {3}, {0.5}, {true}, {"user_9"}, {2}};
  auto r = clerk::build_request(g, make_config());
  REQUIRE(r.has_value());
  CHECK(r->url == "https://api.clerk.com/v1/grants?owner=user_7&seats=3");
  CHECK(r->body == "part=0.5&notify=true");
  CHECK(r->headers.find("X-On-Behalf") == "user_9");
  CHECK(r->headers.find("X-Attempt") == "2");

  auto refused = [](const grant& bad) {
    auto e = clerk::build_request(bad, make_config());
    REQUIRE(e.has_error());
    REQUIRE(e.error().as_invalid_request() != nullptr);
    return std::pair(e.error().as_invalid_request()->field, e.error().as_invalid_request()->reason);
  };
  grant few = g;
  few.count.n = 0;
  CHECK(refused(few) == std::pair<std::string, std::string>("seats", "must be at least 1"));
  grant nan = g;
  nan.part.v = std::numeric_limits<double>::quiet_NaN();
  CHECK(refused(nan) == std::pair<std::string, std::string>("part", "must be a finite number"));
  grant split = g;
  split.owner.text = "user_7\nX: 1";
  CHECK(refused(split).first == "owner");
  grant header = g;
  header.on_behalf.text = "user_\r\n9";
  CHECK(refused(header).first == "X-On-Behalf");
}
