// Printing a Backend API model: `os << user` writes one line, every secret
// redacted (clerk::print). A template, so that a model's printer is compiled
// only where something prints it.
#ifndef CLERK_BACKEND_PRINT_HPP
#define CLERK_BACKEND_PRINT_HPP

#include <clerk/model.hpp>
#include <clerk/version.hpp>

#include <ostream>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace backend {

template <detail::declared_model T>
std::ostream& operator<<(std::ostream& os, const T& m) {
  return print(os, m);
}

}  // namespace backend
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
