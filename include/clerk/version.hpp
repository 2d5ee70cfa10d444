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
// silently mix layouts: a type passed across the boundary fails to link. The
// build mode is part of it too: translation units built with and without
// CLERK_BACKEND_SEPARATE_COMPILATION that share a library type, or a
// separate build that forgot <clerk/src.hpp>, fail to link instead of
// silently mixing inline and out-of-line definitions.
#ifdef CLERK_BACKEND_SEPARATE_COMPILATION
#define CLERK_BACKEND_ABI v0_1_0_sc
#else
#define CLERK_BACKEND_ABI v0_1_0
#endif

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

inline constexpr std::string_view version = CLERK_BACKEND_VERSION_STRING;

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
