// Compile-time probe (tests/bench/compile_time.sh): what a user's translation
// unit pays for the library: the headers it uses, and a create and a revoke
// through a client for sign-in and actor tokens each, so that the builders,
// the parsers and the client are instantiated and compiled.
#include <clerk/backend/actor_tokens.hpp>
#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/client.hpp>

#include <chrono>
#include <utility>

namespace {

struct canned_transport {
  clerk::http_response response;
  clerk::transport_result operator()(const clerk::http_request&) const { return response; }
};

}  // namespace

clerk::result<clerk::sign_in_token> create_token(const clerk::config& cfg,
                                                 clerk::http_response answer) {
  clerk::client<canned_transport> client(cfg, canned_transport{std::move(answer)});
  return client.send(clerk::create_sign_in_token{
      .user_id = "user_1", .org_id = "org_1", .expires_in_seconds = std::chrono::seconds(600)});
}

clerk::result<clerk::sign_in_token> revoke_token(const clerk::config& cfg,
                                                 clerk::http_response answer) {
  clerk::client<canned_transport> client(cfg, canned_transport{std::move(answer)});
  return client.send(clerk::revoke_sign_in_token{.sign_in_token_id = "sit_1"});
}

clerk::result<clerk::actor_token> create_actor(const clerk::config& cfg,
                                               clerk::http_response answer) {
  clerk::client<canned_transport> client(cfg, canned_transport{std::move(answer)});
  return client.send(clerk::create_actor_token{.user_id = "user_1",
                                               .actor = {.sub = "user_2"},
                                               .expires_in_seconds = std::chrono::seconds(600)});
}

clerk::result<clerk::actor_token> revoke_actor(const clerk::config& cfg,
                                               clerk::http_response answer) {
  clerk::client<canned_transport> client(cfg, canned_transport{std::move(answer)});
  return client.send(clerk::revoke_actor_token{.actor_token_id = "act_1"});
}
