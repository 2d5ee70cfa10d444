// clerk::curl_transport: a synchronous clerk::transport over libcurl
// (Debian: libcurl4-openssl-dev; CMake: link clerk::curl). Not part of
// <clerk/backend.hpp>: the core performs no I/O.
//
//   clerk::client client(*config, clerk::curl_transport{});
//   // with retries, waiting on this thread:
//   clerk::client client(*config, clerk::curl_transport{}, *policy, clerk::blocking_waiter{});
//
// What it does:
// - reuses connections: a transport keeps a pool of curl handles, each with
//   its connection cache; DNS answers and TLS sessions are shared by all.
//   Copies of a transport share the pool. One transport may be called from
//   many threads at once: each call takes a handle of its own.
// - the request's timeout bounds the whole exchange, connection included;
// - never follows a redirect (the request carries the secret key): a 3xx
//   comes back as a response, for the parser to refuse;
// - verifies TLS peers and host names against the system's CA store (or
//   curl_options::ca_file);
// - reads at most the request's max_body_bytes + 1 bytes of a body, and hands
//   that back, so the parser refuses it as an unexpected_response;
// - sets transport_error::request_not_sent only when curl failed before any
//   byte of the request went out (DNS, connect, TLS handshake), and had not
//   sent it before on a connection that died: a resend that cannot connect
//   leaves the first send standing;
// - never sends a request that is not replayable (http_request::replayable)
//   twice. libcurl by itself sends a request again on a fresh connection
//   when a reused one died after the request was written; a callback libcurl
//   calls before every send (CURLOPT_PREREQFUNCTION, libcurl 7.80) refuses
//   that second send, and the call fails with a transport_error whose
//   request_not_sent is false: the server may have done it. With an older
//   libcurl, a request that is not replayable goes on a fresh connection
//   (CURLOPT_FRESH_CONNECT), where libcurl never resends: safe, slower; a
//   replayable one that libcurl resends to a server gone may then be reported
//   unsent (the sends are not counted there).
//
// It works with -fno-exceptions -fno-rtti. libcurl is initialised once, on
// first use, and never cleaned up (curl_global_cleanup at exit is optional).
#ifndef CLERK_TRANSPORT_CURL_HPP
#define CLERK_TRANSPORT_CURL_HPP

#include <clerk/error.hpp>
#include <clerk/http.hpp>
#include <clerk/transport.hpp>
#include <clerk/transport/sleep.hpp>
#include <clerk/version.hpp>

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

// The category of CURLcode values: a transport_error keeps curl's own code,
// e.g. error.as_transport()->code.value() == CURLE_OPERATION_TIMEDOUT.
class curl_error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "curl"; }
  std::string message(int code) const override {
    return curl_easy_strerror(static_cast<CURLcode>(code));
  }
};

inline const std::error_category& curl_category() noexcept {
  static const curl_error_category c;
  return c;
}

struct curl_options {
  // Connecting (TCP and TLS) gives up after this, or the request's timeout
  // if that is shorter.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // A proxy URL, e.g. "http://proxy.example:3128". Empty: curl's default,
  // the http_proxy / https_proxy / no_proxy environment variables.
  std::string proxy{};
  // Empty: the system's CA store (Debian: /etc/ssl/certs/ca-certificates.crt).
  std::string ca_file{};
  // Handles kept for reuse when idle; each holds its own connections.
  // More threads than this at once still work, with a fresh handle each.
  std::size_t max_idle_handles = 16;
};

class curl_transport {
 public:
  curl_transport() : curl_transport(curl_options{}) {}
  explicit curl_transport(curl_options o) : pool_(std::make_shared<pool>(std::move(o))) {}

  // The response, whatever its status, or a transport_error when none was had.
  transport_result operator()(const http_request& r) const {
    if (r.timeout.count() <= 0)
      return transport_error{make_code(CURLE_OPERATION_TIMEDOUT), "no time left for the request",
                             true};
    handle h(*pool_);
    if (!h)
      return transport_error{make_code(CURLE_FAILED_INIT), "curl_easy_init failed", true};
    return h.perform(r);
  }

  const curl_options& options() const noexcept { return pool_->options; }

  // New connections opened so far by this transport and its copies (the
  // rest reused one): a test or a benchmark can check reuse with it.
  std::uint64_t connections_opened() const noexcept {
    return pool_->connections.load(std::memory_order_relaxed);
  }

 private:
  static std::error_code make_code(CURLcode c) noexcept {
    return {static_cast<int>(c), curl_category()};
  }

  // Handles, and the DNS cache and TLS sessions they share.
  struct pool {
    explicit pool(curl_options o) : options(std::move(o)) {
      static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
      (void)initialised;
      share = curl_share_init();
      if (share != nullptr) {
        curl_share_setopt(share, CURLSHOPT_LOCKFUNC, &lock);
        curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, &unlock);
        curl_share_setopt(share, CURLSHOPT_USERDATA, this);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
      }
    }
    ~pool() {
      for (CURL* c : idle)
        curl_easy_cleanup(c);
      if (share != nullptr)
        curl_share_cleanup(share);
    }
    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;

    // An idle handle, or a new one (`fresh`), or nullptr when curl has none.
    CURL* take(bool& fresh) {
      {
        std::lock_guard l(m);
        if (!idle.empty()) {
          CURL* c = idle.back();
          idle.pop_back();
          fresh = false;
          return c;
        }
      }
      fresh = true;
      return curl_easy_init();
    }
    void give_back(CURL* c) {
      {
        std::lock_guard l(m);
        if (idle.size() < options.max_idle_handles) {
          idle.push_back(c);
          return;
        }
      }
      curl_easy_cleanup(c);
    }

    static void lock(CURL*, curl_lock_data data, curl_lock_access, void* self) {
      static_cast<pool*>(self)->share_lock(data).lock();
    }
    static void unlock(CURL*, curl_lock_data data, void* self) {
      static_cast<pool*>(self)->share_lock(data).unlock();
    }
    std::mutex& share_lock(curl_lock_data data) {
      return data == CURL_LOCK_DATA_DNS           ? dns_m
             : data == CURL_LOCK_DATA_SSL_SESSION ? ssl_m
                                                  : share_m;
    }

    const curl_options options;
    CURLSH* share = nullptr;
    std::mutex m;  // guards idle
    std::vector<CURL*> idle;
    std::mutex dns_m, ssl_m, share_m;
    std::atomic<std::uint64_t> connections{0};
  };

  // What the callbacks fill in during one exchange.
  struct exchange {
    std::size_t max_body_bytes;
    bool replayable;
    http_response response{};
    bool too_large = false;
    int sends = 0;                // times libcurl was about to send the request
    bool refused_resend = false;  // the second of those, refused
  };

  // One handle, taken from the pool for one exchange and given back after.
  class handle {
   public:
    explicit handle(pool& p) : pool_(p), c_(p.take(fresh_)) {}
    ~handle() {
      if (c_ != nullptr)
        pool_.give_back(c_);
    }
    handle(const handle&) = delete;
    handle& operator=(const handle&) = delete;
    explicit operator bool() const noexcept { return c_ != nullptr; }

    transport_result perform(const http_request& r) {
      // Every header of the description goes out as is. Empty "Content-Type:"
      // and "Expect:" stop curl adding its own (a form type on a bodiless
      // POST; a 100-continue round trip on a large body).
      curl_slist* list = nullptr;
      bool has_content_type = false;
      std::string line;
      for (const auto& h : r.headers) {
        has_content_type = has_content_type || detail::iequals(h.name, "content-type");
        line.assign(h.name).append(": ").append(h.value);
        list = curl_slist_append(list, line.c_str());
      }
      if (!has_content_type)
        list = curl_slist_append(list, "Content-Type:");
      list = curl_slist_append(list, "Expect:");
      std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list,
                                                                          curl_slist_free_all);

      exchange x{r.max_body_bytes, r.replayable};
      char message[CURL_ERROR_SIZE] = "";
      const curl_options& o = pool_.options;
      const std::string method(to_string(r.method));
      // What every request of this transport shares is set once a handle;
      // what a request sets is set (or undone) on every call.
      if (fresh_) {
        set(CURLOPT_SHARE, pool_.share);
        set(CURLOPT_PROTOCOLS_STR, "http,https");
        set(CURLOPT_FOLLOWLOCATION, 0L);
        set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts in threads
        set(CURLOPT_TCP_KEEPALIVE, 1L);
        set(CURLOPT_HEADERFUNCTION, &on_header);
        set(CURLOPT_WRITEFUNCTION, &on_body);
        if (!o.ca_file.empty())
          set(CURLOPT_CAINFO, o.ca_file.c_str());
        if (!o.proxy.empty())
          set(CURLOPT_PROXY, o.proxy.c_str());
      }
      auto connect_timeout = o.connect_timeout < r.timeout ? o.connect_timeout : r.timeout;
      set(CURLOPT_URL, r.url.c_str());
      set(CURLOPT_HTTPHEADER, headers.get());
      set(CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
      set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(connect_timeout.count()));
      set(CURLOPT_ERRORBUFFER, message);
      set(CURLOPT_HEADERDATA, &x);
      set(CURLOPT_WRITEDATA, &x);
      bool guarded = false;  // libcurl calls on_send before each send of the request
#if LIBCURL_VERSION_NUM >= 0x075000
      // Checked at run time too: the libcurl loaded may be older than its headers.
      guarded = curl_easy_setopt(c_, CURLOPT_PREREQFUNCTION, &on_send) == CURLE_OK &&
                curl_easy_setopt(c_, CURLOPT_PREREQDATA, &x) == CURLE_OK;
#endif
      // Without the guard, only a fresh connection is safe from a resend.
      set(CURLOPT_FRESH_CONNECT, guarded || r.replayable ? 0L : 1L);
      if (r.method == http_method::get) {
        set(CURLOPT_HTTPGET, 1L);  // also undoes a POST
      } else {
        // POSTFIELDS with a size sends the body verbatim, even empty
        // (Content-Length: 0); other methods reuse it under their name.
        set(CURLOPT_POSTFIELDS, r.body.data());
        set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      }
      set(CURLOPT_CUSTOMREQUEST,
          r.method == http_method::get || r.method == http_method::post ? nullptr : method.c_str());

      CURLcode rc = curl_easy_perform(c_);
      long connects = 0;
      if (curl_easy_getinfo(c_, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK && connects > 0)
        pool_.connections.fetch_add(static_cast<std::uint64_t>(connects),
                                    std::memory_order_relaxed);
      set(CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));  // `message` dies here
      if (rc == CURLE_ABORTED_BY_CALLBACK && x.refused_resend)
        return transport_error{make_code(rc),
                               "the connection died after the request was sent, and a request "
                               "that is not replayable is not sent again: it may have been done",
                               false};
      // A body over the limit is an answer, cut short: the parser refuses it.
      if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && x.too_large)) {
        std::string text = message[0] != '\0' ? message : curl_easy_strerror(rc);
        const bool failed_before_sending = not_sent(rc);
        // libcurl's resend after a reused connection died failed to connect
        // (the server went away after reading the request): counted by the
        // guard, the first send stands.
        if (failed_before_sending && x.sends > 0)
          text =
              "the request went out on a connection that died before its answer, so it may "
              "have been done; sending it again failed: " +
              text;
        return transport_error{make_code(rc), std::move(text),
                               failed_before_sending && x.sends == 0};
      }
      long status = 0;
      curl_easy_getinfo(c_, CURLINFO_RESPONSE_CODE, &status);
      x.response.status = static_cast<int>(status);
      return std::move(x.response);
    }

   private:
    template <class T>
    void set(CURLoption option, T value) {
      curl_easy_setopt(c_, option, value);
    }

    // True when this try failed before any byte of the request left. Not
    // enough alone: an earlier send of the same call (x.sends) may have.
    bool not_sent(CURLcode rc) const {
      switch (rc) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SSL_CONNECT_ERROR:  // the TLS handshake: the request comes after it
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CERTPROBLEM:
        case CURLE_SSL_CIPHER:
        case CURLE_SSL_CACERT_BADFILE:
          return true;
        default:
          break;
      }
      // A timeout (or anything else) counts as unsent only when curl wrote
      // no request bytes at all, e.g. it expired while connecting.
      long request_bytes = -1;
      return curl_easy_getinfo(c_, CURLINFO_REQUEST_SIZE, &request_bytes) == CURLE_OK &&
             request_bytes == 0;
    }

#if LIBCURL_VERSION_NUM >= 0x075000
    // Before each send of the request, libcurl's own resend included.
    static int on_send(void* user, char*, char*, int, int) {
      auto* x = static_cast<exchange*>(user);
      if (++x->sends > 1 && !x->replayable) {
        x->refused_resend = true;
        return CURL_PREREQFUNC_ABORT;
      }
      return CURL_PREREQFUNC_OK;
    }
#endif

    static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
      auto* x = static_cast<exchange*>(user);
      std::size_t bytes = size * n;
      std::string& body = x->response.body;
      // Keep one byte past the limit, so the parser sees the body is too big.
      std::size_t room = x->max_body_bytes - body.size();  // size <= max until the cut
      if (bytes > room) {
        body.append(data, room + 1);
        x->too_large = true;
        return 0;  // curl stops with CURLE_WRITE_ERROR
      }
      body.append(data, bytes);
      return bytes;
    }

    // Called once a header line, the status line and blank line included.
    static std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
      auto* x = static_cast<exchange*>(user);
      std::string_view line(data, size * n);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
      // A new status line (after a 100 Continue or a proxy's CONNECT answer)
      // starts a new set of headers.
      if (line.starts_with("HTTP/")) {
        x->response.headers = {};
        return size * n;
      }
      auto colon = line.find(':');
      if (colon != std::string_view::npos && colon > 0)
        x->response.headers.add(std::string(line.substr(0, colon)),
                                std::string(trim(line.substr(colon + 1))));
      return size * n;
    }

    static std::string_view trim(std::string_view v) noexcept {
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
      return v;
    }

    pool& pool_;
    bool fresh_ = false;
    CURL* c_;
  };

  std::shared_ptr<pool> pool_;
};

static_assert(transport<curl_transport>);

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
