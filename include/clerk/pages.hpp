// Walking a list: one way for every list operation, a page at a time.
//
//   clerk::client client(*cfg, clerk::curl_transport{}, *policy, clerk::blocking_waiter{});
//   for (auto& page : clerk::pages(client, clerk::backend::get_user_list{.limit = 100})) {
//     if (!page)
//       return std::cerr << page.error() << '\n', 1;  // the walk ends with its error
//     for (const clerk::backend::user& user : *page)
//       std::cout << user.id << '\n';
//   }
//
// With the Asio client (<clerk/transport/asio_pages.hpp>), the same walk is
// `auto users = clerk::pages(client, op); while (auto page = co_await
// users.next()) { if (!*page) ...; for (auto& user : **page) ... }`.
//
// Any declared operation whose answer is a list walks so, found from its
// response_type: a bare JSON array (std::vector<T>), or a model with an array
// member named "data" or "m2m_tokens" (and, if the answer says it, a
// "total_count"); its query must have a "limit" and an "offset" or a
// "starting_after" field (found by wire name). What the walk does:
// - one request a page, each sent through the client, so under its retry
//   policy (a 429 waits out Retry-After); only the current page is held;
// - `limit` as the caller set it, else default_page_limit (Clerk's default),
//   checked by the request builder against the field's at_least/at_most: a
//   limit outside the operation's bounds is an invalid_request before
//   anything is sent, never Clerk's silent cap;
// - pages by `starting_after` (the id of the previous page's last item) when
//   the operation has it, the caller set no offset and no ordering other than
//   created_at's; else by `offset`, from the caller's;
// - stops after a page shorter than the limit (an empty one too), or once the
//   answer's total_count is reached; or after an error, the walk's last
//   value, which keeps what the client gives (status, Clerk's codes, trace id);
// - by cursor, ends with an unexpected_response error (that answer's status
//   and trace id; problem: the page did not advance past "<id>") in place of
//   a full page whose last id is the starting_after just sent: a server that
//   ignores the cursor would otherwise be asked the same page for ever.
#ifndef CLERK_PAGES_HPP
#define CLERK_PAGES_HPP

#include <clerk/detail/model_info.hpp>
#include <clerk/detail/operation_info.hpp>
#include <clerk/http.hpp>
#include <clerk/operation.hpp>
#include <clerk/result.hpp>
#include <clerk/version.hpp>

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// The page size a walk asks for when the caller sets no limit: the default
// of Clerk's list operations, sent explicitly so that a short page is known.
inline constexpr std::int64_t default_page_limit = 10;

// One page of a list: its items, and the size of the whole list when the
// answer says it (a {data, total_count} answer).
template <class T>
struct page {
  std::vector<T> items;
  std::optional<std::int64_t> total_count;

  auto begin() noexcept { return items.begin(); }
  auto end() noexcept { return items.end(); }
  auto begin() const noexcept { return items.begin(); }
  auto end() const noexcept { return items.end(); }
  std::size_t size() const noexcept { return items.size(); }
  bool empty() const noexcept { return items.empty(); }
  friend bool operator==(const page&, const page&) = default;
};

namespace detail {

inline constexpr std::size_t no_field = std::size_t(-1);

// The index of the field whose wire name is `name` among Src's (a model's,
// an operation's query: model_fields, query_fields), or no_field.
template <class Src>
constexpr std::size_t wire_index(std::string_view name) {
  std::size_t at = no_field, i = 0;
  auto look = [&](const auto& f) {
    if constexpr (requires { f.opt; })
      if (at == no_field && f.name == name)
        at = i;
    ++i;
  };
  for_each_part(Src::fields, look);
  return at;
}

// The member that field I of Src names, in `object`.
template <class Src, std::size_t I, class Object>
constexpr auto& member_at(Object& object) {
  return object.*(get_part<I>(Src::fields).member);
}

// A number member (std::int64_t, double, or an optional of either): its
// value, or nullopt when unset or not a number (a double that is NaN).
template <class M>
std::optional<std::int64_t> number_in(const M& m) {
  if constexpr (unwrap<M>::optional) {
    if (!m)
      return std::nullopt;
    return number_in(*m);
  } else if constexpr (std::is_floating_point_v<M>) {
    if (std::isnan(m))
      return std::nullopt;
    constexpr double top = 9.2e18;  // within int64, and every larger double past it
    return m >= top    ? std::numeric_limits<std::int64_t>::max()
           : m <= -top ? std::numeric_limits<std::int64_t>::min()
                       : static_cast<std::int64_t>(m);
  } else {
    return static_cast<std::int64_t>(m);
  }
}
template <class M>
void set_number(M& m, std::int64_t n) {
  using V = typename unwrap<M>::type;
  m = static_cast<V>(n);
}

template <class V>
struct vector_item {};
template <class T, class A>
struct vector_item<std::vector<T, A>> {
  using type = T;
};

// How an answer of type R holds a page: `value` when it is a list.
template <class R>
struct list_shape {
  static constexpr bool value = false;
};
template <class T, class A>
struct list_shape<std::vector<T, A>> {
  static constexpr bool value = true;
  using item = T;
  static page<T> take(std::vector<T, A>&& answer) { return {std::move(answer), std::nullopt}; }
};
template <class R, std::size_t Items>
struct model_list {
  static constexpr bool value = false;
};
template <class R, std::size_t Items>
requires(Items != no_field) struct model_list<R, Items> {
  using items_member =
      std::remove_cvref_t<decltype(member_at<model_fields<R>, Items>(std::declval<R&>()))>;
  using items_type = typename unwrap<items_member>::type;
  static constexpr bool value = requires { typename vector_item<items_type>::type; };
};
template <class R>
constexpr std::size_t items_index() {
  const std::size_t data = wire_index<model_fields<R>>("data");
  return data != no_field ? data : wire_index<model_fields<R>>("m2m_tokens");
}
template <class R, std::size_t Items, bool = model_list<R, Items>::value>
struct model_list_shape {
  static constexpr bool value = false;
};
template <class R, std::size_t Items>
struct model_list_shape<R, Items, true> {
  static constexpr bool value = true;
  static constexpr std::size_t total = wire_index<model_fields<R>>("total_count");
  using item = typename vector_item<typename model_list<R, Items>::items_type>::type;
  static page<item> take(R&& answer) {
    page<item> p;
    auto& items = member_at<model_fields<R>, Items>(answer);
    if constexpr (unwrap<std::remove_cvref_t<decltype(items)>>::optional) {
      if (items)
        p.items = std::move(*items);
    } else {
      p.items = std::move(items);
    }
    if constexpr (total != no_field)
      p.total_count = number_in(member_at<model_fields<R>, total>(answer));
    return p;
  }
};
template <declared_model R>
struct list_shape<R> : model_list_shape<R, items_index<R>()> {};

// The paging members of an operation's query, by wire name.
template <class Op>
struct list_query {
  using Q = query_fields<Op>;
  static constexpr std::size_t limit = wire_index<Q>("limit");
  static constexpr std::size_t offset = wire_index<Q>("offset");
  static constexpr std::size_t starting_after = wire_index<Q>("starting_after");
  static constexpr std::size_t order_by = wire_index<Q>("order_by");
};

// A string member (std::string or an optional one): its text, or nullopt.
template <class M>
std::optional<std::string_view> text_in(const M& m) {
  if constexpr (unwrap<M>::optional) {
    if (!m)
      return std::nullopt;
    return std::string_view(*m);
  } else {
    return std::string_view(m);
  }
}

}  // namespace detail

// A declared operation that walks as a list: see the top of this header.
template <class Op>
concept list_operation = declared_operation<Op> &&
                             detail::list_shape<typename Op::response_type>::value &&
                             detail::list_query<Op>::limit != detail::no_field &&
                         (detail::list_query<Op>::offset != detail::no_field ||
                          detail::list_query<Op>::starting_after != detail::no_field);

template <list_operation Op>
using page_of = page<typename detail::list_shape<typename Op::response_type>::item>;

// The walk itself, without I/O: which request comes next, and what each
// answer says about the one after. pages() drives it through a client; drive
// it yourself for another way of sending: while (!w.done()) { auto p =
// w.read(send(w.request())); ... }.
template <list_operation Op>
class list_walk {
  using shape = detail::list_shape<typename Op::response_type>;
  using query = detail::list_query<Op>;
  using Q = typename query::Q;

 public:
  using page_type = page_of<Op>;

  explicit list_walk(Op op) : op_(std::move(op)) {
    auto& limit = detail::member_at<Q, query::limit>(op_);
    if (auto n = detail::number_in(limit))
      limit_ = *n;
    else
      detail::set_number(limit, limit_);
    if constexpr (query::offset != detail::no_field)
      offset_ = detail::number_in(detail::member_at<Q, query::offset>(op_)).value_or(0);
    if constexpr (query::starting_after != detail::no_field) {
      using item = typename shape::item;
      static_assert(detail::wire_index<detail::model_fields<item>>("id") != detail::no_field,
                    "clerk::list_walk: an operation with starting_after pages by the id of the "
                    "last item, so its items must declare an \"id\" field");
      bool ordered = true;  // by created_at, the one order a cursor follows
      if constexpr (query::order_by != detail::no_field) {
        auto order = detail::text_in(detail::member_at<Q, query::order_by>(op_));
        ordered =
            !order || *order == "created_at" || *order == "+created_at" || *order == "-created_at";
      }
      by_cursor_ = ordered && offset_ == 0;
    }
  }

  // No request is left: the last page, or an error, was read.
  bool done() const noexcept { return done_; }
  // The request for the next page (while !done()).
  const Op& request() const noexcept { return op_; }

  // The page in `answer` (the result of sending request()), or its error,
  // which ends the walk; either way request() is then the next page's. A
  // cursor page that did not advance ends the walk with an
  // unexpected_response holding `status` and `clerk_trace_id`, those of the
  // HTTP answer when the caller knows them (0 and empty otherwise).
  result<page_type> read(result<typename Op::response_type>&& answer, int status = 0,
                         std::string_view clerk_trace_id = {}) {
    if (!answer) {
      done_ = true;
      return std::move(answer).error();
    }
    page_type p = shape::take(std::move(*answer));
    const auto n = static_cast<std::int64_t>(p.size());
    const std::int64_t next =
        offset_ > std::numeric_limits<std::int64_t>::max() - n ? offset_ : offset_ + n;
    done_ = n == 0 || n < limit_ || next == offset_ ||
            (!by_cursor_ && p.total_count && next >= *p.total_count);
    if (done_)
      return p;
    if constexpr (query::starting_after != detail::no_field) {
      if (by_cursor_) {
        // An empty id (a broken answer) makes a request the builder refuses,
        // naming starting_after: the walk ends with that error.
        using id_at = detail::model_fields<typename shape::item>;
        constexpr std::size_t id = detail::wire_index<id_at>("id");
        const auto last = detail::text_in(detail::member_at<id_at, id>(p.items.back()));
        auto& cursor = detail::member_at<Q, query::starting_after>(op_);
        if (last && detail::text_in(cursor) == last) {
          done_ = true;
          unexpected_response u;
          u.status = status;
          u.clerk_trace_id = std::string(clerk_trace_id);
          u.problem = "the page did not advance past \"" + std::string(*last) + '"';
          return error(std::move(u));
        }
        cursor = std::string(last.value_or(""));
        return p;
      }
    }
    if constexpr (query::offset != detail::no_field) {
      offset_ = next;
      detail::set_number(detail::member_at<Q, query::offset>(op_), offset_);
    } else {
      done_ = true;  // the order chosen follows no cursor, and there is no offset
    }
    return p;
  }

 private:
  Op op_;
  std::int64_t limit_ = default_page_limit;
  std::int64_t offset_ = 0;
  bool by_cursor_ = false;
  bool done_ = false;
};

namespace detail {

// An answer, with the status and trace id of the HTTP response it came in.
template <class R>
struct traced_answer {
  R value;
  int status = 0;
  std::string clerk_trace_id;
};

// A list operation sent as a page of a walk: a client sends it as any
// operation that is not declared (its build_request and parse_response, by
// ADL), so with the same request, retries and parse as `*op`, and its answer
// keeps what list_walk::read puts in the error of a page that did not advance.
template <list_operation Op>
struct page_call {
  const Op* op;
  using response_type = traced_answer<typename Op::response_type>;
  static constexpr bool idempotent = operation_info_of<Op>.idempotent;
  static constexpr std::string_view already_done_code = operation_info_of<Op>.already_done;

  template <class Service>
  friend result<http_request> build_request(const page_call& c, const Service& service) {
    return clerk::build_request(*c.op, service);
  }
  template <class Service>
  friend result<response_type> parse_response(const page_call& c, const http_response& r,
                                              const Service& service) {
    auto answer = clerk::parse_response(*c.op, r, service);
    if (!answer)
      return std::move(answer).error();
    return response_type{std::move(*answer), r.status,
                         std::string(r.headers.find("clerk-trace-id").value_or(""))};
  }
};

template <class Op>
result<page_of<Op>> read_page(list_walk<Op>& walk,
                              result<traced_answer<typename Op::response_type>>&& answer) {
  if (!answer)
    return walk.read(std::move(answer).error());
  return walk.read(std::move(answer->value), answer->status, answer->clerk_trace_id);
}

}  // namespace detail

// A client whose send(op) answers at once (clerk::client).
template <class Client, class Op>
concept blocking_client = requires(const Client& c, const Op& op) {
  { c.send(op) } -> std::same_as<result<typename Op::response_type>>;
};

// The pages of a list operation sent through a blocking client: an input
// range of result<page_of<Op>> (see the top of this header), or next() for
// one page at a time (nullopt after the last). Use one or the other. The
// client must outlive the range.
template <class Client, list_operation Op>
requires blocking_client<Client, Op>
class page_range {
 public:
  using value_type = result<page_of<Op>>;

  page_range(const Client& client, Op op) : client_(&client), walk_(std::move(op)) {}

  // The next page or the error that ends the walk; nullopt once it has ended.
  std::optional<value_type> next() {
    if (walk_.done())
      return std::nullopt;
    // A client that sends declared operations only: the walk's error for a
    // page that did not advance then has no status or trace id.
    if constexpr (blocking_client<Client, detail::page_call<Op>>)
      return detail::read_page(walk_, client_->send(detail::page_call<Op>{&walk_.request()}));
    else
      return walk_.read(client_->send(walk_.request()));
  }

  class iterator {
   public:
    using value_type = page_range::value_type;
    using difference_type = std::ptrdiff_t;
    using iterator_concept = std::input_iterator_tag;
    iterator() = default;
    value_type& operator*() const { return *range_->current_; }
    value_type* operator->() const { return &*range_->current_; }
    iterator& operator++() {
      range_->current_.reset();  // the page before is gone before the next is read
      range_->current_ = range_->next();
      return *this;
    }
    void operator++(int) { ++*this; }
    friend bool operator==(const iterator& i, std::default_sentinel_t) { return i.at_end(); }

   private:
    friend class page_range;
    explicit iterator(page_range* r) : range_(r) {}
    bool at_end() const { return !range_->current_; }
    page_range* range_ = nullptr;
  };

  // Reads the first page: call once.
  iterator begin() {
    if (!begun_) {
      begun_ = true;
      current_ = next();
    }
    return iterator(this);
  }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  const Client* client_;
  list_walk<Op> walk_;
  std::optional<value_type> current_;
  bool begun_ = false;
};

// Walks op's list through `client`, a page at a time.
template <class Client, list_operation Op>
requires blocking_client<Client, Op> page_range<Client, Op> pages(const Client& client, Op op) {
  return page_range<Client, Op>(client, std::move(op));
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
