// kdo_pte_probe FILE.pte: loads the program and runs forward once on zeros, in its own process,
// so that a program which crashes the runtime crashes this process and not the JVM that asked.
// Exit 0: it loads and runs; 3: the runtime refused it cleanly (the JNI then reports why);
// killed by a signal: it must not be loaded in process.
#include <cstdio>
#include <exception>

#include "program.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: kdo_pte_probe FILE.pte\n");
    return 2;
  }
  try {
    auto program = kdo_jni::load_program(argv[1]);
    kdo_jni::run(*program);
  } catch (const std::exception&) {
    return 3;
  }
  return 0;
}
