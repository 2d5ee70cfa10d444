// A secret's bytes are zero by the time its memory goes back to the
// allocator, and a move leaves no copy behind. The global operator delete is
// replaced here to look at a watched block just before it is freed, which is
// why this is a program of its own (CTest: unit_secret_wipe), and why it is
// not built under ThreadSanitizer, whose runtime defines operator new itself.
#include <clerk/secret.hpp>

#if defined(__SANITIZE_THREAD__)
#define CLERK_WIPE_TEST 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CLERK_WIPE_TEST 0
#endif
#endif
#ifndef CLERK_WIPE_TEST
#define CLERK_WIPE_TEST 1
#endif

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <utility>

namespace {

const void* watched = nullptr;
std::size_t watched_size = 0;
char freed[256];
bool seen = false;

void inspect(void* p) noexcept {
  if (p != nullptr && p == watched) {
    std::memcpy(freed, p, watched_size);
    seen = true;
    watched = nullptr;
  }
}

void watch(std::string_view bytes) {
  watched = bytes.data();
  watched_size = bytes.size();
  seen = false;
}

bool freed_zeroed() {
  if (!seen)
    return false;
  for (std::size_t i = 0; i < watched_size; ++i)
    if (freed[i] != 0)
      return false;
  return true;
}

int failures = 0;
void check(const char* what, bool ok) {
  std::printf("%s: %s\n", ok ? "pass" : "FAIL", what);
  failures += !ok;
}

}  // namespace

#if CLERK_WIPE_TEST
// These replace the global forms with malloc and free, as the standard allows;
// g++ -O3 inlines both into main() and then wrongly calls the pair mismatched.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(std::size_t n) {
  if (void* p = std::malloc(n == 0 ? 1 : n))
    return p;
  std::abort();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void operator delete(void* p) noexcept {
  inspect(p);
  std::free(p);
}
void operator delete[](void* p) noexcept {
  inspect(p);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  operator delete(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  operator delete[](p);
}
#endif

int main() {
  if (!CLERK_WIPE_TEST) {
    std::puts("skipped: ThreadSanitizer's runtime owns operator new and delete");
    return 77;  // CTest's SKIP_RETURN_CODE
  }
  const std::string key = "sk_live_0123456789abcdefghijklmnopqrstuvwxyzABCDEF";
  {
    auto* s = new clerk::secret(key);
    watch(s->reveal());
    delete s;
    check("a destroyed secret's bytes are zero when freed", freed_zeroed());
  }
  {
    clerk::secret s(key);
    watch(s.reveal());
    s = clerk::secret("sk_test_other_value_long_enough_for_the_heap");
    check("an assigned-over secret's old bytes are zero when freed", freed_zeroed());
  }
  {
    clerk::secret a(key);
    const char* bytes = a.reveal().data();
    clerk::secret b(std::move(a));
    check("a moved-from secret holds nothing", a.empty() && a.reveal().data() == nullptr);
    check("a move hands the buffer over without copying it", b.reveal().data() == bytes);
    watch(b.reveal());
  }
  check("the moved-to secret's bytes are zero when freed", freed_zeroed());
  {
    std::string text = key;
    clerk::secret s(std::move(text));
    check("a string moved into a secret is wiped",
          s.reveal() == key && text.find_first_not_of('\0') == std::string::npos);
  }
  return failures == 0 ? 0 : 1;
}
