// The openssl command line as the tests' independent signer: RSA keys it
// generates, and RS256 signatures (RSASSA-PKCS1-v1_5 with SHA-256) that
// `openssl dgst -sha256 -sign` makes, or checks with -verify. Nothing of the
// library takes part, so a mistake it shares between signing and verifying
// (digest, padding, key encoding) cannot hide behind it.
#ifndef CLERK_TESTS_INTEGRATION_OPENSSL_CLI_HPP
#define CLERK_TESTS_INTEGRATION_OPENSSL_CLI_HPP

#include "../support.hpp"  // b64url
#include "process.hpp"

#include <doctest/doctest.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace clerk_test {

namespace fs = std::filesystem;

inline std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The bytes of "Modulus=HEX", which `openssl rsa -modulus` prints.
inline std::string modulus_bytes(const std::string& printed) {
  REQUIRE(printed.starts_with("Modulus="));
  std::string n;
  for (std::size_t i = 8; i + 1 < printed.size() && printed[i] != '\n'; i += 2)
    n += static_cast<char>(std::stoi(printed.substr(i, 2), nullptr, 16));
  return n;
}

// A folder of the test's own under the system's temporary folder, removed
// when the program ends.
inline const fs::path& work_dir() {
  struct temporary {
    fs::path path;
    ~temporary() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  };
  static const temporary dir{[] {
    std::string t = (fs::temp_directory_path() / "clerk-openssl-cli-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    return fs::path(t);
  }()};
  return dir.path;
}

// The result of the openssl command line run with `args`.
inline process_result run_openssl(const std::vector<std::string>& args) {
  static const std::string program = [] {
    std::istringstream dirs(std::getenv("PATH") ? std::getenv("PATH") : "");
    for (std::string dir; std::getline(dirs, dir, ':');)
      if (!dir.empty() && ::access((fs::path(dir) / "openssl").c_str(), X_OK) == 0)
        return (fs::path(dir) / "openssl").string();
    return std::string();
  }();
  REQUIRE_MESSAGE(!program.empty(), "the openssl command line is missing (Debian: openssl)");
  return run_process(program, args, {}, std::chrono::seconds(120));
}

// Runs the openssl command line, which must succeed; its standard output.
inline std::string openssl(const std::vector<std::string>& args) {
  auto r = run_openssl(args);
  INFO("openssl " << args.front() << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

// An RSA key the openssl command line generates, its public key as PEM and
// as a JWKS (the modulus as `openssl rsa -modulus` prints it), and RS256
// signatures `openssl dgst -sha256 -sign` makes with it.
class cli_key {
 public:
  explicit cli_key(unsigned bits = 2048, unsigned exponent = 65537, std::string kid = "ins_cli")
      : kid_(std::move(kid)), exponent_(exponent) {
    static std::atomic<int> made{0};
    dir_ = work_dir() / ("key" + std::to_string(++made));
    fs::create_directories(dir_);
    const std::string key = (dir_ / "private.pem").string();
    openssl({"genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:" + std::to_string(bits),
             "-pkeyopt", "rsa_keygen_pubexp:" + std::to_string(exponent), "-out", key});
    public_pem_ = openssl({"pkey", "-in", key, "-pubout"});
    pkcs1_pem_ = openssl({"rsa", "-in", key, "-RSAPublicKey_out"});
    n_ = modulus_bytes(openssl({"rsa", "-in", key, "-noout", "-modulus"}));
  }

  const std::string& public_pem() const { return public_pem_; }
  // The same key as "-----BEGIN RSA PUBLIC KEY-----" (PKCS #1, not SPKI).
  const std::string& pkcs1_pem() const { return pkcs1_pem_; }

  boost::json::object jwk() const {
    std::string e;
    for (unsigned v = exponent_; v != 0; v >>= 8)
      e.insert(e.begin(), static_cast<char>(v & 0xff));
    return {{"kty", "RSA"},   {"kid", kid_},     {"use", "sig"},
            {"alg", "RS256"}, {"n", b64url(n_)}, {"e", b64url(e)}};
  }
  std::string jwks() const {
    return boost::json::serialize(boost::json::object{{"keys", boost::json::array{jwk()}}});
  }

  // The RS256 signature of `input`, by `openssl dgst -sha256 -sign`.
  std::string sign(std::string_view input) const {
    static std::atomic<int> signed_{0};
    const fs::path in = dir_ / ("input" + std::to_string(++signed_));
    const fs::path sig = in.string() + ".sig";
    std::ofstream(in, std::ios::binary) << input;
    openssl({"dgst", "-sha256", "-sign", (dir_ / "private.pem").string(), "-out", sig.string(),
             in.string()});
    return read_all(sig);
  }

 private:
  fs::path dir_;
  std::string kid_;
  unsigned exponent_;
  std::string public_pem_, pkcs1_pem_, n_;
};

// Whether `openssl dgst -sha256 -verify` finds `signature` an RS256
// signature of `input` by the key of `public_pem`.
inline bool openssl_verifies(const std::string& public_pem, std::string_view input,
                             std::string_view signature) {
  static std::atomic<int> checked{0};
  const fs::path base = work_dir() / ("verify" + std::to_string(++checked));
  std::ofstream(base.string() + ".pem", std::ios::binary) << public_pem;
  std::ofstream(base.string() + ".in", std::ios::binary) << input;
  std::ofstream(base.string() + ".sig", std::ios::binary) << signature;
  auto r = run_openssl({"dgst", "-sha256", "-verify", base.string() + ".pem", "-signature",
                        base.string() + ".sig", base.string() + ".in"});
  INFO("openssl dgst -verify: " << r.out << r.err);
  CHECK((r.exit_code == 0) == (r.out == "Verified OK\n"));
  return r.exit_code == 0;
}

// The modulus of the RSA public key `public_pem`, as bytes, as `openssl rsa
// -modulus` prints it.
inline std::string openssl_modulus(const std::string& public_pem) {
  static std::atomic<int> read{0};
  const fs::path pem = work_dir() / ("modulus" + std::to_string(++read) + ".pem");
  std::ofstream(pem, std::ios::binary) << public_pem;
  return modulus_bytes(openssl({"rsa", "-pubin", "-in", pem.string(), "-noout", "-modulus"}));
}

}  // namespace clerk_test

#endif
