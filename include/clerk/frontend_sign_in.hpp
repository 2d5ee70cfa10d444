// The Frontend API under its 0.1 spelling: <clerk/frontend/sign_in.hpp>, with
// its names also in namespace clerk as they were before they moved to
// clerk::frontend. New code includes <clerk/frontend/...> and writes
// clerk::frontend::consume_ticket.
#ifndef CLERK_FRONTEND_SIGN_IN_COMPAT_HPP
#define CLERK_FRONTEND_SIGN_IN_COMPAT_HPP

#include <clerk/frontend/errors.hpp>
#include <clerk/frontend/sign_in.hpp>
#include <clerk/version.hpp>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

using frontend::client_answer;
using frontend::client_token;
using frontend::consume_options;
using frontend::consume_ticket;
using frontend::create_client;
using frontend::frontend_call;
using frontend::frontend_client;
using frontend::frontend_config;
using frontend::frontend_errc;
using frontend::frontend_error;
using frontend::frontend_options;
using frontend::mint_session_token;
using frontend::mint_session_token_from_template;
using frontend::public_user_data;
using frontend::read_client;
using frontend::remove_session;
using frontend::session;
using frontend::session_answer;
using frontend::session_jwt;
using frontend::session_status;
using frontend::session_token;
using frontend::session_user;
using frontend::sign_in_answer;
using frontend::sign_in_attempt;
using frontend::sign_in_status;
using frontend::sign_in_with_ticket;
using frontend::ticket_sign_in;
using frontend::touch_intent;
using frontend::touch_session;

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
