// clerk::decl::json_array_body: a request whose body is a bare JSON array
// (Clerk's bulk endpoints), and at_least/at_most on an array's length.
#include <clerk/operation.hpp>

#include "support.hpp"

#include <optional>
#include <string>
#include <vector>

namespace array_body {

struct invite {
  std::string email_address;
  std::optional<std::string> redirect_url;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("invite", field("email_address", &invite::email_address),
                 field("redirect_url", &invite::redirect_url));
  }
  friend bool operator==(const invite&, const invite&) = default;
};

struct answer {
  std::string id;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("answer", field("id", &answer::id));
  }
};

// POST /invitations/bulk: 1 to 10 invitations, the body a bare array.
struct invite_many {
  std::vector<invite> invitations;
  using response_type = std::vector<answer>;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(
        clerk::http_method::post, path("/invitations/bulk"),
        json_array_body(field("invitations", &invite_many::invitations, at_least(1), at_most(10))));
  }
};

// An array of scalars with an upper bound only, in a JSON object body.
struct tag_things {
  std::vector<std::string> tags;
  using response_type = answer;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::post, path("/things"),
                    json_body(field("tags", &tag_things::tags, at_most(2))));
  }
};

}  // namespace array_body

TEST_CASE("a json_array_body is the member's array, written bare with a JSON content type") {
  array_body::invite_many op{
      {{"a@example.com", std::nullopt}, {"b@example.com", "https://x.test"}}};
  auto r = clerk::build_request(op, clerk_test::make_config());
  REQUIRE_MESSAGE(r.has_value(), r.error().message());
  CHECK(r->method == clerk::http_method::post);
  CHECK(r->url == "https://api.clerk.com/v1/invitations/bulk");
  CHECK(r->headers.find("Content-Type") == "application/json");
  CHECK(r->body == R"([{"email_address":"a@example.com"},)"
                   R"({"email_address":"b@example.com","redirect_url":"https://x.test"}])");
}

TEST_CASE("an array body's elements are checked, named by their index") {
  array_body::invite_many op{{{"a@example.com", std::nullopt}, {"", std::nullopt}}};
  auto r = clerk::build_request(op, clerk_test::make_config());
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_invalid_request() != nullptr);
  CHECK(r.error().as_invalid_request()->field == "invitations[1].email_address");
}

TEST_CASE("an array's length is refused below at_least and above at_most, nothing built") {
  array_body::invite_many none{};
  auto r = clerk::build_request(none, clerk_test::make_config());
  REQUIRE(r.has_error());
  CHECK(r.error().as_invalid_request()->field == "invitations");
  CHECK(r.error().as_invalid_request()->reason == "must hold at least 1 element");

  array_body::invite_many eleven{std::vector<array_body::invite>(11, {"a@example.com", {}})};
  r = clerk::build_request(eleven, clerk_test::make_config());
  REQUIRE(r.has_error());
  CHECK(r.error().as_invalid_request()->reason == "must hold at most 10 elements");

  array_body::invite_many ten{std::vector<array_body::invite>(10, {"a@example.com", {}})};
  CHECK(clerk::build_request(ten, clerk_test::make_config()).has_value());

  array_body::tag_things three{{"a", "b", "c"}};
  r = clerk::build_request(three, clerk_test::make_config());
  REQUIRE(r.has_error());
  CHECK(r.error().as_invalid_request()->field == "tags");
  CHECK(r.error().as_invalid_request()->reason == "must hold at most 2 elements");
  array_body::tag_things two{{"a", "b"}};
  auto ok = clerk::build_request(two, clerk_test::make_config());
  REQUIRE(ok.has_value());
  CHECK(ok->body == R"({"tags":["a","b"]})");
}

TEST_CASE("an answer to an array body is read as declared") {
  array_body::invite_many op{{{"a@example.com", std::nullopt}}};
  auto parsed = clerk::parse_response(
      op, clerk_test::json_response(200, R"([{"id":"inv_1"},{"id":"inv_2"}])"),
      clerk::response_limits{});
  REQUIRE_MESSAGE(parsed.has_value(), parsed.error().message());
  REQUIRE(parsed->size() == 2);
  CHECK((*parsed)[1].id == "inv_2");
}
