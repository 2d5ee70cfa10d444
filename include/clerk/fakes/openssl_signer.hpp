// clerk::fakes::openssl_signer: a real RS256 signer for the fake Clerk
// (OpenSSL 3; link clerk::openssl), so that its session JWTs verify against
// the JWKS it serves, with this library or with Clerk's own SDKs:
//
//   clerk::fakes::fake_clerk_options o;
//   o.signer = std::make_shared<clerk::fakes::openssl_signer>();
//
// Test code only: its key is made at construction and lives in memory.
#ifndef CLERK_FAKES_OPENSSL_SIGNER_HPP
#define CLERK_FAKES_OPENSSL_SIGNER_HPP

#include <clerk/fakes/fake_clerk.hpp>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace fakes {

class openssl_signer : public jwt_signer {
 public:
  // A new RSA key of `bits` with public exponent `exponent`; its kid is
  // `kid`, then `kid` + "_r1", "_r2"... after each rotation.
  explicit openssl_signer(unsigned bits = 2048, unsigned exponent = 65537,
                          std::string kid = "ins_fake")
      : bits_(bits), exponent_(exponent), base_kid_(std::move(kid)) {
    generate();
  }

  std::string kid() const override { return kid_; }

  std::string sign(std::string_view input) const override {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    std::size_t n = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &n, nullptr, 0) != 1)
      std::abort();
    std::string sig(n, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &n,
                       reinterpret_cast<const unsigned char*>(input.data()), input.size()) != 1)
      std::abort();
    sig.resize(n);
    return sig;
  }

  std::string jwks() const override {
    boost::json::object k{{"use", "sig"},   {"kty", "RSA"},         {"kid", kid_},
                          {"alg", "RS256"}, {"n", b64url(bn("n"))}, {"e", b64url(bn("e"))}};
    return boost::json::serialize(boost::json::object{{"keys", boost::json::array{k}}});
  }

  void rotate() override {
    ++rotations_;
    generate();
  }

  // The public key as the PEM Clerk's dashboard shows (SPKI).
  std::string public_pem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1)
      std::abort();
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
  }

  // A JWT of this header and payload text, taken as they are (a test's
  // hostile JSON stays hostile), signed with the current key.
  std::string jwt(std::string_view header, std::string_view payload) const {
    std::string input = b64url(header) + '.' + b64url(payload);
    return input + '.' + b64url(sign(input));
  }

  EVP_PKEY* key() const noexcept { return key_.get(); }

  static std::string b64url(std::string_view in) {
    static constexpr std::string_view a =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned bits = 0;
    int count = 0;
    for (unsigned char c : in) {
      bits = (bits << 8) | c;
      count += 8;
      while (count >= 6) {
        count -= 6;
        out += a[(bits >> count) & 63];
      }
    }
    if (count > 0)
      out += a[(bits << (6 - count)) & 63];
    return out;
  }

 private:
  void generate() {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), &EVP_PKEY_CTX_free);
    std::unique_ptr<BIGNUM, decltype(&BN_free)> e(BN_new(), &BN_free);
    EVP_PKEY* k = nullptr;
    if (!ctx || !e || BN_set_word(e.get(), exponent_) != 1 ||
        EVP_PKEY_keygen_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), static_cast<int>(bits_)) != 1 ||
        EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx.get(), e.get()) != 1 ||
        EVP_PKEY_keygen(ctx.get(), &k) != 1)
      std::abort();
    key_.reset(k);
    kid_ = rotations_ == 0 ? base_kid_ : base_kid_ + "_r" + std::to_string(rotations_);
  }

  // A public key parameter, big-endian, without leading zeros.
  std::string bn(const char* name) const {
    BIGNUM* v = nullptr;
    if (EVP_PKEY_get_bn_param(key_.get(), name, &v) != 1)
      std::abort();
    std::string out(static_cast<std::size_t>(BN_num_bytes(v)), '\0');
    BN_bn2bin(v, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(v);
    return out;
  }

  struct pkey_free {
    void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
  };
  unsigned bits_, exponent_;
  std::string base_kid_, kid_;
  unsigned rotations_ = 0;
  std::unique_ptr<EVP_PKEY, pkey_free> key_;
};

}  // namespace fakes
}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
