// A sign-in token back as the JSON object Clerk sends: for passing it on (to a
// front end, a log you own, a fake server).
#ifndef CLERK_SIGN_IN_TOKEN_JSON_HPP
#define CLERK_SIGN_IN_TOKEN_JSON_HPP

#include <clerk/sign_in_token.hpp>
#include <clerk/version.hpp>

#include <boost/json/object.hpp>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// Clerk's field names and values, the secrets included (token and url, when
// present): what this returns must be handled like the token itself.
inline boost::json::object to_json(const sign_in_token& t) {
  boost::json::object o;
  o["object"] = t.object;
  o["id"] = t.id;
  o["status"] = t.status.str();
  o["user_id"] = t.user_id;
  if (t.token)
    o["token"] = t.token->reveal();
  if (t.url)
    o["url"] = t.url->reveal();
  o["created_at"] = t.created_at.time_since_epoch().count();
  o["updated_at"] = t.updated_at.time_since_epoch().count();
  return o;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
