// Every Backend API header: each tag's models and operations (namespace
// clerk::backend). Send them through a clerk::client (<clerk/client.hpp>).
#ifndef CLERK_BACKEND_ALL_HPP
#define CLERK_BACKEND_ALL_HPP

#include <clerk/backend/actor_tokens.hpp>
#include <clerk/backend/sign_in_tokens.hpp>

#endif
