// A user-declared operation (README: "An endpoint of your own"), run against
// the fake Clerk: a user adds an endpoint with public headers only.
#include <clerk/backend.hpp>
#include <clerk/fakes/fake_clerk.hpp>

#include "support.hpp"

#include <optional>
#include <string>
#include <vector>

namespace my_app {

struct user {  // the fields this program needs; Clerk sends more
  std::string id;
  std::optional<std::string> first_name;
  clerk::timestamp created_at{};
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("user", constant("object", "user"), field("id", &user::id, non_empty),
                 field("first_name", &user::first_name), field("created_at", &user::created_at));
  }
};

// GET /users?user_id=a&user_id=b, answered by a bare JSON array
struct list_users {
  std::vector<std::string> user_id;
  using response_type = std::vector<user>;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get, path("/users"),
                    query(field("user_id", &list_users::user_id)), idempotent);
  }
};

}  // namespace my_app

TEST_CASE("a user-declared GET /users with an array query runs through clerk::client") {
  clerk::fakes::fake_clerk fake;
  fake.add_user("user_2xyz");
  fake.add_user("user_3abc");
  fake.add_user("user_4def");
  auto cfg =
      clerk::config::make({.secret_key = fake.secret_key(), .base_url = "http://localhost/v1"});
  REQUIRE(cfg.has_value());
  const clerk::client client(*cfg, fake);

  auto some = client.send(my_app::list_users{{"user_4def", "user_2xyz", "user_nobody"}});
  REQUIRE_MESSAGE(some.has_value(), (some ? "" : some.error().message()));
  REQUIRE(some->size() == 2);
  CHECK((*some)[0].id == "user_2xyz");
  CHECK((*some)[1].id == "user_4def");
  CHECK((*some)[1].created_at == fake.now());
  CHECK_FALSE((*some)[1].first_name.has_value());

  auto all = client.send(my_app::list_users{});
  REQUIRE(all.has_value());
  CHECK(all->size() == 3);

  auto bad = client.send(my_app::list_users{{"user_2xyz", "two\nlines"}});
  REQUIRE(bad.has_error());
  CHECK(bad.error().as_invalid_request()->field == "user_id[1]");
}

TEST_CASE("the user-declared operation builds a bodiless GET repeating user_id, each encoded") {
  auto r = clerk::build_request(my_app::list_users{{"user/2", "a&b"}}, clerk_test::make_config());
  REQUIRE(r.has_value());
  CHECK(r->method == clerk::http_method::get);
  CHECK(r->url == "https://api.clerk.com/v1/users?user_id=user%2F2&user_id=a%26b");
  CHECK(r->body.empty());
  CHECK(r->replayable);
}
