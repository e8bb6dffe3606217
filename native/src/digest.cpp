#include "digest.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace kdo {
namespace {

std::string to_hex(const unsigned char* bytes, unsigned int length) {
  static const char kHex[] = "0123456789abcdef";
  std::string out(2 * length, '0');
  for (unsigned int k = 0; k < length; ++k) {
    out[2 * k] = kHex[bytes[k] >> 4];
    out[2 * k + 1] = kHex[bytes[k] & 0xf];
  }
  return out;
}

}  // namespace

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("libcrypto: EVP_Digest(sha256) failed");
  }
  return to_hex(digest, length);
}

std::string sha256_file_hex(const std::string& path) {
  // Models are a few hundred KB: one read, one EVP_Digest call.
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open to hash");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(path + ": read failed while hashing");
  return sha256_hex(bytes);
}

}  // namespace kdo
