// Creates a sign-in token and revokes it from a C++20 coroutine over the
// shipped Asio adapter, with retries waiting on a timer: the pattern for a
// program that is already async.
//
//   CLERK_SECRET_KEY=sk_test_... asio_example USER_ID [API_URL]
#include <clerk/backend.hpp>
#include <clerk/transport/asio.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

namespace asio = boost::asio;

namespace {

asio::awaitable<int> create_then_revoke(clerk::asio_client& client, std::string user_id) {
  // Operations are named locals, not temporaries inside the co_await
  // expression: g++ 12 destroys such temporaries twice (fixed in g++ 13).
  clerk::create_sign_in_token create{.user_id = user_id};
  auto created = co_await client.send(create);
  if (!created) {
    std::cerr << "create: " << created.error() << '\n';
    co_return 1;
  }
  std::cout << "created: " << *created << '\n';
  clerk::revoke_sign_in_token revoke{created->id};
  auto revoked = co_await client.send(revoke);
  if (!revoked) {
    std::cerr << "revoke: " << revoked.error() << '\n';
    co_return 1;
  }
  std::cout << "revoked: " << *revoked << '\n';
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* key = std::getenv("CLERK_SECRET_KEY");
  if (argc < 2 || argc > 3 || key == nullptr) {
    std::cerr << "usage: CLERK_SECRET_KEY=sk_test_... asio_example USER_ID [API_URL]\n";
    return 2;
  }
  clerk::options o{.secret_key = key};
  if (argc == 3)
    o.base_url = argv[2];
  auto config = clerk::config::make(std::move(o));
  if (!config) {
    std::cerr << config.error() << '\n';
    return 2;
  }
  asio::io_context io;
  asio::ssl::context tls = clerk::make_tls_context();
  // Both calls go over one connection; 429s and (for revoke) 5xx are retried.
  clerk::asio_client client(*config, clerk::asio_transport(io.get_executor(), &tls),
                            clerk::retry_policy());
  int status = 1;
  asio::co_spawn(io, create_then_revoke(client, argv[1]), [&](std::exception_ptr e, int s) {
    if (!e) {
      status = s;
      return;
    }
    // An exception from the coroutine (bad_alloc, an Asio failure thrown
    // rather than returned) is reported, not swallowed.
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      std::cerr << "asio_example: " << clerk::http::redact(x.what()) << '\n';
    } catch (...) {
      std::cerr << "asio_example: unknown exception\n";
    }
  });
  io.run();
  return status;
}
