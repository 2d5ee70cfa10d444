#include <clerk/model.hpp>

#include "support.hpp"

#include <clerk/backend/sign_in_tokens.hpp>

#include <boost/json/parse.hpp>

TEST_CASE(
    "to_json_revealing_secrets gives back what Clerk sent, so parsing it again gives the "
    "same token") {
  auto parsed = clerk::parse_response(
      clerk::create_sign_in_token{.user_id = "u"},
      clerk_test::json_response(200, clerk_test::sample_token_json()), clerk::response_limits{});
  REQUIRE(parsed.has_value());
  std::string text = clerk::to_json_revealing_secrets(*parsed);
  auto o = boost::json::parse(text).as_object();
  CHECK(o.at("object").as_string() == "sign_in_token");
  CHECK(o.at("id").as_string() == "sit_2abcDEF");
  CHECK(o.at("token").as_string() == clerk_test::sample_jwt);
  CHECK(o.at("created_at").as_int64() == 1719952616214);
  auto again =
      clerk::parse_response(clerk::create_sign_in_token{.user_id = "u"},
                            clerk_test::json_response(200, text), clerk::response_limits{});
  REQUIRE(again.has_value());
  CHECK(*again == *parsed);
}

TEST_CASE("to_json_revealing_secrets leaves out token and url when the token has none") {
  clerk::sign_in_token t;
  t.id = "sit_1";
  t.status = clerk::sign_in_token_status("revoked");
  auto o = boost::json::parse(clerk::to_json_revealing_secrets(t)).as_object();
  CHECK_FALSE(o.contains("token"));
  CHECK_FALSE(o.contains("url"));
  CHECK(o.at("status").as_string() == "revoked");
}
