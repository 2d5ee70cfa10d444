// How the library's non-template functions are compiled.
#ifndef CLERK_DETAIL_DECL_HPP
#define CLERK_DETAIL_DECL_HPP

// By default every header is complete: definitions are inline (header-only).
// With CLERK_BACKEND_SEPARATE_COMPILATION defined for the whole program, the
// public headers only declare the heavy functions (and include no JSON
// parser), and <clerk/src.hpp>, included in exactly one translation unit,
// defines them: every other TU that includes the library compiles faster.
#ifdef CLERK_BACKEND_SEPARATE_COMPILATION
#define CLERK_BACKEND_DECL
#else
#define CLERK_BACKEND_DECL inline
#endif

#endif
