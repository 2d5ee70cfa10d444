// expect: clerk::decl::query takes scalars and arrays of scalars, without free_text
#include <clerk/operation.hpp>

#include "answer.hpp"

#include <optional>
#include <string>

namespace mistake_free_text_in_query {
struct op {
  std::optional<std::string> q;
  using response_type = mistakes::answer;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return endpoint(clerk::http_method::get, path("/things"), query(field("q", &op::q, free_text)));
#else
    return endpoint(clerk::http_method::get, path("/things"), query(field("q", &op::q)));
#endif
  }
};
inline const auto& info = clerk::detail::operation_info_of<op>;
}  // namespace mistake_free_text_in_query
