// With CLERK_BACKEND_SEPARATE_COMPILATION defined for the whole program,
// include this in exactly one translation unit: it defines what the public
// headers then only declare.
#ifndef CLERK_SRC_HPP
#define CLERK_SRC_HPP

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#error "<clerk/src.hpp> is for builds that define CLERK_BACKEND_SEPARATE_COMPILATION everywhere"
#endif

#include <clerk/authorization.hpp>
#include <clerk/backend/all.hpp>
#include <clerk/backend/impl/models.ipp>
#include <clerk/client.hpp>
#include <clerk/frontend/config.hpp>
#include <clerk/frontend/impl/config.ipp>
#include <clerk/impl/authorization.ipp>
#include <clerk/impl/client.ipp>
#include <clerk/impl/config.ipp>
#include <clerk/impl/error.ipp>
#include <clerk/impl/machine_tokens.ipp>
#include <clerk/impl/model.ipp>
#include <clerk/impl/operation.ipp>
#include <clerk/impl/response.ipp>
#include <clerk/impl/retry.ipp>
#include <clerk/impl/session_tokens.ipp>
#include <clerk/impl/webhooks.ipp>
#include <clerk/machine_tokens.hpp>
#include <clerk/session_tokens.hpp>
#include <clerk/webhooks.hpp>

#endif
