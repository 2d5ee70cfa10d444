// expect: clerk::decl::from_header is for answers
#include <clerk/operation.hpp>

#include "answer.hpp"

#include <string>

namespace mistake_header_in_request {
struct op {
  std::string token;
  using response_type = mistakes::answer;
  static constexpr auto describe() {
    using namespace clerk::decl;
#ifdef CLERK_MISTAKE
    return endpoint(clerk::http_method::post, path("/things"),
                    json_body(from_header("Authorization", &op::token)));
#else
    return endpoint(clerk::http_method::post, path("/things"),
                    json_body(field("token", &op::token)));
#endif
  }
};
inline const auto& info = clerk::detail::operation_info_of<op>;
}  // namespace mistake_header_in_request
