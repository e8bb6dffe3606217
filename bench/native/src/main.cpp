// kdo_bench: verifies an exported student against its manifest, then times one offloading
// decision (features + execute + decode) natively. See bench/native/README.md.
#include <exception>
#include <iostream>

#include "manifest.hpp"
#include "options.hpp"
#include "runner.hpp"

int main(int argc, char** argv) {
  try {
    return kdo::run_bench(kdo::parse_options(argc, argv));
  } catch (const kdo::InputError& err) {
    std::cerr << "kdo_bench: " << err.what() << "\n";
    if (argc <= 1) std::cerr << kdo::usage();
    return 2;
  } catch (const std::exception& err) {
    std::cerr << "kdo_bench: " << err.what() << "\n";
    return 1;
  }
}
