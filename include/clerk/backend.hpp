// clerk-backend-cpp for a server, whole: the core (client, config, errors,
// retries, list walking), every Backend API header (<clerk/backend/all.hpp>),
// and what authenticates a server's callers (session and machine tokens,
// has(), webhooks; their crypto adapter is yours to include). A
// translation unit compiles faster including only what it uses
// (<clerk/backend/users.hpp>, <clerk/client.hpp>). The Frontend API for native
// clients is <clerk/frontend/...>, kept out so that a server's translation
// units do not compile it.
#ifndef CLERK_BACKEND_HPP
#define CLERK_BACKEND_HPP

#include <clerk/authorization.hpp>
#include <clerk/backend/all.hpp>
#include <clerk/client.hpp>
#include <clerk/config.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/machine_tokens.hpp>
#include <clerk/media_type.hpp>
#include <clerk/model.hpp>
#include <clerk/operation.hpp>
#include <clerk/pages.hpp>
#include <clerk/publishable_key.hpp>
#include <clerk/raw_json.hpp>
#include <clerk/redact.hpp>
#include <clerk/result.hpp>
#include <clerk/retry.hpp>
#include <clerk/retry_after.hpp>
#include <clerk/retry_stop.hpp>
#include <clerk/secret.hpp>
#include <clerk/session_tokens.hpp>
#include <clerk/transport.hpp>
#include <clerk/version.hpp>
#include <clerk/webhooks.hpp>

#endif
