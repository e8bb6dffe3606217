// kdo_pte_probe FILE.pte: loads the program through the checked loader and runs forward once on
// zeros, in its own process, so that a program which crashes the runtime crashes this process
// and not the client that asked (kdo_bench, the JVM, Python).
// Exit 0: it loads and runs; 3: refused cleanly (the reason on stderr, one line); 2: usage;
// killed by a signal: it must not be loaded in process.
#include <cstdio>
#include <exception>

#include "et_model.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kdo_pte_probe FILE.pte\n");
    return 2;
  }
  try {
    auto model = kdo::EtModel::load(argv[1]);
    kdo::run_on_zeros(*model);
  } catch (const std::exception& err) {
    std::fprintf(stderr, "%s\n", err.what());
    return 3;
  }
  return 0;
}
