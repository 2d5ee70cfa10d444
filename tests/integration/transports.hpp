// The transports as clerk::transport values, for tests that run the same
// checks over each: the shipped curl adapter, the cpp-httplib example and the
// shipped Asio adapter. The Asio one is asynchronous; here it runs one
// io_context a request, which is what a blocking caller does.
#ifndef CLERK_TESTS_INTEGRATION_TRANSPORTS_HPP
#define CLERK_TESTS_INTEGRATION_TRANSPORTS_HPP

#include "transports/httplib_transport.hpp"

#include <clerk/transport.hpp>
#include <clerk/transport/asio.hpp>
#include <clerk/transport/curl.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <optional>
#include <system_error>
#include <type_traits>

namespace clerk_test {

// `tls` (optional) is what an https:// request is verified with.
inline clerk::transport_result asio_send(const clerk::http_request& r,
                                         boost::asio::ssl::context* tls = nullptr) {
  boost::asio::io_context io;
  clerk::asio_transport transport(io.get_executor(), tls);  // outlives the coroutine
  std::optional<clerk::transport_result> out;
  auto run = [&]() -> boost::asio::awaitable<void> {
    auto answer = co_await transport.async_send(r);
    out.emplace(std::move(answer));
  };
  boost::asio::co_spawn(io, run, boost::asio::detached);
  io.run();
  if (!out)
    return clerk::transport_error{std::make_error_code(std::errc::io_error),
                                  "the coroutine ended without a result", false};
  return std::move(*out);
}

struct asio_blocking {
  clerk::transport_result operator()(const clerk::http_request& r) const { return asio_send(r); }
};

static_assert(clerk::transport<asio_blocking>);

template <class T>
constexpr const char* transport_name() {
  if constexpr (std::is_same_v<T, clerk::curl_transport>)
    return "curl";
  else if constexpr (std::is_same_v<T, clerk_examples::httplib_transport>)
    return "cpp-httplib";
  else
    return "Asio";
}

}  // namespace clerk_test

#endif
