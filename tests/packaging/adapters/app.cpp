// The program the adapters' packaging consumers build: each adapter sends to
// a loopback port where nothing listens and must report a transport error
// known not to have been sent. Exits 0 only then.
#include <clerk/backend.hpp>
#ifdef CLERK_PACKAGING_ASIO
#include <clerk/transport/asio.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <optional>
#else
#include <clerk/transport/curl.hpp>
#endif

#include <cstdio>
#include <cstdlib>

#ifdef BOOST_NO_EXCEPTIONS
#include <boost/throw_exception.hpp>

#include <exception>

namespace boost {
void throw_exception(const std::exception& e) {
  std::fprintf(stderr, "boost::throw_exception: %s\n", e.what());
  std::abort();
}
void throw_exception(const std::exception& e, const boost::source_location&) {
  throw_exception(e);
}
}  // namespace boost
#endif

int main() {
  auto config = clerk::config::make(
      {.secret_key = "sk_test_packaging0adapter", .base_url = "http://127.0.0.1:1/v1"});
  if (!config)
    return 1;
  clerk::create_sign_in_token op{.user_id = "user_1"};
#ifdef CLERK_PACKAGING_ASIO
  boost::asio::io_context io;
  clerk::asio_client client(*config, clerk::asio_transport(io.get_executor(), nullptr));
  std::optional<clerk::result<clerk::sign_in_token>> out;
  auto run = [&]() -> boost::asio::awaitable<void> {
    auto r = co_await client.send(op);
    out.emplace(std::move(r));
  };
  boost::asio::co_spawn(io, run, boost::asio::detached);
  io.run();
  bool ok =
      out && !*out && out->error().as_transport() && out->error().as_transport()->request_not_sent;
#else
  const clerk::client client(*config, clerk::curl_transport{}, clerk::retry_policy(),
                             clerk::blocking_waiter{});
  auto r = client.send(op);
  bool ok = !r && r.error().as_transport() && r.error().as_transport()->request_not_sent &&
            r.error().attempts() == 3;
#endif
  std::printf("adapter app: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
