// The steps every response parser shares: size, status and media-type checks,
// ClerkErrors bodies, and the one streaming parser that reads any declared
// model. Defined in <clerk/impl/response.ipp>.
#ifndef CLERK_DETAIL_RESPONSE_HPP
#define CLERK_DETAIL_RESPONSE_HPP

#include <clerk/config.hpp>
#include <clerk/detail/decl.hpp>
#include <clerk/detail/model_info.hpp>
#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/version.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail {

// At most this many ClerkError entries are kept: an error body is small, and a
// hostile one must not turn a bounded body into an unbounded vector.
inline constexpr std::size_t max_clerk_errors = 64;

// An unexpected_response for `r` that says what is wrong with it.
CLERK_BACKEND_DECL unexpected_response make_unexpected(const http_response& r, std::string problem);

// Everything a parser checks before it reads a 2xx body: the size limit, the
// status (an error status becomes an api_error when its body is ClerkErrors,
// else an unexpected_response), a body, and a JSON content type. Returns the
// error, or nullopt when `r` is a 2xx JSON response worth reading.
CLERK_BACKEND_DECL std::optional<error> check_response(const http_response& r,
                                                       const response_limits& lim);

// Reads r.body into the model `obj` described by `info` in one pass (no DOM),
// then the header fields. Returns the first problem, or nullopt when `obj` is
// complete.
CLERK_BACKEND_DECL std::optional<unexpected_response> parse_model(const model_info& info, void* obj,
                                                                  const http_response& r,
                                                                  const response_limits& lim);

// What is wrong with `object_text` as the other members of a model that
// declares `declared` (null: no model), read by the one parser in one pass:
// {"", why} when it is not the text of a JSON object or repeats a member name
// at any depth ('duplicate field "scope"'), {name, why} when a member is one
// of `declared`'s fields; nullopt when nothing is. Nested deeper than
// `max_depth`, it is not JSON here.
struct members_problem {
  std::string member;
  std::string reason;
};
CLERK_BACKEND_DECL std::optional<members_problem> check_members(
    std::string_view object_text, const model_info* declared,
    std::size_t max_depth = response_limits{}.max_depth);

// The whole parse of an operation's answer: check_response, then the body
// into `obj`, whose type `root` describes (root_info<T>: a model, or a bare
// array...). A 2xx model that fails validation keeps in
// unexpected_response::partial what the half-read model says of the
// resource: its id and its secrets.
CLERK_BACKEND_DECL std::optional<error> parse_into(const field_info& root, void* obj,
                                                   const http_response& r,
                                                   const response_limits& lim);

}  // namespace detail
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#ifndef CLERK_BACKEND_SEPARATE_COMPILATION
#include <clerk/impl/response.ipp>
#endif

#endif
