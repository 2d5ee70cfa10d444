// The program the packaging consumers build with clerk::openssl: a key made
// here, its PEM loaded, a signature of its own checked and a changed one
// refused. Exits 0 only then.
#include <clerk/crypto/openssl.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#ifdef BOOST_NO_EXCEPTIONS
#include <boost/throw_exception.hpp>

#include <exception>

namespace boost {
void throw_exception(const std::exception& e) {
  std::fprintf(stderr, "boost::throw_exception: %s\n", e.what());
  std::abort();
}
void throw_exception(const std::exception& e, const boost::source_location&) {
  throw_exception(e);
}
}  // namespace boost
#endif

int main() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  if (key == nullptr || bio == nullptr || PEM_write_bio_PUBKEY(bio, key) != 1)
    return 1;
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  const std::string pem(data, static_cast<std::size_t>(size));
  BIO_free(bio);

  const std::string input = "header.payload";
  unsigned char sig[256];
  std::size_t n = sizeof sig;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool signed_ok =
      EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
      EVP_DigestSign(ctx, sig, &n, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  auto keys = clerk::openssl_keys::from_pem(pem);
  if (!signed_ok || !keys)
    return 1;
  const bool valid = keys->verify("ins_1", "RS256", input, {sig, n}) == clerk::key_check::valid;
  sig[0] ^= 1;
  const bool refused =
      keys->verify("ins_1", "RS256", input, {sig, n}) == clerk::key_check::bad_signature;
  const bool ok = valid && refused && !clerk::openssl_keys::from_jwks("{}");
  std::printf("openssl adapter app: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
