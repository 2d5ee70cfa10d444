// Walking a list with the Asio client: <clerk/pages.hpp>'s walk, each page
// co_awaited (CMake: link clerk::asio). Not part of the core.
//
//   auto users = clerk::pages(client, clerk::backend::get_user_list{.limit = 100});
//   while (auto page = co_await users.next()) {
//     if (!*page)
//       co_return log(page->error());  // the walk's last value
//     for (const clerk::backend::user& user : **page)
//       ...
//   }
//
// Each page goes through client.send (its retry policy, its cancellation):
// a cancelled walk ends with that send's error. The client must outlive the
// walk, and one walk awaits one page at a time.
#ifndef CLERK_TRANSPORT_ASIO_PAGES_HPP
#define CLERK_TRANSPORT_ASIO_PAGES_HPP

#include <clerk/pages.hpp>
#include <clerk/result.hpp>
#include <clerk/transport/asio.hpp>
#include <clerk/version.hpp>

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <utility>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

template <class Config, list_operation Op>
class asio_page_walker {
 public:
  using value_type = result<page_of<Op>>;

  asio_page_walker(basic_asio_client<Config>& client, Op op)
      : client_(&client), walk_(std::move(op)) {}

  // The next page or the error that ends the walk; nullopt once it has ended.
  boost::asio::awaitable<std::optional<value_type>> next() {
    if (walk_.done())
      co_return std::nullopt;
    auto answer = co_await client_->send(detail::page_call<Op>{&walk_.request()});
    co_return detail::read_page(walk_, std::move(answer));
  }

 private:
  basic_asio_client<Config>* client_;
  list_walk<Op> walk_;
};

// Walks op's list through the Asio client, a page at a time.
template <class Config, list_operation Op>
asio_page_walker<Config, Op> pages(basic_asio_client<Config>& client, Op op) {
  return asio_page_walker<Config, Op>(client, std::move(op));
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
