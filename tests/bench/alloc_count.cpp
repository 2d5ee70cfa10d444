// The replaced global operator new and delete behind alloc_count.hpp. They
// allocate with malloc, as the default ones do, and only count on the way.
#include "alloc_count.hpp"

#include <cstdlib>
#include <new>

// ThreadSanitizer's runtime defines operator new and delete itself, so a
// second definition fails to link: such a build counts nothing.
#if defined(__SANITIZE_THREAD__)
#define CLERK_BENCH_COUNTS 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CLERK_BENCH_COUNTS 0
#endif
#endif
#ifndef CLERK_BENCH_COUNTS
#define CLERK_BENCH_COUNTS 1
#endif

namespace clerk_bench {
namespace {

// Constant-initialised and trivial, so reaching them from operator new needs
// no guard and cannot allocate.
thread_local std::uint64_t count = 0;
thread_local bool tracing = false;
thread_local std::size_t traced[max_traced];
thread_local std::size_t traced_count = 0;

}  // namespace

bool counts_allocations() noexcept {
  return CLERK_BENCH_COUNTS;
}

std::uint64_t allocations() noexcept {
  return count;
}

void trace_allocations(bool on) noexcept {
  tracing = on;
  if (on)
    traced_count = 0;
}

std::span<const std::size_t> traced_sizes() noexcept {
  return {traced, traced_count};
}

#if CLERK_BENCH_COUNTS
namespace {

void note(std::size_t size) noexcept {
  ++count;
  if (tracing && traced_count < max_traced)
    traced[traced_count++] = size;
}

void* allocate(std::size_t size) {
  note(size);
  if (void* p = std::malloc(size == 0 ? 1 : size))
    return p;
  throw std::bad_alloc();
}

void* allocate(std::size_t size, std::align_val_t align) {
  note(size);
  auto a = static_cast<std::size_t>(align);
  // aligned_alloc wants a size that is a multiple of the alignment.
  std::size_t rounded = (size + a - 1) / a * a;
  if (void* p = std::aligned_alloc(a, rounded == 0 ? a : rounded))
    return p;
  throw std::bad_alloc();
}

}  // namespace
#endif

}  // namespace clerk_bench

#if CLERK_BENCH_COUNTS
// The nothrow forms are left to the standard library: libstdc++'s call these.
// clang-format off
void* operator new(std::size_t n) { return clerk_bench::allocate(n); }
void* operator new[](std::size_t n) { return clerk_bench::allocate(n); }
void* operator new(std::size_t n, std::align_val_t a) { return clerk_bench::allocate(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return clerk_bench::allocate(n, a); }

void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
// clang-format on
#endif
