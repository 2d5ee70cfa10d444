// A self-signed certificate for 127.0.0.1, valid for an hour, and its key,
// made with OpenSSL when the test (or benchmark) starts, and written to a PEM
// file a client can be told to trust. Shared by the https tests and the
// loopback benchmark.
#ifndef CLERK_TESTS_INTEGRATION_CERTIFICATE_HPP
#define CLERK_TESTS_INTEGRATION_CERTIFICATE_HPP

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace clerk_test {

class test_certificate {
 public:
  test_certificate() {
    key_.reset(EVP_EC_gen("P-256"));
    cert_.reset(X509_new());
    if (!key_ || !cert_)
      return;
    X509* x = cert_.get();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -60);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key_.get());
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    X509_EXTENSION* san =
        X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    if (san == nullptr)
      return;
    X509_add_ext(x, san, -1);
    X509_EXTENSION_free(san);
    if (X509_sign(x, key_.get(), EVP_sha256()) <= 0)
      return;

    // One file a certificate: a test may make two (a CA and an impostor).
    static std::atomic<int> made{0};
    pem_path_ =
        std::filesystem::temp_directory_path() /
        ("clerk-test-cert-" + std::to_string(::getpid()) + '-' + std::to_string(++made) + ".pem");
    std::FILE* f = std::fopen(pem_path_.c_str(), "w");
    if (f == nullptr)
      return;
    valid_ = PEM_write_X509(f, x) == 1;
    valid_ = std::fclose(f) == 0 && valid_;
  }
  ~test_certificate() {
    if (!pem_path_.empty())
      std::filesystem::remove(pem_path_);
  }
  test_certificate(const test_certificate&) = delete;
  test_certificate& operator=(const test_certificate&) = delete;

  // False when OpenSSL could not make it or the file could not be written.
  bool valid() const { return valid_; }
  std::string pem_path() const { return pem_path_.string(); }

  // An https server with this certificate (cpp-httplib takes its own
  // references to both).
  std::unique_ptr<httplib::Server> https_server() const {
    return std::make_unique<httplib::SSLServer>(cert_.get(), key_.get());
  }

 private:
  struct key_free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  };
  struct cert_free {
    void operator()(X509* c) const { X509_free(c); }
  };
  std::unique_ptr<EVP_PKEY, key_free> key_;
  std::unique_ptr<X509, cert_free> cert_;
  std::filesystem::path pem_path_;
  bool valid_ = false;
};

}  // namespace clerk_test

#endif
