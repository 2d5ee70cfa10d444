// clerk::decl::at_least and at_most: the document's minimum and maximum,
// checked before a request is sent and when an answer is read, for integers,
// numbers, durations and a user's integer type.
#include <clerk/operation.hpp>

#include "support.hpp"

#include <clerk/client.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bounds {

// A page size of the user's own type, an integer on the wire.
struct page_size {
  std::int64_t n = 0;
};

}  // namespace bounds

template <>
struct clerk::decl::json_kind<bounds::page_size> {
  using json = std::int64_t;
  static std::int64_t to_json(const bounds::page_size& s) { return s.n; }
  static bool from_json(std::int64_t&& j, bounds::page_size& s) {
    s.n = j;
    return true;
  }
};

namespace bounds {

struct window {
  std::int64_t limit = 0;
  std::optional<double> share;
  std::chrono::seconds ttl{};
  friend bool operator==(const window&, const window&) = default;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("window", field("limit", &window::limit, at_least(1), at_most(500)),
                 field("share", &window::share, at_least(0), at_most(1)),
                 field("ttl", &window::ttl, at_most(3600)));
  }
};

struct report {
  std::vector<window> windows;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("report", field("windows", &report::windows));
  }
};

// GET /things?limit=&share=&ttl=&size=, answered by a report.
struct list_things {
  std::optional<std::int64_t> limit{};
  std::optional<double> share{};
  std::optional<std::chrono::seconds> ttl{};
  std::optional<page_size> size{};
  using response_type = report;
  static constexpr auto describe() {
    using namespace clerk::decl;
    using o = list_things;
    return endpoint(clerk::http_method::get, path("/things"),
                    query(field("limit", &o::limit, at_least(1), at_most(500)),
                          field("share", &o::share, at_most(1)),
                          field("ttl", &o::ttl, at_least(1), at_most(1), named("time to live")),
                          field("size", &o::size, at_most(100))),
                    idempotent);
  }
};

clerk::result<clerk::http_request> build(const list_things& op) {
  return clerk::build_request(op, clerk_test::make_config());
}

std::string refusal(const list_things& op) {
  auto r = build(op);
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_invalid_request() != nullptr);
  return r.error().as_invalid_request()->field + ": " + r.error().as_invalid_request()->reason;
}

std::string problem_of(std::string windows) {
  auto r = clerk::parse_response(list_things{},
                                 clerk_test::json_response(200, R"({"windows":)" + windows + "}"),
                                 clerk_test::make_config());
  REQUIRE(r.has_error());
  REQUIRE(r.error().as_unexpected_response() != nullptr);
  return r.error().as_unexpected_response()->problem;
}

// GET /gauge, answered by a number with no bounds.
struct gauge {
  double level = 0;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return model("gauge", field("level", &gauge::level));
  }
};
struct get_gauge {
  using response_type = gauge;
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::get, path("/gauge"), idempotent);
  }
};

// The cases, in the namespace: unity builds batch this file with others.

TEST_CASE(
    "a request value at either bound is sent, one past it is refused naming field and bound") {
  auto at_bounds =
      build({.limit = 500, .share = 1.0, .ttl = std::chrono::seconds(1), .size = {{100}}});
  REQUIRE(at_bounds.has_value());
  CHECK(at_bounds->url == "https://api.clerk.com/v1/things?limit=500&share=1&ttl=1&size=100");
  CHECK(build({.limit = 1}).has_value());
  CHECK(refusal({.limit = 501}) == "limit: must be at most 500");
  CHECK(refusal({.limit = 0}) == "limit: must be at least 1");
  CHECK(refusal({.limit = INT64_MAX}) == "limit: must be at most 500");
  CHECK(refusal({.share = 1.0000001}) == "share: must be at most 1");
  CHECK(refusal({.ttl = std::chrono::seconds(2)}) == "time to live: must be at most 1 second");
  CHECK(refusal({.size = {{101}}}) == "size: must be at most 100");
}

TEST_CASE("a refused bound reaches no transport") {
  std::vector<clerk::http_request> sent;
  auto transport = [&](const clerk::http_request& r) -> clerk::transport_result {
    sent.push_back(r);
    return clerk_test::json_response(200, R"({"windows":[]})");
  };
  const clerk::client client(clerk_test::make_config(), std::ref(transport));
  auto r = client.send(list_things{.limit = 501});
  REQUIRE(r.has_error());
  CHECK(r.error().kind() == clerk::error_kind::invalid_request);
  CHECK(sent.empty());
  CHECK(client.send(list_things{.limit = 500}).has_value());
  CHECK(sent.size() == 1);
}

TEST_CASE("an answer's value above its maximum is refused naming the field's path") {
  auto ok = clerk::parse_response(
      list_things{},
      clerk_test::json_response(
          200,
          R"({"windows":[{"limit":500,"share":1,"ttl":3600},{"limit":1,"share":0,"ttl":-5}]})"),
      clerk_test::make_config());
  REQUIRE(ok.has_value());
  CHECK(ok->windows.at(0) == window{500, 1.0, std::chrono::seconds(3600)});
  CHECK(problem_of(R"([{"limit":501,"ttl":0}])") ==
        "field \"windows[0].limit\" is above its maximum of 500");
  CHECK(problem_of(R"([{"limit":5,"ttl":0},{"limit":5,"ttl":3601}])") ==
        "field \"windows[1].ttl\" is above its maximum of 3600");
  CHECK(problem_of(R"([{"limit":5,"ttl":0,"share":1.5}])") ==
        "field \"windows[0].share\" is above its maximum of 1");
  CHECK(problem_of(R"([{"limit":5,"ttl":0,"share":2}])") ==
        "field \"windows[0].share\" is above its maximum of 1");
  // Above every int64: read by the parser as an unsigned integer.
  CHECK(problem_of(R"([{"limit":5,"ttl":0,"share":18446744073709551615}])") ==
        "field \"windows[0].share\" is above its maximum of 1");
  CHECK(problem_of(R"([{"limit":0,"ttl":0}])") ==
        "field \"windows[0].limit\" is below its minimum of 1");
}

TEST_CASE("a number beyond a double's range is refused, not read as infinity") {
  const auto level = [](std::string_view text) {
    return clerk::parse_response(
        get_gauge{}, clerk_test::json_response(200, R"({"level":)" + std::string(text) + "}"),
        clerk_test::make_config());
  };
  for (std::string_view text : {"1e400", "-1e400", "2e308"}) {
    CAPTURE(text);
    auto r = level(text);
    REQUIRE(r.has_error());
    REQUIRE(r.error().as_unexpected_response() != nullptr);
    CHECK(r.error().as_unexpected_response()->problem == "field \"level\" is out of range");
  }
  CHECK(level("1.7e308").value().level == 1.7e308);
  CHECK(level("1e-400").value().level == 0);
  CHECK(problem_of(R"([{"limit":5,"ttl":0,"share":1e999}])") ==
        "field \"windows[0].share\" is out of range");
}

}  // namespace bounds
