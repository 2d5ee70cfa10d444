// consume_ticket for the Asio adapter: the same steps as <clerk/frontend_sign_in.hpp>
// (detail::ticket_flow), each call co_awaited through an asio_frontend_client.
//
//   clerk::asio_frontend_client fapi(*frontend_config, clerk::asio_transport(executor, &tls));
//   auto session = co_await clerk::consume_ticket(fapi, token, clerk::secret(ticket));
#ifndef CLERK_TRANSPORT_ASIO_SIGN_IN_HPP
#define CLERK_TRANSPORT_ASIO_SIGN_IN_HPP

#include <clerk/frontend/sign_in.hpp>
#include <clerk/transport/asio.hpp>
#include <clerk/version.hpp>

#include <boost/asio/awaitable.hpp>

#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace frontend {

// What the synchronous consume_ticket does, as a coroutine: see there. The
// ticket and the options are copied into the coroutine; `fapi` and `token`
// (the caller's state, updated from every answer) must outlive the call.
inline boost::asio::awaitable<result<ticket_sign_in>> consume_ticket(asio_frontend_client& fapi,
                                                                     client_token& token,
                                                                     secret ticket,
                                                                     consume_options options = {}) {
  // Named operations: g++ 12 mishandles a temporary in a co_await expression.
  const read_client read;
  const create_client create;
  detail::ticket_flow flow(ticket, options);
  if (auto e = flow.check(fapi.config(), token, fapi.policy()))
    co_return std::move(*e);
  if (!token.empty()) {
    auto current = co_await fapi.send(read, token);
    if (auto e = flow.on_read(current, token))
      co_return std::move(*e);
  }
  if (token.empty()) {
    auto made = co_await fapi.send(create, token);
    if (auto e = flow.on_create(made, token))
      co_return std::move(*e);
  }
  auto signed_in = co_await fapi.send(flow.sign_in(), token);
  if (auto e = flow.on_sign_in(signed_in))
    co_return std::move(*e);
  if (flow.must_recover()) {
    auto client = co_await fapi.send(read, token);
    if (auto e = flow.on_recovery(client))
      co_return std::move(*e);
  }
  const touch_session touch = flow.touch();
  auto touched = co_await fapi.send(touch, token);
  if (auto e = flow.on_touch(touched))
    co_return std::move(*e);
  const mint_session_token mint = flow.mint();
  auto jwt = co_await fapi.send(mint, token);
  co_return flow.on_mint(jwt);
}

}  // namespace frontend
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
