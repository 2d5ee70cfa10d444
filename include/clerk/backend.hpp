// clerk-backend-cpp: the Backend API (what a server needs), whole. The Frontend
// API for native clients (redeeming a ticket) is <clerk/frontend_sign_in.hpp>,
// kept out so that a server's translation units do not compile it.
#ifndef CLERK_BACKEND_HPP
#define CLERK_BACKEND_HPP

#include <clerk/actor_tokens.hpp>
#include <clerk/client.hpp>
#include <clerk/config.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/media_type.hpp>
#include <clerk/model.hpp>
#include <clerk/operation.hpp>
#include <clerk/publishable_key.hpp>
#include <clerk/raw_json.hpp>
#include <clerk/redact.hpp>
#include <clerk/result.hpp>
#include <clerk/retry.hpp>
#include <clerk/retry_after.hpp>
#include <clerk/retry_stop.hpp>
#include <clerk/secret.hpp>
#include <clerk/sign_in_token.hpp>
#include <clerk/sign_in_tokens.hpp>
#include <clerk/transport.hpp>
#include <clerk/version.hpp>

#endif
