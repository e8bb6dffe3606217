// kdo_bench: verifies an exported student against its manifest, then times one offloading
// decision (features + execute + decode) natively. See bench/native/README.md.
#include <exception>
#include <iostream>
#include <string>

#include "manifest.hpp"
#include "options.hpp"
#include "runner.hpp"

namespace {

// Whether `text` is valid UTF-8 (a path may be; bytes a parser quotes from a binary file are not).
bool utf8(const std::string& text) {
  for (size_t k = 0; k < text.size();) {
    const auto c = static_cast<unsigned char>(text[k]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0 || k + len > text.size()) return false;
    for (size_t j = 1; j < len; ++j) {
      if ((static_cast<unsigned char>(text[k + j]) >> 6) != 0x2) return false;
    }
    k += len;
  }
  return true;
}

// An error can quote the bad input (a JSON parser shows what it read): keep it one printable line.
std::string one_line(const std::string& text) {
  const bool keep_high = utf8(text);
  std::string out;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    out += (c < 0x20 || c == 0x7f || (c >= 0x80 && !keep_high)) ? '?' : ch;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return kdo::run_bench(kdo::parse_options(argc, argv));
  } catch (const kdo::InputError& err) {
    std::cerr << "kdo_bench: " << one_line(err.what()) << "\n";
    if (argc <= 1) std::cerr << kdo::usage();
    return 2;
  } catch (const std::exception& err) {
    std::cerr << "kdo_bench: " << one_line(err.what()) << "\n";
    return 1;
  }
}
