// clerk-backend-cpp: version numbers and the versioned inline namespace.
#ifndef CLERK_VERSION_HPP
#define CLERK_VERSION_HPP

#include <string_view>

#define CLERK_BACKEND_VERSION_MAJOR 0
#define CLERK_BACKEND_VERSION_MINOR 1
#define CLERK_BACKEND_VERSION_PATCH 0
#define CLERK_BACKEND_VERSION_STRING "0.1.0"

// Every public name lives in clerk::CLERK_BACKEND_ABI. The inline namespace is
// part of each mangled name, so two versions linked into one program cannot
// silently mix layouts: a type passed across the boundary fails to link.
#define CLERK_BACKEND_ABI v0_1_0

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

inline constexpr std::string_view version = CLERK_BACKEND_VERSION_STRING;

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
