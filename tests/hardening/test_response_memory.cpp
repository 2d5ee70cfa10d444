// What parsing a hostile answer costs in heap: this binary replaces the global
// operator new and delete to keep the bytes live and their peak, which is why
// it is a program of its own (CTest: hardening_memory). Each body is as large
// as the default body limit (1 MiB) and shaped to make the parser build as
// much as it can; response_limits' comment (config.hpp) quotes the figures.
// Not built to count under ThreadSanitizer, whose runtime owns operator new.
#include <clerk/backend/actor_tokens.hpp>
#include <clerk/backend/users.hpp>
#include <clerk/frontend/operations.hpp>
#include <clerk/model.hpp>
#include <clerk/operation.hpp>

#include "support.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#define CLERK_MEMORY_COUNTS 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CLERK_MEMORY_COUNTS 0
#endif
#endif
#ifndef CLERK_MEMORY_COUNTS
#define CLERK_MEMORY_COUNTS 1
#endif

namespace {

std::size_t live = 0, peak = 0;

}  // namespace

#if CLERK_MEMORY_COUNTS
// Each block carries its size in front, so that delete can subtract it.
// 16 bytes keep the block aligned for anything operator new must serve.
void* operator new(std::size_t n) {
  auto* p = static_cast<std::size_t*>(std::malloc(n + 16));
  if (p == nullptr)
    throw std::bad_alloc();
  *p = n;
  live += n;
  peak = live > peak ? live : peak;
  return reinterpret_cast<char*>(p) + 16;
}
void operator delete(void* p) noexcept {
  if (p == nullptr)
    return;
  auto* q = reinterpret_cast<std::size_t*>(static_cast<char*>(p) - 16);
  live -= *q;
  std::free(q);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}
#endif

namespace {

constexpr std::size_t one_mib = std::size_t{1} << 20;

// `head`, then `item` repeated (comma-separated), then `tail`: one body of
// about the default body limit.
clerk::http_response hostile(const std::string& head, const std::string& item,
                             const std::string& tail) {
  std::string body = head + item;
  while (body.size() + 1 + item.size() + tail.size() <= one_mib)
    body += ',' + item;
  body += tail;
  return clerk_test::json_response(200, std::move(body));
}

// The heap the parse of `r` held at its peak, the result included, as a
// multiple of the body's size; `problem` gets the error's problem, if any.
template <class Op>
double peak_multiple(const Op& op, const clerk::http_response& r, std::string& problem) {
  const std::size_t before = live;
  peak = live;
  {
    auto res = clerk::parse_response(op, r, clerk::response_limits{});
    problem = res ? std::string() : res.error().as_unexpected_response()->problem;
  }
  double multiple = static_cast<double>(peak - before) / static_cast<double>(r.body.size());
  std::printf("%-60.60s %6.2fx\n", problem.empty() ? "(parsed)" : problem.c_str(), multiple);
  return multiple;
}

// A Backend list answer a user may declare: a big array of small models.
struct user {
  std::string id;
  std::optional<std::string> first_name, last_name, username, image_url;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("user", field("id", &user::id, non_empty), field("first_name", &user::first_name),
                 field("last_name", &user::last_name), field("username", &user::username),
                 field("image_url", &user::image_url));
  }
};
struct user_list {
  std::vector<user> data;
  std::int64_t total_count = 0;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("user_list", field("data", &user_list::data),
                 field("total_count", &user_list::total_count));
  }
};
struct list_users {
  using response_type = user_list;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get, path("/users"), idempotent);
  }
};

// A model of variants: each verification's object is captured as text and
// read again into the alternative it names.
struct otp {
  std::string status;
  std::vector<std::string> channels;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("otp", constant("object", "verification_otp"), field("status", &otp::status),
                 field("channels", &otp::channels, absent_in_response));
  }
};
struct link {
  std::string status;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("link", constant("object", "verification_link"), field("status", &link::status));
  }
};
using verification = std::variant<otp, link, clerk::raw_json>;
struct email_address {
  std::string id;
  std::optional<verification> current;
  std::vector<verification> history;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("email_address", field("id", &email_address::id),
                 field("verification", &email_address::current),
                 field("history", &email_address::history, absent_in_response));
  }
};
struct get_email_address {
  using response_type = email_address;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get, path("/email_addresses/e"), idempotent);
  }
};

constexpr bool counting = CLERK_MEMORY_COUNTS;

}  // namespace

TEST_CASE("1 MiB of empty sessions in a read_client answer costs a small part of itself" *
          doctest::skip(!counting)) {
  auto r = hostile(R"({"response":{"id":"c","sessions":[)", "{}", R"(]},"client":null})");
  std::string problem;
  CHECK(peak_multiple(clerk::frontend::read_client{}, r, problem) < 0.1);
  CHECK(problem == "missing field \"response.sessions[0].id\"");
}

TEST_CASE("1 MiB of valid sessions stops at the element budget, costing under 4 times itself" *
          doctest::skip(!counting)) {
  auto r = hostile(R"({"response":{"id":"c","sessions":[)", R"({"id":"s","status":"active"})",
                   R"(]},"client":null})");
  std::string problem;
  CHECK(peak_multiple(clerk::frontend::read_client{}, r, problem) < 4);
  CHECK(problem == "field \"response.sessions[8192]\" is beyond the limit of 8192 array elements");
}

TEST_CASE("a Backend list of 1 MiB of small models costs under 4 times itself" *
          doctest::skip(!counting)) {
  std::string problem;
  CHECK(peak_multiple(list_users{}, hostile(R"({"data":[)", R"({"id":"u"})", "]}"), problem) < 4);
  CHECK(problem == "field \"data[8192]\" is beyond the limit of 8192 array elements");
  // A problem in the first element: nothing after it is built.
  CHECK(peak_multiple(list_users{}, hostile(R"({"data":[)", R"({"id":""})", "]}"), problem) < 0.1);
  CHECK(problem == "field \"data[0].id\" is empty");
}

TEST_CASE("a 1 MiB error body of many values is not built, costing a small part of itself" *
          doctest::skip(!counting)) {
  auto r = hostile(R"({"errors":[)", "0", "]}");
  r.status = 422;
  std::string problem;
  CHECK(peak_multiple(clerk::frontend::read_client{}, r, problem) < 0.5);
  CHECK(problem == "error status without a ClerkErrors body");
}

TEST_CASE("1 MiB of actor claims, kept as text, costs under 6 times itself" *
          doctest::skip(!counting)) {
  const std::string head =
      R"({"object":"actor_token","id":"act_1","status":"pending","user_id":"u","token":"t",)"
      R"("url":"https://x/?ticket=t","created_at":1,"updated_at":1,"actor":{"sub":"s","x":[)";
  std::string problem;
  CHECK(peak_multiple(clerk::create_actor_token{}, hostile(head, "{}", "]}}"), problem) < 6);
  CHECK(problem.empty());
}

TEST_CASE("an actor of 1 MiB of distinct short claims costs under 6 times itself" *
          doctest::skip(!counting)) {
  std::string body =
      R"({"object":"actor_token","id":"act_1","status":"pending","user_id":"u","token":"t",)"
      R"("url":"https://x/?ticket=t","created_at":1,"updated_at":1,"actor":{"sub":"s")";
  for (int i = 0; body.size() + 16 < one_mib; ++i)
    body += ",\"" + std::to_string(i) + "\":0";
  body += "}}";
  std::string problem;
  CHECK(peak_multiple(clerk::create_actor_token{}, clerk_test::json_response(200, body), problem) <
        6);
  CHECK(problem.empty());
}

// Every member name of a captured object is kept until the object closes,
// where repeats are found: empty names are the most names a body can hold.
TEST_CASE("1 MiB of empty member names in captured JSON costs under 6 times itself" *
          doctest::skip(!counting)) {
  std::string problem;
  const std::string user = R"({"object":"user","id":"user_1","public_metadata":{)";
  const clerk::backend::get_user get_user{.user_id = "u"};
  CHECK(peak_multiple(get_user, hostile(user, R"("":0)", "}}"), problem) < 6);
  CHECK(problem == "duplicate key \"\" in field \"public_metadata\"");
  CHECK(peak_multiple(get_user, hostile(user, R"("":{})", "}}"), problem) < 6);
  CHECK(problem == "duplicate key \"\" in field \"public_metadata\"");
  const std::string actor =
      R"({"object":"actor_token","id":"act_1","status":"pending","user_id":"u","token":"t",)"
      R"("url":"https://x/?ticket=t","created_at":1,"updated_at":1,"actor":{"sub":"s",)";
  CHECK(peak_multiple(clerk::create_actor_token{}, hostile(actor, R"("":0)", "}}"), problem) < 6);
  CHECK(problem == "duplicate field \"actor.\"");
  CHECK(peak_multiple(clerk::create_actor_token{}, hostile(actor, R"("":{})", "}}"), problem) < 6);
  CHECK(problem == "duplicate field \"actor.\"");
}

TEST_CASE("1 MiB of small verifications stops at the element budget, costing under 2 times itself" *
          doctest::skip(!counting)) {
  std::string problem;
  auto r =
      hostile(R"({"id":"e","history":[)", R"({"object":"verification_otp","status":"v"})", "]}");
  CHECK(peak_multiple(get_email_address{}, r, problem) < 2);
  CHECK(problem == "field \"history[8192]\" is beyond the limit of 8192 array elements");
}

TEST_CASE("a verification of 1 MiB, read twice into its alternative, costs under 4 times itself" *
          doctest::skip(!counting)) {
  std::string problem;
  const std::string head = R"({"id":"e","verification":{"object":"verification_otp","status":"v",)"
                           R"("channels":[)";
  auto r = hostile(head, '"' + std::string(200, 'c') + '"', "]}}");
  CHECK(peak_multiple(get_email_address{}, r, problem) < 4);
  CHECK(problem.empty());
}

TEST_CASE("a verification of 1 MiB of an unknown kind, kept whole, costs under 4 times itself" *
          doctest::skip(!counting)) {
  std::string problem;
  auto r =
      hostile(R"({"id":"e","verification":{"object":"verification_passkey","x":[)", "{}", "]}}");
  CHECK(peak_multiple(get_email_address{}, r, problem) < 4);
  CHECK(problem.empty());
}
