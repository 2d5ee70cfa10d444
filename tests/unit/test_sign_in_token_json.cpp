#include <clerk/sign_in_token_json.hpp>

#include "support.hpp"

#include <clerk/sign_in_tokens.hpp>

#include <boost/json/serialize.hpp>

TEST_CASE("to_json gives back what Clerk sent, so parsing it again gives the same token") {
  auto parsed =
      clerk::parse_response(clerk::create_sign_in_token{.user_id = "u"},
                            clerk_test::json_response(200, clerk_test::sample_token_json()));
  REQUIRE(parsed.has_value());
  auto o = clerk::to_json(*parsed);
  CHECK(o.at("id").as_string() == "sit_2abcDEF");
  CHECK(o.at("token").as_string() == clerk_test::sample_jwt);
  CHECK(o.at("created_at").as_int64() == 1719952616214);
  auto again = clerk::parse_response(clerk::create_sign_in_token{.user_id = "u"},
                                     clerk_test::json_response(200, boost::json::serialize(o)));
  REQUIRE(again.has_value());
  CHECK(*again == *parsed);
}

TEST_CASE("to_json leaves out token and url when the token has none") {
  clerk::sign_in_token t;
  t.object = "sign_in_token";
  t.id = "sit_1";
  t.status = clerk::sign_in_token_status("revoked");
  auto o = clerk::to_json(t);
  CHECK_FALSE(o.contains("token"));
  CHECK_FALSE(o.contains("url"));
  CHECK(o.at("status").as_string() == "revoked");
}
