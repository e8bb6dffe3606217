// SHA-256 of a file, self-contained so the runner needs no crypto library
// (the same binary must cross-compile for aarch64 with nothing but libstdc++).
#pragma once

#include <string>

namespace kdo {

// Lower-case hex digest of the file's bytes; throws std::runtime_error if unreadable.
std::string sha256_file_hex(const std::string& path);

// Lower-case hex digest of a byte string (used by the self-test).
std::string sha256_hex(const std::string& bytes);

}  // namespace kdo
