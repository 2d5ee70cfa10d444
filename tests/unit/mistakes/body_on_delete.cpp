// expect: a GET or DELETE carries no body
#include <clerk/operation.hpp>

#include "answer.hpp"

#include <string>

namespace mistake_body_on_delete {
struct op {
  std::string name;
  using response_type = mistakes::answer;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return endpoint(clerk::http_method::delete_, path("/things"),
                    form_body(field("name", &op::name)));
#else
    return endpoint(clerk::http_method::post, path("/things"), form_body(field("name", &op::name)));
#endif
  }
};
inline const auto& info = clerk::detail::operation_info_of<op>;
}  // namespace mistake_body_on_delete
