// Compile-time probe (tests/bench/compile_time.sh): one operation of one
// Backend API header through a client, create_sign_in_token: the yardstick
// of clerk_get_user.cpp (issue 26 asks get_user's TU for at most 1.1x this
// one's time). Only the required member is set, so that the probe builds
// whatever the optional members are called.
#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/client.hpp>

#include <utility>

namespace {

struct canned_transport {
  clerk::http_response response;
  clerk::transport_result operator()(const clerk::http_request&) const { return response; }
};

}  // namespace

clerk::result<clerk::backend::sign_in_token> create_token(const clerk::config& cfg,
                                                          clerk::http_response answer) {
  clerk::client<canned_transport> client(cfg, canned_transport{std::move(answer)});
  return client.send(clerk::backend::create_sign_in_token{.user_id = "user_1"});
}
