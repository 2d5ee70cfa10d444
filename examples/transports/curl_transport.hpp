// A synchronous clerk::transport over libcurl (Debian: libcurl4-openssl-dev).
// Copy this header into your project and link CURL::libcurl.
//
//   clerk_examples::curl_global curl;  // once, in main, before any thread
//   clerk::client client(*config, clerk_examples::curl_transport{});
//
// HTTPS uses the system's CA store. Redirects are never followed (the request
// carries the secret key), and the request's timeout bounds the whole
// exchange, connection included.
#ifndef CLERK_EXAMPLES_CURL_TRANSPORT_HPP
#define CLERK_EXAMPLES_CURL_TRANSPORT_HPP

#include <clerk/http.hpp>
#include <clerk/transport.hpp>

#include <curl/curl.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

namespace clerk_examples {

// The category of curl's CURLcode values, so a transport_error keeps curl's
// own code: error.as_transport()->code.value() == CURLE_OPERATION_TIMEDOUT.
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

inline std::error_code make_error_code(CURLcode c) noexcept {
  return {static_cast<int>(c), curl_category()};
}

// curl_global_init is not thread-safe: hold one of these in main before
// starting threads that send requests.
class curl_global {
 public:
  curl_global() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~curl_global() { curl_global_cleanup(); }
  curl_global(const curl_global&) = delete;
  curl_global& operator=(const curl_global&) = delete;
};

// One easy handle a request: nothing is shared, so one curl_transport may be
// used from many threads at once. (Reusing a handle would reuse connections;
// that transport would hold mutable state and be passed as std::ref.)
class curl_transport {
 public:
  // A response body larger than this is not read to the end; the exchange
  // fails with CURLE_WRITE_ERROR instead of growing memory without bound.
  std::size_t max_body_bytes = std::size_t{16} << 20;
  // Empty: curl's built-in CA store (Debian: /etc/ssl/certs/ca-certificates.crt).
  std::string ca_file{};

  clerk::transport_result operator()(const clerk::http_request& r) const {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl)
      return clerk::transport_error{make_error_code(CURLE_FAILED_INIT), "curl_easy_init failed",
                                    true};

    // Every header of the description goes out as is. Empty "Content-Type:"
    // and "Expect:" stop curl from adding its own (a form Content-Type on a
    // bodiless POST; a 100-continue round trip on a large body).
    curl_slist* list = nullptr;
    bool has_content_type = false;
    for (const auto& h : r.headers) {
      has_content_type = has_content_type || is_content_type(h.name);
      list = curl_slist_append(list, (h.name + ": " + h.value).c_str());
    }
    if (!has_content_type)
      list = curl_slist_append(list, "Content-Type:");
    list = curl_slist_append(list, "Expect:");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, curl_slist_free_all);

    exchange x{max_body_bytes, {}, false};
    char message[CURL_ERROR_SIZE] = "";
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, r.follow_redirects ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts in threads
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, message);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
    if (!ca_file.empty())
      curl_easy_setopt(c, CURLOPT_CAINFO, ca_file.c_str());
    if (r.method == clerk::http_method::get) {
      curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    } else {
      // POSTFIELDS with an explicit size sends the body verbatim, even empty
      // (Content-Length: 0), and other methods reuse it under their name.
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      if (r.method != clerk::http_method::post)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, std::string(to_string(r.method)).c_str());
    }

    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      std::string text = message[0] != '\0' ? message : curl_easy_strerror(rc);
      if (rc == CURLE_WRITE_ERROR && x.too_large)
        text = "response body larger than " + std::to_string(max_body_bytes) + " bytes";
      return clerk::transport_error{make_error_code(rc), std::move(text), not_sent(c, rc)};
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    x.response.status = static_cast<int>(status);
    return std::move(x.response);
  }

 private:
  struct exchange {
    std::size_t max_body_bytes;
    clerk::http_response response;
    bool too_large;
  };

  static bool is_content_type(std::string_view name) {
    constexpr std::string_view want = "content-type";
    if (name.size() != want.size())
      return false;
    for (std::size_t i = 0; i < want.size(); ++i)
      if ((name[i] | 0x20) != want[i])  // ASCII lower case; '-' is unchanged
        return false;
    return true;
  }

  static std::string trimmed(std::string_view v) {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
      v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
      v.remove_suffix(1);
    return std::string(v);
  }

  // True only when curl failed before any byte of the request left: then a
  // retry cannot create a second token.
  static bool not_sent(CURL* c, CURLcode rc) {
    switch (rc) {
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
      case CURLE_COULDNT_RESOLVE_PROXY:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_CONNECT:
      case CURLE_SSL_CONNECT_ERROR:  // TLS handshake: the request comes after it
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER:
      case CURLE_SSL_CACERT_BADFILE:
        return true;
      default:
        break;
    }
    // A timeout (or anything else) counts as unsent only when curl wrote no
    // request bytes at all, e.g. it expired while connecting.
    long request_bytes = -1;
    return curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &request_bytes) == CURLE_OK &&
           request_bytes == 0;
  }

  static std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
    auto* x = static_cast<exchange*>(user);
    std::size_t bytes = size * n;
    if (x->response.body.size() + bytes > x->max_body_bytes) {
      x->too_large = true;
      return 0;  // curl stops with CURLE_WRITE_ERROR
    }
    x->response.body.append(data, bytes);
    return bytes;
  }

  // Called once a header line, status line and blank line included.
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
      x->response.headers.add(std::string(line.substr(0, colon)), trimmed(line.substr(colon + 1)));
    return size * n;
  }
};

static_assert(clerk::transport<curl_transport>);

}  // namespace clerk_examples

#endif
