// clerk::openssl_keys: the public keys that check session JWT signatures,
// on OpenSSL 3 (Debian: libssl-dev; CMake: link clerk::openssl; Meson:
// clerk_openssl_dep; pkg-config: clerk_openssl). Not part of
// <clerk/backend.hpp>: the core does no crypto. It satisfies
// clerk::session_keys, so clerk::verify_session_token takes it:
//
//   auto keys = clerk::openssl_keys::from_pem(std::getenv("CLERK_JWT_KEY"));
//   auto claims = clerk::verify_session_token(token, *keys, std::chrono::system_clock::now());
//
// What it does:
// - parses each key once (an EVP_PKEY per kid), from a JWKS (Clerk's
//   GET /v1/jwks or /.well-known/jwks.json) or from the PEM public key of
//   Clerk's dashboard (SPKI, with or without its BEGIN/END lines);
// - keeps RSA keys of 2048 bits and more, with any exponent OpenSSL's public
//   key check accepts; refuses smaller ones. A JWKS's keys that are not RSA
//   signature keys for RS256 are ignored (clerk::rs256_keys chooses them):
//   Clerk may list other kinds; one out of range is skipped, the others kept;
// - checks RS256 only (RSASSA-PKCS1-v1_5 with SHA-256, EVP_DigestVerify on a
//   copy of a context prepared once per key): any other alg is
//   unsupported_alg, before a key is looked at;
// - a key from a PEM has no kid: it checks tokens whatever their kid, as
//   @clerk/backend's jwtKey does. A JWKS's keys are found by kid.
// Immutable once made; copies share the keys, and one object may be used by
// many threads at once. It works with -fno-exceptions -fno-rtti.
#ifndef CLERK_CRYPTO_OPENSSL_HPP
#define CLERK_CRYPTO_OPENSSL_HPP

#include <clerk/error.hpp>
#include <clerk/publishable_key.hpp>
#include <clerk/result.hpp>
#include <clerk/session_tokens.hpp>
#include <clerk/version.hpp>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {
namespace detail::openssl {

struct pkey_free {
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

inline error key_error(std::string_view field, std::string reason) {
  ERR_clear_error();  // OpenSSL's queue is per thread: leave it empty for the caller
  return invalid_request{std::string(field), std::move(reason)};
}

// Keeps an RSA public key of at least 2048 bits that passes OpenSSL's
// public key check; else says why not.
inline result<pkey_ptr> checked_rsa(pkey_ptr k, std::string_view field) {
  if (!k || EVP_PKEY_get_base_id(k.get()) != EVP_PKEY_RSA)
    return key_error(field, "is not an RSA public key");
  if (int bits = EVP_PKEY_get_bits(k.get()); bits < 2048)
    return key_error(
        field, "is an RSA key of " + std::to_string(bits) + " bits; at least 2048 are required");
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_pkey(nullptr, k.get(), nullptr), &EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_public_check(ctx.get()) != 1)
    return key_error(field, "is not a valid RSA public key (modulus or exponent)");
  return k;
}

// An SPKI DER public key, all of its bytes.
inline result<pkey_ptr> from_spki(std::string_view der, std::string_view field) {
  auto* p = reinterpret_cast<const unsigned char*>(der.data());
  const unsigned char* end = p + der.size();
  pkey_ptr k(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!k || p != end)
    return key_error(field, "is not a DER SubjectPublicKeyInfo public key");
  return checked_rsa(std::move(k), field);
}

// An RSA public key from its modulus and exponent (big-endian bytes).
inline result<pkey_ptr> from_n_e(const std::vector<unsigned char>& n,
                                 const std::vector<unsigned char>& e, std::string_view field) {
  auto bn = [](const std::vector<unsigned char>& v) {
    return BN_bin2bn(v.data(), static_cast<int>(v.size()), nullptr);
  };
  std::unique_ptr<BIGNUM, decltype(&BN_free)> bn_n(bn(n), &BN_free), bn_e(bn(e), &BN_free);
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> build(OSSL_PARAM_BLD_new(),
                                                                        &OSSL_PARAM_BLD_free);
  if (!bn_n || !bn_e || !build ||
      !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return key_error(field, "could not be built (out of memory)");
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(build.get()), &OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return key_error(field, "is not a valid RSA public key");
  return checked_rsa(pkey_ptr(raw), field);
}

}  // namespace detail::openssl

class openssl_keys {
 public:
  // Clerk's dashboard PEM public key: SPKI, "-----BEGIN PUBLIC KEY-----"
  // armour optional (the bare base64 body is accepted), whitespace ignored.
  static result<openssl_keys> from_pem(std::string_view pem) {
    constexpr std::string_view begin = "-----BEGIN PUBLIC KEY-----",
                               end = "-----END PUBLIC KEY-----";
    std::string_view body = pem;
    if (auto b = body.find(begin); b != std::string_view::npos) {
      body.remove_prefix(b + begin.size());
      auto e = body.find(end);
      if (e == std::string_view::npos)
        return detail::openssl::key_error("pem", "has no -----END PUBLIC KEY----- line");
      body = body.substr(0, e);
    } else if (body.find("-----") != std::string_view::npos) {
      return detail::openssl::key_error(
          "pem", "is not a SubjectPublicKeyInfo key (-----BEGIN PUBLIC KEY-----)");
    }
    std::string compact;
    for (char c : body)
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
        compact += c;
    std::string der;
    if (!detail::base64_decode(compact, der) || der.empty())
      return detail::openssl::key_error("pem", "is not base64");
    auto k = detail::openssl::from_spki(der, "pem");
    if (!k)
      return std::move(k).error();
    openssl_keys out;
    out.s_->any_kid = true;
    if (!out.add({}, std::move(*k)))
      return detail::openssl::key_error("pem", "could not be prepared for RS256 (OpenSSL)");
    return out;
  }

  // A JWKS document's text: {"keys":[{"kty":"RSA","kid":...,"n":...,"e":...}]}.
  static result<openssl_keys> from_jwks(std::string_view json) {
    auto set = parse_jwks(json);
    if (!set)
      return std::move(set).error();
    return from_jwks(*set);
  }

  // The keys clerk::rs256_keys keeps (RSA, RS256, signature keys with a kid),
  // each checked again by OpenSSL. A key skipped by either (out of range: a
  // weak modulus, a bad exponent, a kid two keys share) leaves the others
  // usable, and a token naming it gets key_check::refused_key. An error
  // (invalid_token, jwk_remote_invalid) only when no key is left.
  static result<openssl_keys> from_jwks(const jwks& set) {
    std::vector<skipped_key> skipped;
    auto keys = rs256_keys(set, &skipped);
    if (!keys)
      return std::move(keys).error();
    openssl_keys out;
    for (const auto& k : skipped)
      if (!k.kid.empty())
        out.s_->refused.push_back(k.kid);
    std::optional<invalid_token> first_refusal;
    for (const rsa_public_key& k : *keys) {
      auto key = detail::openssl::from_n_e(k.n, k.e, "keys[" + k.kid + "]");
      if (key && out.add(k.kid, std::move(*key)))
        continue;
      out.s_->refused.push_back(k.kid);
      if (!first_refusal)
        first_refusal = key ? invalid_token{token_reason::jwk_remote_invalid, "keys[" + k.kid + "]",
                                            "could not be prepared for RS256 (OpenSSL)"}
                            : invalid_token{token_reason::jwk_remote_invalid,
                                            key.error().as_invalid_request()->field,
                                            key.error().as_invalid_request()->reason};
    }
    if (out.s_->keys.empty())
      return error(std::move(*first_refusal));
    return out;
  }

  // clerk::session_keys: checks an RS256 signature of signing_input with the
  // key of this kid. Nothing is imported or parsed for the key: the copy of
  // its prepared context is all the setup a verify does.
  key_check verify(std::string_view kid, std::string_view alg, std::string_view signing_input,
                   std::span<const unsigned char> signature) const {
    if (alg != "RS256")
      return key_check::unsupported_alg;
    const entry* key = find(kid);
    if (key == nullptr) {
      for (const auto& r : s_->refused)
        if (r == kid)
          return key_check::refused_key;
      return key_check::unknown_kid;
    }
    // A copy of the key's prepared context: what EVP_DigestVerifyInit would
    // set up again (a provider context for the key and SHA-256), about 3 µs
    // of a 20 µs verify. Copying only reads the prototype, so threads share it.
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    const bool ok = ctx && EVP_MD_CTX_copy_ex(ctx.get(), key->prototype.get()) == 1 &&
                    EVP_DigestVerify(ctx.get(), signature.data(), signature.size(),
                                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                                     signing_input.size()) == 1;
    if (!ok)
      ERR_clear_error();  // a bad signature leaves an entry in this thread's queue
    return ok ? key_check::valid : key_check::bad_signature;
  }

  // The kids of the keys kept (empty for a PEM key, which has none).
  std::vector<std::string> kids() const {
    std::vector<std::string> out;
    if (!s_->any_kid)
      for (const auto& e : s_->keys)
        out.push_back(e.kid);
    return out;
  }

 private:
  struct md_free {
    void operator()(EVP_MD* p) const noexcept { EVP_MD_free(p); }
  };
  struct md_ctx_free {
    void operator()(EVP_MD_CTX* p) const noexcept { EVP_MD_CTX_free(p); }
  };
  struct entry {
    std::string kid;
    detail::openssl::pkey_ptr key;
    // Initialised once for RS256 verification with `key`, never used itself:
    // each verify works on a copy.
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> prototype;
  };
  struct state {
    // Fetched once: a verify then skips the provider lookup by name.
    std::unique_ptr<EVP_MD, md_free> md{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
    const EVP_MD* sha256 = md ? md.get() : EVP_sha256();
    bool any_kid = false;
    std::vector<entry> keys;
    std::vector<std::string> refused;  // kids of the JWKS's keys that were skipped
  };

  openssl_keys() : s_(std::make_shared<state>()) {}

  // Keeps `key` under `kid` with its prepared context; false if OpenSSL
  // cannot prepare one.
  bool add(std::string kid, detail::openssl::pkey_ptr key) {
    std::unique_ptr<EVP_MD_CTX, md_ctx_free> proto(EVP_MD_CTX_new());
    if (!proto || EVP_DigestVerifyInit(proto.get(), nullptr, s_->sha256, nullptr, key.get()) != 1) {
      ERR_clear_error();
      return false;
    }
    s_->keys.push_back(entry{std::move(kid), std::move(key), std::move(proto)});
    return true;
  }

  const entry* find(std::string_view kid) const noexcept {
    if (s_->any_kid)
      return &s_->keys.front();
    for (const auto& e : s_->keys)  // a JWKS holds a key or two: a scan beats a map
      if (e.kid == kid)
        return &e;
    return nullptr;
  }

  std::shared_ptr<state> s_;
};

static_assert(session_keys<openssl_keys>);

// ---- the session cookie's suffix --------------------------------------------

// The suffix of an instance's session cookies ("__session_<suffix>"), as
// @clerk/shared's getCookieSuffix derives it: the first 8 characters of the
// base64url of the SHA-1 of the publishable key. For
// clerk::session_token_from's cookie_instance. An invalid_request naming
// publishable_key when the key is not one (parse_publishable_key's rule).
inline result<std::string> cookie_suffix(std::string_view publishable_key) {
  if (auto key = parse_publishable_key(publishable_key); !key)
    return std::move(key).error();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(publishable_key.data(), publishable_key.size(), digest, &size, EVP_sha1(),
                 nullptr) != 1 ||
      size < 6)
    return detail::openssl::key_error("publishable_key", "could not be hashed (OpenSSL SHA-1)");
  static constexpr char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  for (int i = 0; i < 6; i += 3) {  // 6 bytes: exactly 8 characters
    const unsigned v = unsigned{digest[i]} << 16 | unsigned{digest[i + 1]} << 8 | digest[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6)
      out += abc[(v >> shift) & 63u];
  }
  return out;
}

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

// ---- clerk::openssl_hmac: HMAC-SHA256 for webhooks (issue 27) -------------
//
// clerk::hmac_sha256 on OpenSSL 3's EVP_MAC, for clerk::verify_webhook:
//
//   auto e = clerk::verify_webhook(headers, body, *secret, now, clerk::openssl_hmac{});
//
// Stateless and free to make: the HMAC, with SHA-256 chosen, is fetched and
// prepared once a process, and each MAC works on a copy of that context, so
// one object (or many) may be used by many threads at once. It works with
// -fno-exceptions -fno-rtti.
#include <clerk/webhooks.hpp>

#include <openssl/params.h>

namespace clerk {
inline namespace CLERK_BACKEND_ABI {

class openssl_hmac {
 public:
  // clerk::hmac_sha256: the MAC of message's parts, in order, under key.
  // False when OpenSSL fails (out of memory, no SHA-256 in its providers).
  bool mac(std::span<const unsigned char> key, std::span<const std::string_view> message,
           std::span<unsigned char, 32> out) const {
    const EVP_MAC_CTX* proto = prototype();
    std::unique_ptr<EVP_MAC_CTX, mac_ctx_free> ctx(proto ? EVP_MAC_CTX_dup(proto) : nullptr);
    bool ok = ctx && EVP_MAC_init(ctx.get(), key.data(), key.size(), nullptr) == 1;
    for (std::size_t i = 0; ok && i < message.size(); ++i)
      ok = EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(message[i].data()),
                          message[i].size()) == 1;
    std::size_t written = 0;
    ok = ok && EVP_MAC_final(ctx.get(), out.data(), &written, out.size()) == 1 &&
         written == out.size();
    if (!ok)
      ERR_clear_error();  // OpenSSL's queue is per thread: leave it empty for the caller
    return ok;
  }

 private:
  struct mac_ctx_free {
    void operator()(EVP_MAC_CTX* p) const noexcept { EVP_MAC_CTX_free(p); }
  };

  // HMAC with SHA-256 set, no key yet: fetching the MAC and the digest by
  // name is most of what a fresh context costs. Made once (thread-safe, as a
  // function's static), only ever copied; null if OpenSSL cannot make it.
  static const EVP_MAC_CTX* prototype() {
    static const std::unique_ptr<EVP_MAC_CTX, mac_ctx_free> proto = [] {
      std::unique_ptr<EVP_MAC_CTX, mac_ctx_free> ctx;
      if (EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr)) {
        ctx.reset(EVP_MAC_CTX_new(hmac));
        EVP_MAC_free(hmac);  // the context keeps its own reference
      }
      char digest[] = "SHA256";
      const OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
          OSSL_PARAM_construct_end()};
      if (ctx && EVP_MAC_CTX_set_params(ctx.get(), params) != 1)
        ctx.reset();
      ERR_clear_error();
      return ctx;
    }();
    return proto.get();
  }
};

static_assert(hmac_sha256<openssl_hmac>);

}  // namespace CLERK_BACKEND_ABI
}  // namespace clerk

#endif
