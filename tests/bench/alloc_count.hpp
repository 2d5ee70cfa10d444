// Counts the calling thread's heap allocations: this benchmark binary replaces
// the global operator new (alloc_count.cpp) so that every allocation, the
// library's, Boost.JSON's and the standard library's, is seen.
#ifndef CLERK_BENCH_ALLOC_COUNT_HPP
#define CLERK_BENCH_ALLOC_COUNT_HPP

#include <cstddef>
#include <cstdint>
#include <span>

namespace clerk_bench {

// False in builds whose sanitizer runtime owns operator new (ThreadSanitizer
// does not let it be replaced): allocations() then stays 0.
bool counts_allocations() noexcept;

// Allocations the calling thread has made so far. Per thread, so that two
// benchmark threads neither share a counter nor contend on one.
std::uint64_t allocations() noexcept;

// While on, the calling thread records the size of each allocation it makes
// (the first max_traced of them); turning it on clears the record.
inline constexpr std::size_t max_traced = 64;
void trace_allocations(bool on) noexcept;
std::span<const std::size_t> traced_sizes() noexcept;

}  // namespace clerk_bench

#endif
