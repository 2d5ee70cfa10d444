// expect: clerk::decl::idempotent and clerk::decl::already_done
#include <clerk/operation.hpp>

#include "answer.hpp"

#include <string>
#include <string_view>

namespace mistake_idempotent_member {
struct op {
  std::string id;
  using response_type = mistakes::answer;
#ifdef CLERK_MISTAKE
  // The old convention, misspelt: it would have been silently ignored.
  static constexpr std::string_view already_done_code = "gone";
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::post, path("/things/", param("id", &op::id), "/revoke"));
  }
#else
  static constexpr auto describe() {
    using namespace clerk::decl;
    return endpoint(clerk::http_method::post, path("/things/", param("id", &op::id), "/revoke"),
                    idempotent, already_done("gone"));
  }
#endif
};
inline const auto& info = clerk::detail::operation_info_of<op>;
static_assert(info.idempotent == (info.already_done == "gone"));
}  // namespace mistake_idempotent_member
