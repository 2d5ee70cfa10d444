// Definitions for <clerk/sign_in_tokens.hpp>.
#ifndef CLERK_IMPL_SIGN_IN_TOKENS_IPP
#define CLERK_IMPL_SIGN_IN_TOKENS_IPP

#include <clerk/detail/sign_in_token_parser.hpp>
#include <clerk/detail/text.hpp>
#include <clerk/detail/wire.hpp>
#include <clerk/sign_in_tokens.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

namespace detail {

inline std::optional<invalid_request> check_id(std::string_view field, std::string_view v) {
  if (v.empty())
    return invalid_request{std::string(field), "must not be empty"};
  if (has_control(v))
    return invalid_request{std::string(field), "must not contain control characters"};
  if (!is_valid_utf8(v))
    return invalid_request{std::string(field), "must be valid UTF-8"};
  return std::nullopt;
}

inline http_request make_post(const config& cfg, std::size_t header_count) {
  http_request r;
  r.method = http_method::post;
  r.timeout = cfg.timeout();
  r.max_body_bytes = cfg.limits().max_body_bytes;
  r.headers.reserve(header_count);
  r.headers.add("Authorization", std::string(cfg.authorization().reveal()));
  r.headers.add("Clerk-API-Version", std::string(cfg.api_version()));
  r.headers.add("User-Agent", std::string(cfg.user_agent()));
  r.headers.add("Accept", "application/json");
  return r;
}

}  // namespace detail

// The request that creates a sign-in token, or an invalid_request error
// naming the field at fault (user_id, org_id, expires_in).
CLERK_BACKEND_DECL result<http_request> build_request(const create_sign_in_token& op,
                                                      const config& cfg) {
  if (auto e = detail::check_id("user_id", op.user_id))
    return error(std::move(*e));
  if (op.org_id)
    if (auto e = detail::check_id("org_id", *op.org_id))
      return error(std::move(*e));
  if (op.expires_in && op.expires_in->count() < 1)
    return error(invalid_request{"expires_in", "must be at least 1 second"});

  http_request r = detail::make_post(cfg, 5);
  r.headers.add("Content-Type", "application/json");
  r.url.reserve(cfg.base_url().size() + 16);
  r.url.append(cfg.base_url());
  r.url.append("/sign_in_tokens");
  r.body.reserve(op.user_id.size() + (op.org_id ? op.org_id->size() : 0) + 64);
  r.body += "{\"user_id\":";
  detail::append_json_string(r.body, op.user_id);
  if (op.org_id) {
    r.body += ",\"org_id\":";
    detail::append_json_string(r.body, *op.org_id);
  }
  if (op.expires_in) {
    r.body += ",\"expires_in_seconds\":";
    detail::append_integer(r.body, op.expires_in->count());
  }
  r.body += '}';
  return r;
}

// The request that revokes a pending sign-in token, or an invalid_request
// error naming sign_in_token_id. The id is percent-encoded as one path
// segment; "." and ".." are refused since no encoding keeps them one.
CLERK_BACKEND_DECL result<http_request> build_request(const revoke_sign_in_token& op,
                                                      const config& cfg) {
  if (auto e = detail::check_id("sign_in_token_id", op.sign_in_token_id))
    return error(std::move(*e));
  if (op.sign_in_token_id == "." || op.sign_in_token_id == "..")
    return error(invalid_request{"sign_in_token_id", "must not be \".\" or \"..\""});

  http_request r = detail::make_post(cfg, 4);
  r.url.reserve(cfg.base_url().size() + op.sign_in_token_id.size() * 3 + 24);
  r.url.append(cfg.base_url());
  r.url.append("/sign_in_tokens/");
  detail::append_path_segment(r.url, op.sign_in_token_id);
  r.url.append("/revoke");
  return r;
}

// The sign-in token a create response carries, or an api_error (Clerk said
// no) or unexpected_response (anything else) error.
CLERK_BACKEND_DECL result<sign_in_token> parse_response(const create_sign_in_token&,
                                                        const http_response& r,
                                                        const response_limits& lim) {
  return detail::parse_sign_in_token(r, lim);
}

// The revoked sign-in token, or an api_error or unexpected_response error.
CLERK_BACKEND_DECL result<sign_in_token> parse_response(const revoke_sign_in_token&,
                                                        const http_response& r,
                                                        const response_limits& lim) {
  return detail::parse_sign_in_token(r, lim);
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
