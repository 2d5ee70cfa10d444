// Compile-time probe (tests/bench/compile_time.sh): the least a translation
// unit pays to compile a one-pass parser over Boost.JSON: basic_parser
// instantiated with a handler that does nothing. Issue 9 asks for exactly one
// such parser; in header-only mode every TU that parses compiles it, and this
// is its cost before the library reads a single field.
#include <boost/json/basic_parser_impl.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

struct nothing_handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  using ec = boost::system::error_code;
  using sv = boost::json::string_view;
  std::size_t events = 0;
  bool count() { return ++events != 0; }
  bool on_document_begin(ec&) { return count(); }
  bool on_document_end(ec&) { return count(); }
  bool on_object_begin(ec&) { return count(); }
  bool on_object_end(std::size_t, ec&) { return count(); }
  bool on_array_begin(ec&) { return count(); }
  bool on_array_end(std::size_t, ec&) { return count(); }
  bool on_key_part(sv, std::size_t, ec&) { return count(); }
  bool on_key(sv, std::size_t, ec&) { return count(); }
  bool on_string_part(sv, std::size_t, ec&) { return count(); }
  bool on_string(sv, std::size_t, ec&) { return count(); }
  bool on_number_part(sv, ec&) { return count(); }
  bool on_int64(std::int64_t, sv, ec&) { return count(); }
  bool on_uint64(std::uint64_t, sv, ec&) { return count(); }
  bool on_double(double, sv, ec&) { return count(); }
  bool on_bool(bool, ec&) { return count(); }
  bool on_null(ec&) { return count(); }
  bool on_comment_part(sv, ec&) { return count(); }
  bool on_comment(sv, ec&) { return count(); }
};

}  // namespace

std::size_t count_events(std::string_view text) {
  boost::json::basic_parser<nothing_handler> p({});
  boost::system::error_code ec;
  p.write_some(false, text.data(), text.size(), ec);
  return p.handler().events;
}
