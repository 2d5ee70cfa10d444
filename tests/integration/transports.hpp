// The three example transports as clerk::transport values, for tests that
// run the same checks over each. The Beast transport is asynchronous; here
// it runs one io_context a request, which is what a blocking caller does.
#ifndef CLERK_TESTS_INTEGRATION_TRANSPORTS_HPP
#define CLERK_TESTS_INTEGRATION_TRANSPORTS_HPP

#include "transports/beast_transport.hpp"
#include "transports/curl_transport.hpp"
#include "transports/httplib_transport.hpp"

#include <clerk/transport.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <optional>
#include <system_error>

namespace clerk_test {

struct beast_blocking {
  clerk::transport_result operator()(const clerk::http_request& r) const {
    boost::asio::io_context io;
    const clerk_examples::beast_transport transport{};  // outlives the coroutine
    std::optional<clerk::transport_result> out;
    auto run = [&]() -> boost::asio::awaitable<void> { out.emplace(co_await transport(r)); };
    boost::asio::co_spawn(io, run, boost::asio::detached);
    io.run();
    if (!out)
      return clerk::transport_error{std::make_error_code(std::errc::io_error),
                                    "the coroutine ended without a result", false};
    return std::move(*out);
  }
};

static_assert(clerk::transport<beast_blocking>);

template <class T>
constexpr const char* transport_name() {
  if constexpr (std::is_same_v<T, clerk_examples::curl_transport>)
    return "curl";
  else if constexpr (std::is_same_v<T, clerk_examples::httplib_transport>)
    return "cpp-httplib";
  else
    return "Boost.Beast";
}

}  // namespace clerk_test

#endif
