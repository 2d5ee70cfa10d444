// The benchmark suite of issues 6 and 26: what a create or revoke of a
// sign-in token, a create of an actor token and a get_user cost in CPU time and allocations, each
// figure beside the floor (floor.hpp) measured in the same binary. Prints the
// benchmark library's report on stderr and, on stdout, Markdown tables: per
// operation ns/op, ratio to the floor, allocations/op; then the thread
// scaling of the full create call.
//
// --trace_allocations: instead of timing, prints the size of every
// allocation one call of each operation makes.
// --thread_scaling [CALLS]: instead, the full create call on 1 and 2 plain
// std::threads (CALLS calls per thread a round, default 300000).
// --profile OPERATION CALLS (e.g. --profile clerk/call_create 100000): runs
// one operation in a bare loop, for valgrind --tool=callgrind or perf.
#include "alloc_count.hpp"
#include "fixtures.hpp"
#include "floor.hpp"

#include <clerk/backend.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace fx = clerk_bench::fixture;

// What each thread works on is its own: the responses a transport hands over
// and the operations a caller passes. One copy shared by the benchmark's
// threads would measure cache traffic on the fixture rather than the library
// (it cut the 2-thread speed-up of the create call to about 1.3 here). The
// client and its config are what the threads share.
const clerk::http_response& create_response() {
  thread_local const clerk::http_response r = fx::response(200, fx::create_response_body());
  return r;
}
const clerk::http_response& revoke_response() {
  thread_local const clerk::http_response r = fx::response(200, fx::revoke_response_body());
  return r;
}
const clerk::http_response& error_response() {
  thread_local const clerk::http_response r = fx::response(422, fx::error_response_body());
  return r;
}
const clerk::http_response& create_actor_response() {
  thread_local const clerk::http_response r = fx::response(200, fx::create_actor_response_body());
  return r;
}
const clerk::http_response& get_user_response() {
  thread_local const clerk::http_response r = fx::response(200, fx::user_response_body());
  return r;
}

const clerk::create_sign_in_token& create_op() {
  thread_local const clerk::create_sign_in_token op{
      .user_id = std::string(fx::user_id),
      .org_id = std::string(fx::org_id),
      .expires_in_seconds = fx::expires_in,
  };
  return op;
}
const clerk::revoke_sign_in_token& revoke_op() {
  thread_local const clerk::revoke_sign_in_token op{.sign_in_token_id = std::string(fx::token_id)};
  return op;
}
const clerk::create_actor_token& create_actor_op() {
  thread_local const clerk::create_actor_token op{
      .user_id = std::string(fx::user_id),
      .actor = {.sub = std::string(fx::actor_sub),
                .other_claims = clerk::raw_json(std::string(fx::actor_other_claims))},
      .expires_in_seconds = fx::actor_expires_in,
      .session_max_duration_in_seconds = fx::actor_session_max_duration,
  };
  return op;
}

const clerk::backend::get_user& get_user_op() {
  thread_local const clerk::backend::get_user op{.user_id = std::string(fx::user_id)};
  return op;
}

// The transport of every full call: answers with a copy of a canned
// response, as an in-memory HTTP stack would hand over what it received.
struct canned_transport {
  const clerk::http_response& (*response)();
  clerk::transport_result operator()(const clerk::http_request& request) const {
    benchmark::DoNotOptimize(request.body.data());
    return response();
  }
};

const clerk::config& config() {
  static const clerk::config c = [] {
    clerk::options o;
    o.secret_key = fx::secret_key;
    o.base_url = fx::base_url;
    return *clerk::config::make(std::move(o));
  }();
  return c;
}

const clerk_bench::floor::config& floor_config() {
  static const clerk_bench::floor::config c{
      std::string(fx::base_url), "Bearer " + std::string(fx::secret_key),
      std::string(clerk::default_api_version), std::string(clerk::default_user_agent)};
  return c;
}

// One client for all threads: it holds no mutable state.
const clerk::client<canned_transport>& create_client() {
  static const clerk::client<canned_transport> c(config(), canned_transport{&create_response});
  return c;
}
const clerk::client<canned_transport>& revoke_client() {
  static const clerk::client<canned_transport> c(config(), canned_transport{&revoke_response});
  return c;
}
const clerk::client<canned_transport>& create_actor_client() {
  static const clerk::client<canned_transport> c(config(),
                                                 canned_transport{&create_actor_response});
  return c;
}
const clerk::client<canned_transport>& get_user_client() {
  static const clerk::client<canned_transport> c(config(), canned_transport{&get_user_response});
  return c;
}

// The operations, each as a callable returning what it made.
auto clerk_build_create = [] { return clerk::build_request(create_op(), config()); };
auto clerk_build_revoke = [] { return clerk::build_request(revoke_op(), config()); };
auto clerk_parse_create = [] {
  return clerk::parse_response(create_op(), create_response(), clerk::response_limits{});
};
auto clerk_parse_revoke = [] {
  return clerk::parse_response(revoke_op(), revoke_response(), clerk::response_limits{});
};
auto clerk_parse_error = [] {
  return clerk::parse_response(create_op(), error_response(), clerk::response_limits{});
};
auto clerk_call_create = [] { return create_client().send(create_op()); };
auto clerk_call_revoke = [] { return revoke_client().send(revoke_op()); };
auto clerk_build_create_actor = [] { return clerk::build_request(create_actor_op(), config()); };
auto clerk_parse_create_actor = [] {
  return clerk::parse_response(create_actor_op(), create_actor_response(),
                               clerk::response_limits{});
};
auto clerk_call_create_actor = [] { return create_actor_client().send(create_actor_op()); };
auto clerk_build_get_user = [] { return clerk::build_request(get_user_op(), config()); };
auto clerk_parse_get_user = [] {
  return clerk::parse_response(get_user_op(), get_user_response(), clerk::response_limits{});
};
auto clerk_call_get_user = [] { return get_user_client().send(get_user_op()); };

namespace fl = clerk_bench::floor;
auto floor_build_create = [] {
  return fl::build_create(floor_config(), fx::user_id, fx::org_id, fx::expires_in.count());
};
auto floor_build_revoke = [] { return fl::build_revoke(floor_config(), fx::token_id); };
auto floor_parse_create = [] { return fl::parse(create_response()); };
auto floor_parse_revoke = [] { return fl::parse(revoke_response()); };
auto floor_parse_error = [] { return fl::parse(error_response()); };
auto floor_call_create = [] {
  return fl::call(floor_build_create(), canned_transport{&create_response});
};
auto floor_call_revoke = [] {
  return fl::call(floor_build_revoke(), canned_transport{&revoke_response});
};
auto floor_build_create_actor = [] {
  return fl::build_create_actor(floor_config(), fx::user_id, fx::actor_sub, fx::actor_other_claims,
                                fx::actor_expires_in.count(),
                                fx::actor_session_max_duration.count());
};
auto floor_parse_create_actor = [] { return fl::parse_actor(create_actor_response()); };
auto floor_call_create_actor = [] {
  return fl::call<fl::actor_token>(floor_build_create_actor(),
                                   canned_transport{&create_actor_response});
};
auto floor_build_get_user = [] { return fl::build_get_user(floor_config(), fx::user_id); };
auto floor_parse_get_user = [] { return fl::parse_user(get_user_response()); };
auto floor_call_get_user = [] {
  return fl::call<fl::user>(floor_build_get_user(), canned_transport{&get_user_response});
};

// Checks: each returns what is wrong with an operation's output, or nullptr.
// A benchmark that measured a failing path would report a meaningless figure.
const char* check_create_request(const std::optional<clerk::http_request>& r) {
  if (!r)
    return "create request not built";
  if (r->url != std::string(fx::base_url) + "/sign_in_tokens")
    return "create request: wrong URL";
  if (r->body != fx::create_request_body())
    return "create request: wrong body";
  if (r->headers.find("authorization") != "Bearer " + std::string(fx::secret_key))
    return "create request: wrong Authorization";
  return nullptr;
}
const char* check_revoke_request(const std::optional<clerk::http_request>& r) {
  if (!r)
    return "revoke request not built";
  if (r->url !=
      std::string(fx::base_url) + "/sign_in_tokens/" + std::string(fx::token_id) + "/revoke")
    return "revoke request: wrong URL";
  if (!r->body.empty())
    return "revoke request: has a body";
  return nullptr;
}
const char* check_create_actor_request(const std::optional<clerk::http_request>& r) {
  if (!r)
    return "create actor token request not built";
  if (r->url != std::string(fx::base_url) + "/actor_tokens")
    return "create actor token request: wrong URL";
  if (r->body != fx::create_actor_request_body())
    return "create actor token request: wrong body";
  if (r->headers.find("authorization") != "Bearer " + std::string(fx::secret_key))
    return "create actor token request: wrong Authorization";
  return nullptr;
}
const char* check_get_user_request(const std::optional<clerk::http_request>& r) {
  if (!r)
    return "get_user request not built";
  if (r->method != clerk::http_method::get ||
      r->url != std::string(fx::base_url) + "/users/" + std::string(fx::user_id))
    return "get_user request: wrong method or URL";
  if (!r->body.empty() || !r->replayable)
    return "get_user request: has a body, or is not replayable";
  if (r->headers.find("authorization") != "Bearer " + std::string(fx::secret_key))
    return "get_user request: wrong Authorization";
  return nullptr;
}
std::optional<clerk::http_request> as_optional(clerk::result<clerk::http_request> r) {
  if (!r)
    return std::nullopt;
  return std::move(*r);
}

const char* check_token(const clerk::result<clerk::sign_in_token>& r, bool revoked) {
  if (!r)
    return "no sign-in token";
  if (r->id != fx::token_id || r->user_id != fx::user_id)
    return "sign-in token: wrong id or user_id";
  if (r->created_at.time_since_epoch().count() != fx::created_at_ms)
    return "sign-in token: wrong created_at";
  if (revoked)
    return r->status == clerk::sign_in_token_status::revoked && !r->token && !r->url
               ? nullptr
               : "revoked token: wrong status, or a token or url";
  if (r->status != clerk::sign_in_token_status::pending || !r->token || !r->url)
    return "created token: wrong status, or no token or url";
  if (r->token->reveal() != fx::jwt || r->url->reveal() != fx::ticket_url())
    return "created token: wrong token or url";
  return nullptr;
}
const char* check_token(const fl::outcome& o, bool revoked) {
  const auto* t = std::get_if<fl::token>(&o);
  if (t == nullptr)
    return "floor: no sign-in token";
  if (t->id != fx::token_id || t->user_id != fx::user_id || t->created_at != fx::created_at_ms)
    return "floor: wrong id, user_id or created_at";
  if (revoked)
    return t->status == "revoked" && !t->token && !t->url ? nullptr : "floor: wrong revoked token";
  if (t->status != "pending" || t->token != fx::jwt || t->url != fx::ticket_url())
    return "floor: wrong created token";
  return nullptr;
}
const char* check_actor_token(const clerk::result<clerk::actor_token>& r) {
  if (!r)
    return "no actor token";
  if (r->id != fx::actor_token_id || r->user_id != fx::user_id)
    return "actor token: wrong id or user_id";
  if (r->created_at.time_since_epoch().count() != fx::created_at_ms)
    return "actor token: wrong created_at";
  if (r->actor.sub != fx::actor_sub || r->actor.other_claims.text() != fx::actor_other_claims)
    return "actor token: wrong actor";
  if (r->status != clerk::actor_token_status::pending || !r->token || !r->url)
    return "actor token: wrong status, or no token or url";
  if (r->token->reveal() != fx::actor_jwt || r->url->reveal() != fx::actor_ticket_url())
    return "actor token: wrong token or url";
  return nullptr;
}
const char* check_actor_token(const fl::actor_outcome& o) {
  const auto* t = std::get_if<fl::actor_token>(&o);
  if (t == nullptr)
    return "floor: no actor token";
  if (t->id != fx::actor_token_id || t->user_id != fx::user_id ||
      t->created_at != fx::created_at_ms)
    return "floor: wrong actor token id, user_id or created_at";
  if (t->actor_sub != fx::actor_sub || t->actor_other_claims != fx::actor_other_claims)
    return "floor: wrong actor";
  if (t->status != "pending" || t->token != fx::actor_jwt || t->url != fx::actor_ticket_url())
    return "floor: wrong actor token status, token or url";
  return nullptr;
}
// The same facts of the fixture's user, read by each side.
const char* check_user(const clerk::result<clerk::backend::user>& r) {
  if (!r)
    return "no user";
  const clerk::backend::user& u = *r;
  if (u.id != fx::user_id || u.created_at.time_since_epoch().count() != fx::created_at_ms ||
      u.last_name != "Lovelace" || u.primary_phone_number_id || !u.two_factor_enabled)
    return "user: wrong id, created_at, last_name, phone or two_factor_enabled";
  if (u.email_addresses.size() != 2 || u.passkeys.size() != 1 || u.external_accounts.size() != 1)
    return "user: wrong number of emails, passkeys or external accounts";
  const auto* otp =
      u.email_addresses[0].verification
          ? std::get_if<clerk::backend::verification_otp>(&*u.email_addresses[0].verification)
          : nullptr;
  if (otp == nullptr || otp->status != clerk::backend::verification_otp_status::verified ||
      otp->attempts != 1 || u.email_addresses[1].linked_to.size() != 0)
    return "user: wrong email verification";
  const auto& google = u.external_accounts[0];
  if (!google.verification ||
      !std::holds_alternative<clerk::backend::verification_oauth>(*google.verification) ||
      google.provider_user_id != "109876543210987654321")
    return "user: wrong external account";
  if (u.public_metadata.text().find(R"("seats":12)") == std::string::npos || !u.scim ||
      u.scim->directory_id != "dir_2hNSPs9")
    return "user: wrong metadata or scim";
  return nullptr;
}
const char* check_user(const fl::user_outcome& o) {
  const auto* u = std::get_if<fl::user>(&o);
  if (u == nullptr)
    return "floor: no user";
  if (u->id != fx::user_id || u->created_at != fx::created_at_ms || u->last_name != "Lovelace" ||
      u->primary_phone_number_id || !u->two_factor_enabled)
    return "floor: wrong id, created_at, last_name, phone or two_factor_enabled";
  if (u->email_addresses.size() != 2 || u->passkeys.size() != 1 || u->external_accounts.size() != 1)
    return "floor: wrong number of emails, passkeys or external accounts";
  const auto& otp = u->email_addresses[0].verification;
  if (!otp || otp->object != "verification_otp" || otp->status != "verified" ||
      otp->attempts != 1 || u->email_addresses[1].linked_to.size() != 0)
    return "floor: wrong email verification";
  const auto& google = u->external_accounts[0];
  if (!google.verification || google.verification->object != "verification_oauth" ||
      google.provider_user_id != "109876543210987654321")
    return "floor: wrong external account";
  if (u->public_metadata.find(R"("seats":12)") == std::string::npos || !u->scim_metadata ||
      u->scim_metadata->directory_id != "dir_2hNSPs9")
    return "floor: wrong metadata or scim";
  return nullptr;
}
const char* check_error(const clerk::result<clerk::sign_in_token>& r) {
  const clerk::api_error* a = r ? nullptr : r.error().as_api();
  if (a == nullptr || a->status != 422 || a->errors.size() != 1 ||
      a->errors[0].code != "form_param_missing" || a->clerk_trace_id != fx::trace_id)
    return "422: not the expected api_error";
  return nullptr;
}
const char* check_error(const fl::outcome& o) {
  const auto* a = std::get_if<fl::api_error>(&o);
  if (a == nullptr || a->status != 422 || a->errors.size() != 1 ||
      a->errors[0].code != "form_param_missing" || a->trace_id != fx::trace_id)
    return "floor 422: not the expected error";
  return nullptr;
}

// Allocations per call, counted outside the timed loop so that nothing the
// benchmark library does is counted. The first call is left out: it may
// initialise statics.
template <class Op>
double allocations_per_call(const Op& op) {
  benchmark::DoNotOptimize(op());
  constexpr int calls = 16;
  std::uint64_t before = clerk_bench::allocations();
  for (int i = 0; i < calls; ++i) {
    auto r = op();
    benchmark::DoNotOptimize(r);
  }
  return double(clerk_bench::allocations() - before) / calls;
}

template <class Op, class Check>
void run(benchmark::State& state, const Op& op, const Check& check) {
  if (const char* problem = check(op())) {
    state.SkipWithError(problem);
    return;
  }
  if (clerk_bench::counts_allocations())
    state.counters["allocs/op"] =
        benchmark::Counter(allocations_per_call(op), benchmark::Counter::kAvgThreads);
  for (auto _ : state) {
    auto r = op();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

// One row of the table: an operation measured for the library and the floor.
struct pair_spec {
  const char* id;     // benchmark name, after "clerk/" or "floor/"
  const char* label;  // table row
  void (*clerk)(benchmark::State&);
  void (*floor)(benchmark::State&);
};

const pair_spec pairs[] = {
    {"build_create", "build create",
     [](benchmark::State& s) {
       run(s, clerk_build_create, [](auto r) { return check_create_request(as_optional(r)); });
     },
     [](benchmark::State& s) { run(s, floor_build_create, check_create_request); }},
    {"build_revoke", "build revoke",
     [](benchmark::State& s) {
       run(s, clerk_build_revoke, [](auto r) { return check_revoke_request(as_optional(r)); });
     },
     [](benchmark::State& s) { run(s, floor_build_revoke, check_revoke_request); }},
    {"parse_create", "parse create (200)",
     [](benchmark::State& s) {
       run(s, clerk_parse_create, [](const auto& r) { return check_token(r, false); });
     },
     [](benchmark::State& s) {
       run(s, floor_parse_create, [](const auto& r) { return check_token(r, false); });
     }},
    {"parse_revoke", "parse revoke (200)",
     [](benchmark::State& s) {
       run(s, clerk_parse_revoke, [](const auto& r) { return check_token(r, true); });
     },
     [](benchmark::State& s) {
       run(s, floor_parse_revoke, [](const auto& r) { return check_token(r, true); });
     }},
    {"parse_error", "parse ClerkErrors (422)",
     [](benchmark::State& s) {
       run(s, clerk_parse_error, [](const auto& r) { return check_error(r); });
     },
     [](benchmark::State& s) {
       run(s, floor_parse_error, [](const auto& r) { return check_error(r); });
     }},
    {"call_create", "full call: create",
     [](benchmark::State& s) {
       run(s, clerk_call_create, [](const auto& r) { return check_token(r, false); });
     },
     [](benchmark::State& s) {
       run(s, floor_call_create, [](const auto& r) { return check_token(r, false); });
     }},
    {"call_revoke", "full call: revoke",
     [](benchmark::State& s) {
       run(s, clerk_call_revoke, [](const auto& r) { return check_token(r, true); });
     },
     [](benchmark::State& s) {
       run(s, floor_call_revoke, [](const auto& r) { return check_token(r, true); });
     }},
    {"build_create_actor", "build create actor token",
     [](benchmark::State& s) {
       run(s, clerk_build_create_actor,
           [](auto r) { return check_create_actor_request(as_optional(r)); });
     },
     [](benchmark::State& s) { run(s, floor_build_create_actor, check_create_actor_request); }},
    {"parse_create_actor", "parse create actor token (200)",
     [](benchmark::State& s) {
       run(s, clerk_parse_create_actor, [](const auto& r) { return check_actor_token(r); });
     },
     [](benchmark::State& s) {
       run(s, floor_parse_create_actor, [](const auto& r) { return check_actor_token(r); });
     }},
    {"call_create_actor", "full call: create actor token",
     [](benchmark::State& s) {
       run(s, clerk_call_create_actor, [](const auto& r) { return check_actor_token(r); });
     },
     [](benchmark::State& s) {
       run(s, floor_call_create_actor, [](const auto& r) { return check_actor_token(r); });
     }},
    {"build_get_user", "build get_user",
     [](benchmark::State& s) {
       run(s, clerk_build_get_user, [](auto r) { return check_get_user_request(as_optional(r)); });
     },
     [](benchmark::State& s) { run(s, floor_build_get_user, check_get_user_request); }},
    {"parse_get_user", "parse get_user (200, a 3 KiB user)",
     [](benchmark::State& s) {
       run(s, clerk_parse_get_user, [](const auto& r) { return check_user(r); });
     },
     [](benchmark::State& s) {
       run(s, floor_parse_get_user, [](const auto& r) { return check_user(r); });
     }},
    {"call_get_user", "full call: get_user",
     [](benchmark::State& s) {
       run(s, clerk_call_get_user, [](const auto& r) { return check_user(r); });
     },
     [](benchmark::State& s) {
       run(s, floor_call_get_user, [](const auto& r) { return check_user(r); });
     }},
};

// The thread-scaling rows: the full create call on 1 and 2 threads, with one
// client shared by the threads; and, as a control, with a client of each
// thread's own. When the two speed-ups match, sharing the client costs
// nothing and what is left below 2 is the machine's.
struct scaling_spec {
  const char* id;
  const char* label;
  void (*run)(benchmark::State&);
};

auto clerk_call_create_own_client = [] {
  thread_local const clerk::client<canned_transport> c(config(),
                                                       canned_transport{&create_response});
  return c.send(create_op());
};

const scaling_spec scaling[] = {
    {"clerk/call_create_threads", "clerk, one shared client",
     [](benchmark::State& s) {
       run(s, clerk_call_create, [](const auto& r) { return check_token(r, false); });
     }},
    {"clerk/call_create_own_client_threads", "clerk, a client per thread (control)",
     [](benchmark::State& s) {
       run(s, clerk_call_create_own_client, [](const auto& r) { return check_token(r, false); });
     }},
    {"floor/call_create_threads", "floor",
     [](benchmark::State& s) {
       run(s, floor_call_create, [](const auto& r) { return check_token(r, false); });
     }},
};

std::string clerk_name(const char* op) {
  return std::string("clerk/") + op;
}
std::string floor_name(const char* op) {
  return std::string("floor/") + op;
}

void register_benchmarks() {
  for (const pair_spec& p : pairs) {
    benchmark::RegisterBenchmark(clerk_name(p.id).c_str(), p.clerk);
    benchmark::RegisterBenchmark(floor_name(p.id).c_str(), p.floor);
  }
  // Wall-clock time: throughput is what sharing one client must preserve.
  for (const scaling_spec& s : scaling)
    benchmark::RegisterBenchmark(s.id, s.run)->Threads(1)->Threads(2)->UseRealTime();
}

// Keeps the benchmark library's report (on stderr) and remembers, for each
// benchmark and thread count, the median of the repetitions (or the single
// run when there are none), to print the tables at the end.
class table_reporter : public benchmark::ConsoleReporter {
 public:
  table_reporter() : ConsoleReporter(OO_Tabular) { SetOutputStream(&std::cerr); }

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) {
        failed_ = true;
        continue;
      }
      bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (r.run_type == Run::RT_Aggregate && !median)
        continue;
      figures& f = results_[{r.run_name.function_name, r.threads}];
      if (f.median && !median)
        continue;
      f = {median, r.GetAdjustedCPUTime(), r.GetAdjustedRealTime(), counter(r, "allocs/op"),
           counter(r, "items_per_second")};
    }
  }

  bool failed() const { return failed_; }

  void print_tables(std::ostream& os) const {
    os << "| operation | clerk ns/op | floor ns/op | clerk / floor | clerk allocs/op | floor "
          "allocs/op |\n"
       << "| --- | ---: | ---: | ---: | ---: | ---: |\n";
    for (const pair_spec& p : pairs) {
      const figures* c = find(clerk_name(p.id), 1);
      const figures* f = find(floor_name(p.id), 1);
      if (c == nullptr && f == nullptr)
        continue;
      os << "| " << p.label << " | " << number(c, &figures::cpu_ns, 0) << " | "
         << number(f, &figures::cpu_ns, 0) << " | "
         << (c && f ? format("%.2f", c->cpu_ns / f->cpu_ns) : "n/a") << " | "
         << number(c, &figures::allocs, 1) << " | " << number(f, &figures::allocs, 1) << " |\n";
    }
    // The last column is CPU time over wall time with 2 threads: how many
    // cores the benchmark actually had. Below 2, other work shared them and
    // the speed-up says more about the machine than about the library.
    os << "\n| full create call | 1 thread (calls/s) | 2 threads (calls/s) | "
          "2 threads / 1 thread | cores in use with 2 threads |\n"
       << "| --- | ---: | ---: | ---: | ---: |\n";
    for (const scaling_spec& s : scaling) {
      const figures* one = find(s.id, 1);
      const figures* two = find(s.id, 2);
      if (one == nullptr && two == nullptr)
        continue;
      os << "| " << s.label << " | " << number(one, &figures::items_per_second, 0) << " | "
         << number(two, &figures::items_per_second, 0) << " | "
         << (one && two ? format("%.2f", two->items_per_second / one->items_per_second) : "n/a")
         << " | " << (two ? format("%.2f", two->cpu_ns / two->real_ns) : "n/a") << " |\n";
    }
  }

 private:
  struct figures {
    bool median = false;
    double cpu_ns = 0, real_ns = 0, allocs = 0, items_per_second = 0;
  };

  // The counter's value, or -1 (printed "n/a") when the run has none.
  static double counter(const Run& r, const char* name) {
    auto it = r.counters.find(name);
    return it == r.counters.end() ? -1.0 : double(it->second);
  }

  const figures* find(const std::string& name, std::int64_t threads) const {
    auto it = results_.find({name, threads});
    return it == results_.end() ? nullptr : &it->second;
  }

  static std::string format(const char* fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return buf;
  }

  static std::string number(const figures* f, double figures::*field, int decimals) {
    if (f == nullptr || f->*field < 0)
      return "n/a";
    return format(decimals == 0 ? "%.0f" : "%.1f", f->*field);
  }

  std::map<std::pair<std::string, std::int64_t>, figures> results_;
  bool failed_ = false;
};

// The size of each allocation one call makes, in order, as a table row.
template <const auto& op>
void trace(std::ostream& os, const char* name) {
  benchmark::DoNotOptimize(op());
  clerk_bench::trace_allocations(true);
  {
    auto r = op();
    benchmark::DoNotOptimize(r);
  }
  clerk_bench::trace_allocations(false);
  auto sizes = clerk_bench::traced_sizes();
  os << "| " << name << " | " << sizes.size() << " |";
  for (std::size_t s : sizes)
    os << ' ' << s;
  os << " |\n";
}

// One operation in a bare loop, for a profiler.
template <const auto& op>
void repeat(long calls) {
  for (long i = 0; i < calls; ++i) {
    auto r = op();
    benchmark::DoNotOptimize(r);
  }
}

struct named_operation {
  const char* name;
  void (*trace)(std::ostream&, const char*);
  void (*repeat)(long);
};

template <const auto& op>
constexpr named_operation named(const char* name) {
  return {name, &trace<op>, &repeat<op>};
}

const named_operation operations[] = {
    named<clerk_build_create>("clerk/build_create"),
    named<floor_build_create>("floor/build_create"),
    named<clerk_build_revoke>("clerk/build_revoke"),
    named<floor_build_revoke>("floor/build_revoke"),
    named<clerk_parse_create>("clerk/parse_create"),
    named<floor_parse_create>("floor/parse_create"),
    named<clerk_parse_revoke>("clerk/parse_revoke"),
    named<floor_parse_revoke>("floor/parse_revoke"),
    named<clerk_parse_error>("clerk/parse_error"),
    named<floor_parse_error>("floor/parse_error"),
    named<clerk_call_create>("clerk/call_create"),
    named<floor_call_create>("floor/call_create"),
    named<clerk_call_revoke>("clerk/call_revoke"),
    named<floor_call_revoke>("floor/call_revoke"),
    named<clerk_build_create_actor>("clerk/build_create_actor"),
    named<floor_build_create_actor>("floor/build_create_actor"),
    named<clerk_parse_create_actor>("clerk/parse_create_actor"),
    named<floor_parse_create_actor>("floor/parse_create_actor"),
    named<clerk_call_create_actor>("clerk/call_create_actor"),
    named<floor_call_create_actor>("floor/call_create_actor"),
    named<clerk_build_get_user>("clerk/build_get_user"),
    named<floor_build_get_user>("floor/build_get_user"),
    named<clerk_parse_get_user>("clerk/parse_get_user"),
    named<floor_parse_get_user>("floor/parse_get_user"),
    named<clerk_call_get_user>("clerk/call_get_user"),
    named<floor_call_get_user>("floor/call_get_user"),
};

void print_allocation_trace(std::ostream& os) {
  if (!clerk_bench::counts_allocations()) {
    os << "(this build cannot count allocations)\n";
    return;
  }
  os << "| operation | allocations | sizes in bytes, in order |\n| --- | ---: | --- |\n";
  for (const named_operation& o : operations)
    o.trace(os, o.name);
}

// Runs one operation `calls` times with nothing around it, for a profiler
// (valgrind --tool=callgrind, perf). False when `name` is unknown.
bool profile(std::string_view name, long calls) {
  for (const named_operation& o : operations) {
    if (name == o.name) {
      o.repeat(calls);
      return true;
    }
  }
  return false;
}

// Calls per second of `op` on `threads` std::threads started together, each
// making `calls` calls. No benchmark harness around them: on this project's
// 2-vCPU machine the harness's 2-thread runs came out at 1.6 or 2.0 times one
// thread from run to run, for fully private work too, while plain threads
// did not vary. The main thread only waits (join), so it takes no core.
template <class Op>
double calls_per_second(const Op& op, int threads, long calls) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      benchmark::DoNotOptimize(op());  // first-use statics, outside the timing
      ready.fetch_add(1);
      while (!go.load())
        ;
      for (long i = 0; i < calls; ++i) {
        auto r = op();
        benchmark::DoNotOptimize(r);
      }
    });
  }
  while (ready.load() < threads)
    std::this_thread::yield();
  auto start = std::chrono::steady_clock::now();
  go.store(true);
  for (std::thread& t : pool)
    t.join();
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  return double(threads) * double(calls) / took.count();
}

// The full create call on 1 and 2 plain threads: 5 rounds, each measuring
// every row on 1 then 2 threads, so that a change in the machine's speed
// (a shared VM's) hits all rows and both thread counts alike. Prints the
// medians, and the median of each round's 2-thread / 1-thread ratio.
void print_thread_scaling(std::ostream& os, long calls) {
  struct row {
    const char* label;
    double (*measure)(int threads, long calls);
    std::vector<double> one{}, two{}, ratio{};
  };
  row rows[] = {
      {"clerk, one shared client",
       [](int n, long c) { return calls_per_second(clerk_call_create, n, c); }},
      {"clerk, a client per thread (control)",
       [](int n, long c) { return calls_per_second(clerk_call_create_own_client, n, c); }},
      {"floor", [](int n, long c) { return calls_per_second(floor_call_create, n, c); }},
  };
  for (int round = 0; round < 5; ++round) {
    for (row& r : rows) {
      r.one.push_back(r.measure(1, calls));
      r.two.push_back(r.measure(2, calls));
      r.ratio.push_back(r.two.back() / r.one.back());
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  os << "| full create call, plain threads | 1 thread (calls/s) | 2 threads (calls/s) | 2 threads "
        "/ 1 thread |\n"
     << "| --- | ---: | ---: | ---: |\n";
  for (const row& r : rows) {
    char line[160];
    std::snprintf(line, sizeof line, "| %s | %.0f | %.0f | %.2f |\n", r.label, median(r.one),
                  median(r.two), median(r.ratio));
    os << line;
  }
}

// Removes `flag` from argv; true when it was there.
bool take_flag(int& argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], flag) == 0) {
      for (int j = i; j + 1 < argc; ++j)
        argv[j] = argv[j + 1];
      --argc;
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--profile") == 0) {
    if (profile(argv[2], std::atol(argv[3])))
      return 0;
    std::cerr << "clerk_bench: unknown operation " << argv[2] << '\n';
    return 2;
  }
  if (argc >= 2 && std::strcmp(argv[1], "--thread_scaling") == 0) {
    if (const char* problem = check_token(clerk_call_create(), false)) {
      std::cerr << "clerk_bench: " << problem << '\n';
      return 1;
    }
    print_thread_scaling(std::cout, argc >= 3 ? std::atol(argv[2]) : 300000);
    return 0;
  }
  bool trace_only = take_flag(argc, argv, "--trace_allocations");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv))
    return 2;
  if (trace_only) {
    print_allocation_trace(std::cout);
    return 0;
  }
  register_benchmarks();
  table_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_tables(std::cout);
  benchmark::Shutdown();
  if (reporter.failed()) {
    std::cerr << "clerk_bench: a benchmark failed its check (see above)\n";
    return 1;
  }
  return 0;
}
