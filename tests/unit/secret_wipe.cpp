// A secret's bytes are zero by the time its memory goes back to the
// allocator, and a move leaves no copy behind; neither does a client's send
// leave the copies it made (the Authorization header, a body holding a
// ticket, an answer holding a token) in freed memory. The global operator delete is
// replaced here to look at a watched block just before it is freed, which is
// why this is a program of its own (CTest: unit_secret_wipe), and why it is
// not built under ThreadSanitizer, whose runtime defines operator new itself.
#include <clerk/backend/sign_in_tokens.hpp>
#include <clerk/client.hpp>
#include <clerk/frontend/operations.hpp>
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

#include <malloc.h>

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

// Every freed block is searched for these while a client sends.
const char* markers[2] = {nullptr, nullptr};
int freed_with_marker[2] = {0, 0};

void inspect(void* p) noexcept {
  if (p != nullptr)
    for (int i = 0; i < 2; ++i)
      if (markers[i] != nullptr &&
          memmem(p, malloc_usable_size(p), markers[i], std::strlen(markers[i])) != nullptr)
        ++freed_with_marker[i];
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

// Marker-bearing answers of a canned service.
constexpr const char* key_marker = "sk_live_KEY0MARKER0abcdef";
constexpr const char* token_marker = "TOKEN0MARKER0signature";
constexpr const char* ticket_marker = "TICKET0MARKER0signature";

clerk::transport_result backend_answer(const clerk::http_request&) {
  clerk::http_response r;
  r.status = 200;
  r.headers.add("Content-Type", "application/json");
  r.body = R"({"object":"sign_in_token","id":"sit_1","status":"pending","user_id":"u",)"
           R"("token":"eyJhbGciOiJSUzI1NiJ9.e30.TOKEN0MARKER0signature",)"
           R"("created_at":1,"updated_at":1})";
  return r;
}

clerk::transport_result frontend_answer(const clerk::http_request&) {
  clerk::http_response r;
  r.status = 200;
  r.headers.add("Content-Type", "application/json");
  r.headers.add("Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.TOKEN0MARKER0signature");
  r.body = R"({"response":{"id":"sia_1","status":"complete","created_session_id":"sess_1"},)"
           R"("client":null})";
  return r;
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
  {
    markers[0] = key_marker;
    markers[1] = token_marker;
    {
      auto cfg = clerk::config::make({.secret_key = key_marker});
      const clerk::client client(*cfg, &backend_answer);
      for (int i = 0; i < 3; ++i)
        if (!client.send(clerk::create_sign_in_token{.user_id = "u"}))
          check("the canned create answer parses", false);
    }
    check("a Backend API send frees no copy of the secret key unwiped", freed_with_marker[0] == 0);
    check("a Backend API send frees no copy of the answer's token unwiped",
          freed_with_marker[1] == 0);
  }
  {
    markers[0] = ticket_marker;
    markers[1] = token_marker;
    freed_with_marker[0] = freed_with_marker[1] = 0;
    {
      auto cfg =
          clerk::frontend::frontend_config::make({.frontend_api_url = "https://clerk.example.com"});
      const clerk::client client(*cfg, &frontend_answer);
      clerk::frontend::client_token token("Bearer eyJhbGciOiJSUzI1NiJ9.e30.TOKEN0MARKER0signature");
      for (int i = 0; i < 3; ++i)
        if (!client.send(clerk::frontend::sign_in_with_ticket{clerk::secret(
                             "eyJ0.e30.TICKET0MARKER0signature")},
                         token))
          check("the canned sign-in answer parses", false);
    }
    check("a Frontend API send frees no copy of the ticket unwiped", freed_with_marker[0] == 0);
    check("a Frontend API send frees no copy of the client token unwiped",
          freed_with_marker[1] == 0);
    markers[0] = markers[1] = nullptr;
  }
  return failures == 0 ? 0 : 1;
}
