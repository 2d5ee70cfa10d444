// README's user-declared operation, verbatim between the markers, run against
// the fake Clerk: a user adds an endpoint with public headers only.
#include <clerk/backend.hpp>
#include <clerk/fakes/fake_clerk.hpp>

#include "support.hpp"

#include <optional>
#include <string>

// README: user-declared operation (begin)
namespace my_app {

struct user {  // the fields this program needs; Clerk sends more
  std::string id;
  std::optional<std::string> first_name;
  clerk::timestamp created_at{};
  static constexpr auto describe() {
    return clerk::model("user", clerk::constant("object", "user"),
                        clerk::field("id", &user::id, clerk::non_empty),
                        clerk::field("first_name", &user::first_name),
                        clerk::field("created_at", &user::created_at));
  }
};

// GET /users/{user_id}
struct get_user {
  std::string user_id{};
  using response_type = user;
  static constexpr bool idempotent = true;
  static constexpr auto describe() {
    return clerk::endpoint(clerk::http_method::get,
                           clerk::path("/users/", clerk::param("user_id", &get_user::user_id)));
  }
};

}  // namespace my_app
// README: user-declared operation (end)

TEST_CASE("a user-declared GET /users/{user_id} runs through clerk::client against the fake") {
  clerk::fakes::fake_clerk fake;
  fake.add_user("user_2xyz");
  auto cfg =
      clerk::config::make({.secret_key = fake.secret_key(), .base_url = "http://localhost/v1"});
  REQUIRE(cfg.has_value());
  const clerk::client client(*cfg, fake);

  auto u = client.send(my_app::get_user{"user_2xyz"});
  REQUIRE_MESSAGE(u.has_value(), (u ? "" : u.error().message()));
  CHECK(u->id == "user_2xyz");
  CHECK(u->created_at == fake.now());

  auto missing = client.send(my_app::get_user{"user_nobody"});
  REQUIRE(missing.has_error());
  CHECK(missing.error().http_status() == 404);
  CHECK(missing.error().as_api()->errors.at(0).code == "resource_not_found");

  auto bad = client.send(my_app::get_user{".."});
  REQUIRE(bad.has_error());
  CHECK(bad.error().as_invalid_request()->field == "user_id");
}

TEST_CASE("the user-declared operation builds a bodiless GET with the id as one segment") {
  auto r = clerk::build_request(my_app::get_user{"user/2"}, clerk_test::make_config());
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::get);
  CHECK(r->url == "https://api.clerk.com/v1/users/user%2F2");
  CHECK(r->body.empty());
}
