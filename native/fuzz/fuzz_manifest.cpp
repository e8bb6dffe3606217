// libFuzzer target: any bytes as a manifest through the core's reader (nlohmann with its depth
// bound, then every key checked), the reader kdo_bench and libkdocore's decider use.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = memfd_create("manifest.json", 0);
  if (fd < 0 || write(fd, data, size) != static_cast<ssize_t>(size)) {
    if (fd >= 0) close(fd);
    return 0;
  }
  try {
    kdo::load_manifest("/proc/self/fd/" + std::to_string(fd));
  } catch (const kdo::InputError&) {
    // a refusal is the reader working; any other exception escapes and libFuzzer reports it
  }
  close(fd);
  return 0;
}
