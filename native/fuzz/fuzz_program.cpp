// libFuzzer target: any bytes as a .pte through the core's checked loader, in process, then one
// forward on zeros. A crash here is a program that only the load probe (a child process) keeps
// from crashing a client: each becomes a regression case (tests/hostile/test_native_fuzz.py).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "et_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = [] { kdo::init_runtime(); return true; }();
  (void)quiet;
  // The loader takes a path: an in-memory file gives it one without touching the disk.
  const int fd = memfd_create("program.pte", 0);
  if (fd < 0 || write(fd, data, size) != static_cast<ssize_t>(size)) {
    if (fd >= 0) close(fd);
    return 0;
  }
  try {
    auto model = kdo::EtModel::load("/proc/self/fd/" + std::to_string(fd));
    kdo::run_on_zeros(*model);
  } catch (const std::exception&) {
    // a refusal is the loader working
  }
  close(fd);
  return 0;
}
