// Compile-time probe (tests/bench/compile_time.sh): <clerk/backend/users.hpp>
// and one get_user through a client, so that the user model's table (and
// every model it nests) and the call are compiled. Beside clerk_create.cpp.
#include <clerk/backend/users.hpp>
#include <clerk/client.hpp>

#include <utility>

namespace {

struct canned_transport {
  clerk::http_response response;
  clerk::transport_result operator()(const clerk::http_request&) const { return response; }
};

}  // namespace

clerk::result<clerk::backend::user> get_user(const clerk::config& cfg,
                                             clerk::http_response answer) {
  clerk::client<canned_transport> client(cfg, canned_transport{std::move(answer)});
  return client.send(clerk::backend::get_user{.user_id = "user_1"});
}
