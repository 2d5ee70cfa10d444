// Walking a list (<clerk/pages.hpp>): the three answer shapes Clerk's list
// operations use, offset and cursor paging, where a walk stops, limits
// refused before sending, retries and errors through the client, and one
// page held at a time. The operations are declared here as the generator
// declares them; a fake list server answers from the request's query.
#include <clerk/pages.hpp>

#include "support.hpp"

#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/client.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <vector>

using namespace std::chrono_literals;

namespace pages_test {

// Counts the items alive, to see that a walk holds one page.
struct tracked {
  static inline int alive = 0;
  std::string text;
  tracked() { ++alive; }
  tracked(const tracked& o) : text(o.text) { ++alive; }
  tracked& operator=(const tracked&) = default;
  ~tracked() { --alive; }
  friend bool operator==(const tracked&, const tracked&) = default;
};

}  // namespace pages_test

template <>
struct clerk::decl::json_kind<pages_test::tracked> {
  using json = std::string;
  static std::string to_json(const pages_test::tracked& t) { return t.text; }
  static bool from_json(std::string&& s, pages_test::tracked& t) {
    t.text = std::move(s);
    return true;
  }
};

namespace pages_test {

struct user {
  std::string id;
  tracked name;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("user", constant("object", "user"), field("id", &user::id, non_empty),
                 field("name", &user::name));
  }
};

// GET /users, as GetUserList: a bare array, limit/offset, a cursor.
struct get_user_list {
  std::optional<std::int64_t> limit{};
  std::optional<std::int64_t> offset{};
  std::optional<std::string> starting_after{};
  std::optional<std::string> order_by{};
  using response_type = std::vector<user>;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = get_user_list;
    return endpoint(
        clerk::http_method::get, path("/users"),
        query(field("limit", &o::limit, at_least(1), at_most(500)),
              field("offset", &o::offset, at_least(0)), field("starting_after", &o::starting_after),
              field("order_by", &o::order_by)),
        idempotent);
  }
};

struct organization {
  std::string id;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("organization", field("id", &organization::id));
  }
};
struct organization_list {
  std::vector<organization> items;
  std::int64_t total = 0;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("organizations", field("data", &organization_list::items),
                 field("total_count", &organization_list::total));
  }
};
// GET /organizations: {data, total_count}.
struct list_organizations {
  std::optional<std::int64_t> limit{};
  std::optional<std::int64_t> offset{};
  using response_type = organization_list;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = list_organizations;
    return endpoint(clerk::http_method::get, path("/organizations"),
                    query(field("limit", &o::limit, at_least(1), at_most(500)),
                          field("offset", &o::offset, at_least(0))),
                    idempotent);
  }
};

struct m2m_token {
  std::string id;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("m2m_token", field("id", &m2m_token::id));
  }
};
struct m2m_token_list {
  std::optional<std::vector<m2m_token>> m2m_tokens;
  double total_count = 0;  // "type: number" in the document
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("m2m_tokens", field("m2m_tokens", &m2m_token_list::m2m_tokens),
                 field("total_count", &m2m_token_list::total_count));
  }
};
// GET /m2m_tokens: {m2m_tokens, total_count}, limit 1-100 and offset as numbers.
struct list_m2m_tokens {
  std::string subject;
  std::optional<double> limit{};
  std::optional<double> offset{};
  using response_type = m2m_token_list;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = list_m2m_tokens;
    return endpoint(
        clerk::http_method::get, path("/m2m_tokens"),
        query(field("subject", &o::subject), field("limit", &o::limit, at_least(1), at_most(100)),
              field("offset", &o::offset, at_least(0))),
        idempotent);
  }
};

// A list server: `count` items, "<prefix>1" (the newest) to "<prefix>N", in
// the shape an operation answers; it pages by the request's query as Clerk
// does, capping the limit at 500 silently. `script` answers come first, one
// per request, when set.
struct list_server {
  enum class shape { bare, data, m2m } kind = shape::bare;
  int count = 0;
  std::vector<clerk::http_request> sent{};
  std::map<std::size_t, clerk::http_response> script{};  // by request number, from 0
  int tracked_alive_at_send = -1;  // tracked::alive when a request after the first came

  static std::map<std::string, std::string> query_of(const std::string& url) {
    std::map<std::string, std::string> q;
    auto at = url.find('?');
    std::string_view rest = at == std::string::npos ? "" : std::string_view(url).substr(at + 1);
    while (!rest.empty()) {
      auto amp = rest.find('&');
      auto pair = rest.substr(0, amp);
      auto eq = pair.find('=');
      q[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
      rest.remove_prefix(amp == std::string_view::npos ? rest.size() : amp + 1);
    }
    return q;
  }

  clerk::transport_result operator()(const clerk::http_request& r) {
    if (!sent.empty() && tracked_alive_at_send < 0)
      tracked_alive_at_send = tracked::alive;
    sent.push_back(r);
    if (auto s = script.find(sent.size() - 1); s != script.end())
      return s->second;
    auto q = query_of(r.url);
    int limit = q.count("limit") ? std::stoi(q["limit"]) : 10;
    limit = limit > 500 ? 500 : limit;
    int from = q.count("offset") ? std::stoi(q["offset"]) : 0;
    const std::string prefix = kind == shape::bare ? "user_" : kind == shape::data ? "org_" : "mt_";
    if (q.count("starting_after"))
      from = std::stoi(q["starting_after"].substr(prefix.size()));
    std::string items;
    for (int i = from + 1; i <= count && i <= from + limit; ++i) {
      if (!items.empty())
        items += ',';
      items += R"({"object":"user","id":")" + prefix + std::to_string(i) + R"(","name":"n"})";
    }
    const std::string total = std::to_string(count);
    return clerk_test::json_response(
        200, kind == shape::bare ? "[" + items + "]"
             : kind == shape::data
                 ? R"({"data":[)" + items + R"(],"total_count":)" + total + "}"
                 : R"({"m2m_tokens":[)" + items + R"(],"total_count":)" + total + "}");
  }
};

// The query of each request sent, without what every one of them has.
std::vector<std::string> queries(const list_server& s) {
  std::vector<std::string> out;
  for (const auto& r : s.sent) {
    auto at = r.url.find('?');
    out.push_back(at == std::string::npos ? "" : r.url.substr(at + 1));
  }
  return out;
}

// Every page of the walk, as the ids of its items; an error as "error: <message>".
template <class Client, class Op>
std::vector<std::vector<std::string>> walk(const Client& client, Op op) {
  std::vector<std::vector<std::string>> out;
  for (auto& page : clerk::pages(client, std::move(op))) {
    if (!page) {
      out.push_back({"error: " + page.error().message()});
      continue;
    }
    out.emplace_back();
    for (const auto& item : *page)
      out.back().push_back(item.id);
  }
  return out;
}

std::vector<std::string> ids(const char* prefix, int from, int to) {
  std::vector<std::string> v;
  for (int i = from; i <= to; ++i)
    v.push_back(prefix + std::to_string(i));
  return v;
}

// The retry test's waiter: records each wait, sleeps none.
struct recording_waiter {
  std::vector<std::chrono::milliseconds>* waits;
  bool wait(std::chrono::milliseconds d) const {
    waits->push_back(d);
    return true;
  }
  std::chrono::steady_clock::time_point steady_now() const { return {}; }
  std::chrono::system_clock::time_point system_now() const { return {}; }
  double jitter() const { return 0.5; }
};

// The cases, in the namespace: unity builds batch this file with others.
using clerk_test::make_config;
using server_ref = std::reference_wrapper<list_server>;

static_assert(clerk::list_operation<get_user_list>);
static_assert(clerk::list_operation<list_organizations>);
static_assert(clerk::list_operation<list_m2m_tokens>);
static_assert(!clerk::list_operation<clerk::create_sign_in_token>);
static_assert(std::is_same_v<clerk::page_of<list_organizations>, clerk::page<organization>>);
static_assert(
    std::ranges::input_range<clerk::page_range<clerk::client<server_ref>, get_user_list>>);

TEST_CASE("a bare array walks by cursor: each page after the last id, a short page the last") {
  list_server s{list_server::shape::bare, 25};
  const clerk::client client(make_config(), std::ref(s));
  auto pages = walk(client, get_user_list{.limit = 10});
  CHECK(pages == std::vector{ids("user_", 1, 10), ids("user_", 11, 20), ids("user_", 21, 25)});
  CHECK(queries(s) == std::vector<std::string>{"limit=10", "limit=10&starting_after=user_10",
                                               "limit=10&starting_after=user_20"});
}

TEST_CASE("a list of an exact number of pages ends on an empty page") {
  list_server s{list_server::shape::bare, 20};
  const clerk::client client(make_config(), std::ref(s));
  auto pages = walk(client, get_user_list{.limit = 10});
  CHECK(pages == std::vector{ids("user_", 1, 10), ids("user_", 11, 20), ids("user_", 21, 20)});
  CHECK(s.sent.size() == 3);
}

TEST_CASE("the cursor follows created_at only: another order or an offset pages by offset") {
  for (const char* order : {"created_at", "+created_at", "-created_at"}) {
    CAPTURE(order);
    list_server s{list_server::shape::bare, 15};
    const clerk::client client(make_config(), std::ref(s));
    walk(client, get_user_list{.limit = 10, .order_by = order});
    REQUIRE(s.sent.size() == 2);
    CHECK(queries(s)[1].find("starting_after=user_10") != std::string::npos);
  }
  list_server by_name{list_server::shape::bare, 15};
  const clerk::client client(make_config(), std::ref(by_name));
  auto pages = walk(client, get_user_list{.limit = 10, .order_by = "username"});
  CHECK(pages == std::vector{ids("user_", 1, 10), ids("user_", 11, 15)});
  CHECK(queries(by_name) == std::vector<std::string>{"limit=10&order_by=username",
                                                     "limit=10&offset=10&order_by=username"});
  list_server from_five{list_server::shape::bare, 22};
  const clerk::client five(make_config(), std::ref(from_five));
  pages = walk(five, get_user_list{.limit = 10, .offset = 5});
  CHECK(pages == std::vector{ids("user_", 6, 15), ids("user_", 16, 22)});
  CHECK(queries(from_five) == std::vector<std::string>{"limit=10&offset=5", "limit=10&offset=15"});
}

TEST_CASE("a caller's starting_after is where the cursor starts") {
  list_server s{list_server::shape::bare, 25};
  const clerk::client client(make_config(), std::ref(s));
  auto pages = walk(client, get_user_list{.limit = 10, .starting_after = "user_12"});
  CHECK(pages == std::vector{ids("user_", 13, 22), ids("user_", 23, 25)});
}

TEST_CASE("a {data, total_count} answer stops at total_count without asking again") {
  list_server s{list_server::shape::data, 20};
  const clerk::client client(make_config(), std::ref(s));
  auto walked = walk(client, list_organizations{.limit = 10});
  CHECK(walked == std::vector{ids("org_", 1, 10), ids("org_", 11, 20)});
  CHECK(queries(s) == std::vector<std::string>{"limit=10", "limit=10&offset=10"});
  auto range = clerk::pages(client, list_organizations{.limit = 7, .offset = 14});
  auto page = range.next();
  REQUIRE(page.has_value());
  REQUIRE(page->has_value());
  CHECK((*page)->total_count == 20);
  CHECK((*page)->size() == 6);
  CHECK_FALSE(range.next().has_value());
}

TEST_CASE("an {m2m_tokens, total_count} answer walks with number-typed limit and offset") {
  list_server s{list_server::shape::m2m, 15};
  const clerk::client client(make_config(), std::ref(s));
  auto walked = walk(client, list_m2m_tokens{.subject = "mch_1", .limit = 10});
  CHECK(walked == std::vector{ids("mt_", 1, 10), ids("mt_", 11, 15)});
  CHECK(queries(s) ==
        std::vector<std::string>{"subject=mch_1&limit=10", "subject=mch_1&limit=10&offset=10"});
}

TEST_CASE("without a limit the walk asks for Clerk's default, 10, so that it knows a short page") {
  list_server s{list_server::shape::data, 12};
  const clerk::client client(make_config(), std::ref(s));
  auto walked = walk(client, list_organizations{});
  CHECK(walked == std::vector{ids("org_", 1, 10), ids("org_", 11, 12)});
  CHECK(queries(s) == std::vector<std::string>{"limit=10", "limit=10&offset=10"});
}

TEST_CASE("a limit outside the operation's bounds is refused before anything is sent") {
  list_server s{list_server::shape::bare, 25};
  const clerk::client client(make_config(), std::ref(s));
  CHECK(
      walk(client, get_user_list{.limit = 0}) ==
      std::vector<std::vector<std::string>>{{"error: invalid request: limit: must be at least 1"}});
  CHECK(walk(client, get_user_list{.limit = 501}) ==
        std::vector<std::vector<std::string>>{
            {"error: invalid request: limit: must be at most 500"}});
  CHECK(walk(client, list_m2m_tokens{.subject = "mch_1", .limit = 101}) ==
        std::vector<std::vector<std::string>>{
            {"error: invalid request: limit: must be at most 100"}});
  CHECK(s.sent.empty());
  // At the bound, Clerk's largest page.
  list_server big{list_server::shape::bare, 600};
  const clerk::client all(make_config(), std::ref(big));
  auto walked = walk(all, get_user_list{.limit = 500});
  CHECK(walked == std::vector{ids("user_", 1, 500), ids("user_", 501, 600)});
}

TEST_CASE("a 429 is waited out by the client's policy, Retry-After first, and the walk goes on") {
  list_server s{list_server::shape::data, 15};
  auto busy = clerk_test::json_response(
      429, R"({"errors":[{"code":"too_many_requests","message":"Too many requests"}]})");
  busy.headers.add("Retry-After", "3");
  s.script[1] = busy;
  std::vector<std::chrono::milliseconds> waits;
  const clerk::client client(make_config(), std::ref(s), *clerk::retry_policy::make({}),
                             recording_waiter{&waits});
  auto walked = walk(client, list_organizations{.limit = 10});
  CHECK(walked == std::vector{ids("org_", 1, 10), ids("org_", 11, 15)});
  CHECK(waits == std::vector<std::chrono::milliseconds>{3s});
  CHECK(queries(s) ==
        std::vector<std::string>{"limit=10", "limit=10&offset=10", "limit=10&offset=10"});
}

TEST_CASE("an error ends the walk as its last value, keeping status, codes and trace id") {
  list_server s{list_server::shape::bare, 35};
  s.script[1] = clerk_test::json_response(
      422, R"({"errors":[{"code":"form_param_value_invalid","message":"bad cursor"}],)"
           R"("clerk_trace_id":"trace_7"})");
  const clerk::client client(make_config(), std::ref(s));
  std::vector<clerk::result<clerk::page<user>>> values;
  for (auto& page : clerk::pages(client, get_user_list{.limit = 10}))
    values.push_back(std::move(page));
  REQUIRE(values.size() == 2);
  CHECK(values[0].has_value());
  REQUIRE(values[1].has_error());
  const clerk::error& e = values[1].error();
  CHECK(e.kind() == clerk::error_kind::api);
  CHECK(e.http_status() == 422);
  CHECK(e.as_api()->errors.at(0).code == "form_param_value_invalid");
  CHECK(e.clerk_trace_id() == "trace_7");
  CHECK(s.sent.size() == 2);
  // So does an answer that is not a page: nothing more is asked.
  list_server odd{list_server::shape::bare, 35};
  odd.script[0] = clerk_test::json_response(200, R"({"data":[]})");
  const clerk::client odd_client(make_config(), std::ref(odd));
  auto walked = walk(odd_client, get_user_list{});
  REQUIRE(walked.size() == 1);
  CHECK(walked[0].at(0).find("body is an object, expected an array") != std::string::npos);
  CHECK(odd.sent.size() == 1);
}

TEST_CASE("next() gives the same pages one at a time, then nothing") {
  list_server s{list_server::shape::bare, 12};
  const clerk::client client(make_config(), std::ref(s));
  auto users = clerk::pages(client, get_user_list{.limit = 5});
  std::vector<std::size_t> sizes;
  while (auto page = users.next()) {
    REQUIRE(page->has_value());
    sizes.push_back((*page)->size());
  }
  CHECK(sizes == std::vector<std::size_t>{5, 5, 2});
  CHECK_FALSE(users.next().has_value());
  CHECK(s.sent.size() == 3);
}

TEST_CASE("a walk holds one page: the one before is gone when the next is asked for") {
  list_server s{list_server::shape::bare, 30};
  const clerk::client client(make_config(), std::ref(s));
  REQUIRE(tracked::alive == 0);
  int items = 0;
  for (auto& page : clerk::pages(client, get_user_list{.limit = 10})) {
    REQUIRE(page.has_value());
    CHECK(tracked::alive == static_cast<int>(page->size()));
    items += static_cast<int>(page->size());
  }
  CHECK(items == 30);
  CHECK(s.tracked_alive_at_send == 0);
  CHECK(tracked::alive == 0);
}

TEST_CASE("list_walk drives a walk without a client: the request, then what its answer says") {
  clerk::list_walk<list_organizations> w(list_organizations{.limit = 2});
  CHECK(w.request().limit == 2);
  auto first = w.read(organization_list{{{"org_1"}, {"org_2"}}, 3});
  REQUIRE(first.has_value());
  CHECK(first->total_count == 3);
  REQUIRE_FALSE(w.done());
  CHECK(w.request().offset == 2);
  auto last = w.read(organization_list{{{"org_3"}}, 3});
  REQUIRE(last.has_value());
  CHECK(w.done());
}

TEST_CASE(
    "a cursor page that did not advance ends the walk with that answer's status and trace id") {
  // A server that ignores starting_after: the same full page every time.
  list_server s{list_server::shape::bare, 0};
  std::string items;
  for (int i = 1; i <= 10; ++i)
    items += (items.empty() ? "" : ",") + std::string(R"({"object":"user","id":"user_)") +
             std::to_string(i) + R"(","name":"n"})";
  auto same = clerk_test::json_response(203, "[" + items + "]");
  same.headers.add("Clerk-Trace-Id", "trace_same");
  for (std::size_t i = 0; i < 6; ++i)
    s.script[i] = same;
  const clerk::client client(make_config(), std::ref(s));
  auto users = clerk::pages(client, get_user_list{.limit = 10});
  std::vector<clerk::result<clerk::page<user>>> values;
  while (auto page = users.next()) {
    values.push_back(std::move(*page));
    if (values.size() == 6)  // before the rule, the walk never ended
      break;
  }
  REQUIRE(values.size() == 2);
  REQUIRE(values[0].has_value());
  CHECK(values[0]->size() == 10);
  REQUIRE(values[1].has_error());
  const clerk::unexpected_response* u = values[1].error().as_unexpected_response();
  REQUIRE(u != nullptr);
  CHECK(u->status == 203);
  CHECK(u->clerk_trace_id == "trace_same");
  CHECK(u->problem == R"(the page did not advance past "user_10")");
  CHECK_FALSE(users.next().has_value());
  CHECK(queries(s) == std::vector<std::string>{"limit=10", "limit=10&starting_after=user_10"});
}

TEST_CASE("list_walk ends a cursor walk at a full page whose last id is the cursor it sent") {
  clerk::list_walk<get_user_list> w(get_user_list{.limit = 2, .starting_after = "user_2"});
  auto same_page = [] {
    std::vector<user> v(2);
    v[0].id = "user_1";
    v[1].id = "user_2";
    return v;
  };
  std::optional<clerk::result<clerk::page<user>>> last;
  int reads = 0;
  while (!w.done() && reads < 5) {  // before the rule, never done
    ++reads;
    last.emplace(w.read(same_page()));
  }
  CHECK(reads == 1);
  CHECK(w.done());
  REQUIRE(last->has_error());
  REQUIRE(last->error().as_unexpected_response() != nullptr);
  CHECK(last->error().as_unexpected_response()->problem ==
        R"(the page did not advance past "user_2")");
  // A short page ending at the cursor is the last page, as any short page.
  clerk::list_walk<get_user_list> short_walk(get_user_list{.limit = 3, .starting_after = "user_2"});
  auto page = short_walk.read(same_page());
  CHECK(page.has_value());
  CHECK(short_walk.done());
  // An offset walk has no cursor to compare: the same page moves the offset on.
  clerk::list_walk<get_user_list> by_offset(get_user_list{.limit = 2, .order_by = "username"});
  CHECK(by_offset.read(same_page()).has_value());
  CHECK(by_offset.read(same_page()).has_value());
  CHECK_FALSE(by_offset.done());
  CHECK(by_offset.request().offset == 4);
}

}  // namespace pages_test
