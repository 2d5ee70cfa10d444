// What a transport is: any callable that sends a request description and
// returns a response description or a transport_error.
#ifndef CLERK_TRANSPORT_HPP
#define CLERK_TRANSPORT_HPP

#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/result.hpp>
#include <clerk/version.hpp>

#include <concepts>
#include <type_traits>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// What a transport returns. Any HTTP status is a response, not an error: a
// transport_error means only "no response was had".
using transport_result = basic_result<http_response, transport_error>;

// Called through a const reference, since the client that holds it is
// const-callable. A transport with mutable state (a reused connection) is
// passed as std::ref(t), or keeps that state behind a pointer.
template <class T>
concept transport = std::invocable<const T&, const http_request&> &&
    std::convertible_to<std::invoke_result_t<const T&, const http_request&>, transport_result>;

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
