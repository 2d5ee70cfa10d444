// Real Backend API operations of every shape the engine's kinds cover,
// declared here exactly as README teaches (clerk::decl, public headers only),
// sent to Prism serving Clerk's OpenAPI document: no request may break its
// rules, and every answer must parse (Prism's own answers may break the
// document's rules, a pattern or a oneOf: those are counted, not checked).
// Run twice by CTest: with Prism's static answers (the document's examples),
// and with --dynamic, where Prism makes up every answer from the schema (each
// operation sent 25 times). Each case checks in Prism's log that Prism
// received exactly the requests it sent and found none that breaks the
// document. Skips (exit 77) when the document, node or Prism is missing;
// fails instead when CI is set (cannot_run.hpp).
#include <clerk/backend.hpp>
#include <clerk/transport/curl.hpp>

#include "prism.hpp"

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bapi {

struct identification_link {
  std::string type, id;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("identification_link", field("type", &identification_link::type),
                 field("id", &identification_link::id));
  }
};

struct email_address {
  std::optional<std::string> id;
  std::string email_address;
  bool reserved = false;
  std::optional<clerk::raw_json> verification;  // one of several objects, or null
  std::vector<identification_link> linked_to;
  clerk::timestamp created_at{};
  static constexpr auto describe() {
    using namespace clerk::decl;
    using e = bapi::email_address;
    return model("email_address", field("id", &e::id), field("email_address", &e::email_address),
                 field("reserved", &e::reserved),
                 field("verification", &e::verification, present_or_null),
                 field("linked_to", &e::linked_to), field("created_at", &e::created_at));
  }
};

struct user {
  std::string id;
  std::optional<std::string> username, first_name;
  bool has_image = false;
  clerk::raw_json public_metadata;  // any members
  std::optional<clerk::raw_json> private_metadata;
  std::vector<email_address> email_addresses;
  std::optional<clerk::timestamp> last_sign_in_at;
  clerk::timestamp created_at{};
  static constexpr auto describe() {
    using namespace clerk::decl;
    using u = user;
    return model("user", constant("object", "user"), field("id", &u::id),
                 field("username", &u::username, present_or_null),
                 field("first_name", &u::first_name, present_or_null),
                 field("has_image", &u::has_image), field("public_metadata", &u::public_metadata),
                 field("private_metadata", &u::private_metadata),
                 field("email_addresses", &u::email_addresses),
                 field("last_sign_in_at", &u::last_sign_in_at, present_or_null),
                 field("created_at", &u::created_at));
  }
};

// GET /users: a bare array, array query parameters (repeated names).
struct list_users {
  std::vector<std::string> user_id, email_address;
  std::optional<std::int64_t> limit, offset;
  std::optional<std::string> order_by;
  using response_type = std::vector<user>;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = list_users;
    return endpoint(
        clerk::http_method::get, path("/users"),
        query(field("user_id", &o::user_id), field("email_address", &o::email_address),
              field("limit", &o::limit, at_least(1)), field("offset", &o::offset, at_least(0)),
              field("order_by", &o::order_by)),
        idempotent);
  }
};

struct organization {
  std::string id, name, slug;
  std::optional<std::string> image_url;
  bool has_image = false;
  std::optional<std::int64_t> members_count;
  std::int64_t max_allowed_memberships = 0;
  clerk::raw_json public_metadata;
  clerk::timestamp created_at{};
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = organization;
    return model(
        "organization", constant("object", "organization"), field("id", &o::id),
        field("name", &o::name), field("slug", &o::slug), field("image_url", &o::image_url),
        field("has_image", &o::has_image), field("members_count", &o::members_count),
        field("max_allowed_memberships", &o::max_allowed_memberships),
        field("public_metadata", &o::public_metadata), field("created_at", &o::created_at));
  }
};

struct organizations {
  std::vector<organization> data;
  std::int64_t total_count = 0;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("organizations", field("data", &organizations::data),
                 field("total_count", &organizations::total_count));
  }
};

// GET /organizations: a paginated {data, total_count}.
struct list_organizations {
  std::optional<bool> include_members_count;
  std::vector<std::string> user_id;
  std::optional<std::int64_t> limit;
  using response_type = organizations;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = list_organizations;
    return endpoint(clerk::http_method::get, path("/organizations"),
                    query(field("include_members_count", &o::include_members_count),
                          field("user_id", &o::user_id), field("limit", &o::limit, at_least(1))),
                    idempotent);
  }
};

struct deleted_object {
  std::string object;
  bool deleted = false;
  std::optional<std::string> id, slug, external_id;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using d = deleted_object;
    return model("deleted_object", field("object", &d::object), field("deleted", &d::deleted),
                 field("id", &d::id), field("slug", &d::slug),
                 field("external_id", &d::external_id));
  }
};

// DELETE /users/{user_id}: a deleted-object answer.
struct delete_user {
  std::string user_id;
  using response_type = deleted_object;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::delete_,
                    path("/users/", param("user_id", &delete_user::user_id)), idempotent);
  }
};

// PATCH /users/{user_id}/metadata: metadata of any JSON kind.
struct update_user_metadata {
  std::string user_id;
  std::optional<clerk::raw_json> public_metadata, private_metadata, unsafe_metadata;
  using response_type = user;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = update_user_metadata;
    return endpoint(clerk::http_method::patch,
                    path("/users/", param("user_id", &o::user_id), "/metadata"),
                    json_body(field("public_metadata", &o::public_metadata),
                              field("private_metadata", &o::private_metadata),
                              field("unsafe_metadata", &o::unsafe_metadata)),
                    idempotent);
  }
};

struct instance {
  std::string id, environment_type;
  std::optional<std::vector<std::string>> allowed_origins;  // an array of strings, or null
  std::optional<std::string> workspace_id;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using i = instance;
    return model("instance", constant("object", "instance"), field("id", &i::id),
                 field("environment_type", &i::environment_type),
                 field("allowed_origins", &i::allowed_origins, present_or_null),
                 field("workspace_id", &i::workspace_id, present_or_null));
  }
};

// GET /instance: an array of strings.
struct get_instance {
  using response_type = instance;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get, path("/instance"), idempotent);
  }
};

struct directory {
  std::string id, name, endpoint_url, provider;
  bool enabled = false;
  std::map<std::string, std::string> attribute_mapping;  // a map
  std::optional<std::string> api_key;
  clerk::timestamp created_at{};
  static constexpr auto describe() {
    using namespace clerk::decl;
    using d = directory;
    return model("directory", constant("object", "directory"), field("id", &d::id),
                 field("name", &d::name), field("endpoint_url", &d::endpoint_url),
                 field("provider", &d::provider), field("enabled", &d::enabled),
                 field("attribute_mapping", &d::attribute_mapping), field("api_key", &d::api_key),
                 field("created_at", &d::created_at));
  }
};

// GET /directories/{directory_id}: a string-keyed map.
struct get_directory {
  std::string directory_id;
  using response_type = directory;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get,
                    path("/directories/", param("directory_id", &get_directory::directory_id)),
                    idempotent);
  }
};

class redemption_source : public clerk::open_enum<redemption_source> {
 public:
  enum class kind { unknown, promotion, manual, promo_code };
  static constexpr std::string_view names[] = {"promotion", "manual", "promo_code"};
  using open_enum::open_enum;
};

struct discount_redemption {
  std::string id, subscription_item_id, discount_id;
  redemption_source source;
  std::optional<double> percent_off;  // a double, or null
  std::int64_t cycles_applied = 0;
  std::optional<std::int64_t> cycles_remaining;
  clerk::timestamp redeemed_at{};
  static constexpr auto describe() {
    using namespace clerk::decl;
    using d = discount_redemption;
    return model("discount_redemption", constant("object", "commerce_discount_redemption"),
                 field("id", &d::id), field("subscription_item_id", &d::subscription_item_id),
                 field("discount_id", &d::discount_id), field("source", &d::source),
                 field("percent_off", &d::percent_off), field("cycles_applied", &d::cycles_applied),
                 field("cycles_remaining", &d::cycles_remaining, present_or_null),
                 field("redeemed_at", &d::redeemed_at));
  }
};

// POST /billing/subscription_items/{subscription_item_id}/discounts: a double.
struct apply_discount {
  std::string subscription_item_id, discount_id;
  using response_type = discount_redemption;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = apply_discount;
    return endpoint(clerk::http_method::post,
                    path("/billing/subscription_items/",
                         param("subscription_item_id", &o::subscription_item_id), "/discounts"),
                    json_body(field("discount_id", &o::discount_id)));
  }
};

}  // namespace bapi

namespace {

namespace fs = std::filesystem;

clerk_test::prism_process prism;
std::string prism_base_url;  // http://127.0.0.1:PORT/v1
int rounds = 1;              // 25 with --dynamic

clerk::config config() {
  auto c = clerk::config::make(
      {.secret_key = "sk_test_conformance0key0prism", .base_url = prism_base_url});
  REQUIRE(c.has_value());
  return *c;
}

// Sends `op` `rounds` times: Prism must find no violation and every answer
// parses.
template <class Op>
void send_checked(const Op& op) {
  auto request = clerk::build_request(op, config());
  REQUIRE_MESSAGE(request.has_value(), request.error().message());
  for (int i = 0; i < rounds; ++i) {
    prism.count_sent();
    auto answer = clerk::curl_transport{}(*request);
    REQUIRE_MESSAGE(answer.has_value(), answer.error().message);
    INFO("Prism answered: " << answer->status << ' ' << answer->body);
    // Prism's own made-up answers break some of the document's rules (a
    // pattern, a oneOf): those are the response's; the request has none.
    auto violations = answer->headers.find("sl-violations");
    CHECK_MESSAGE((!violations || violations->find("\"request\"") == std::string_view::npos),
                  *violations);
    CHECK(answer->status == 200);
    auto parsed = clerk::parse_response(op, *answer, config());
    CHECK_MESSAGE(parsed.has_value(), (parsed ? "" : parsed.error().message()));
  }
}

// Sends each of `ops`, then checks what Prism's log says of exactly those
// requests.
template <class... Op>
void check_operations(const Op&... ops) {
  const clerk_test::prism_span span(prism);
  (send_checked(ops), ...);
  CHECK(span.sent() == sizeof...(ops) * static_cast<std::size_t>(rounds));
  span.check();
}

}  // namespace

TEST_CASE("GET /users: a bare array answer, array query parameters as repeated names") {
  check_operations(bapi::list_users{}, bapi::list_users{.user_id = {"user_1", "user_2"},
                                                        .email_address = {"a@example.com"},
                                                        .limit = 20,
                                                        .offset = 0,
                                                        .order_by = "-created_at"});
}

TEST_CASE("GET /organizations: a paginated data and total_count") {
  check_operations(bapi::list_organizations{},
                   bapi::list_organizations{true, {"user_1", "user_2"}, 5});
}

TEST_CASE("DELETE /users/{user_id}: a deleted object") {
  check_operations(bapi::delete_user{"user_1"});
}

TEST_CASE("PATCH /users/{user_id}/metadata: metadata of any JSON kind") {
  check_operations(
      bapi::update_user_metadata{"user_1", {}, {}, {}},
      bapi::update_user_metadata{
          "user_1", clerk::raw_json(R"({"plan":"pro","seats":[1,2.5,null],"flags":{"beta":true}})"),
          clerk::raw_json("{}"), clerk::raw_json(R"({"note":"line one\nline two"})")});
}

TEST_CASE("GET /instance: an array of strings, or null") {
  check_operations(bapi::get_instance{});
}

TEST_CASE("GET /directories/{directory_id}: a string-keyed map") {
  check_operations(bapi::get_directory{"dir_1"});
}

TEST_CASE("POST /billing/subscription_items/{id}/discounts: a double, an open enum") {
  check_operations(bapi::apply_discount{"csi_1", "disc_1"});
}

int main(int argc, char** argv) {
  std::vector<char*> args;
  bool dynamic = false;
  for (int i = 0; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--dynamic")
      dynamic = true;
    else
      args.push_back(argv[i]);
  }
  rounds = dynamic ? 25 : 1;
  const fs::path document =
      std::getenv("CLERK_API_DOCUMENT") ? std::getenv("CLERK_API_DOCUMENT") : CLERK_API_DOCUMENT;
  const fs::path prism_bin = fs::path(CLERK_CONFORMANCE_DIR) / "node_modules/.bin/prism";
  if (auto why = clerk_test::prism_process::missing(document, prism_bin))
    return clerk_test::cannot_run(*why + " (set CLERK_API_DOCUMENT to the document's path)");
  const fs::path work = fs::path(CLERK_CONFORMANCE_WORK_DIR) / (dynamic ? "dynamic" : "static");
  fs::create_directories(work);
  const fs::path served = work / "bapi-v1.yml";
  std::ofstream(served, std::ios::binary)
      << clerk_test::prefixed_document(clerk_test::read_file(document));
  if (!prism.start(prism_bin, served, work / "prism.log", dynamic))
    return 1;
  prism_base_url = prism.origin() + "/v1";
  std::cout << "Prism (" << (dynamic ? "dynamic" : "static") << ") serves " << served.string()
            << " at " << prism_base_url << '\n';
  doctest::Context context(static_cast<int>(args.size()), args.data());
  int result = context.run();
  prism.stop();
  // Each case judged its own requests; this is the whole log's tally.
  // Prism's own answers break the document's rules in places (a pattern, a
  // oneOf): those are counted, not checked.
  const auto all = clerk_test::verdicts_of(prism.log());
  std::cout << "Prism: " << prism.sent() << " requests sent, " << all.received << " received, "
            << all.request_violations << " request violations, " << all.refused << " refused, "
            << all.response_violations << " violations in its own answers\n";
  if (all.received != prism.sent() || all.request_violations != 0 || all.refused != 0) {
    std::cout << all.problems;
    return 1;
  }
  return result;
}
