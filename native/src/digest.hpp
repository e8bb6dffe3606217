// SHA-256 of a file, through OpenSSL's libcrypto: a client must not trust a .pte whose digest
// differs from its manifest's, and a vetted implementation beats a hand-written one.
#pragma once

#include <string>

namespace kdo {

// Lower-case hex digest of the file's bytes; throws std::runtime_error if unreadable.
std::string sha256_file_hex(const std::string& path);

// Lower-case hex digest of a byte string.
std::string sha256_hex(const std::string& bytes);

}  // namespace kdo
