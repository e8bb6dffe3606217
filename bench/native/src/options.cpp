#include "options.hpp"

#include <cstdlib>
#include <string>

#include "manifest.hpp"

namespace kdo {
namespace {

int parse_int(const std::string& flag, const std::string& text, int minimum) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < minimum || value > 1000000000L) {
    throw InputError(flag + ": expected an integer >= " + std::to_string(minimum) + ", got '" +
                     text + "'");
  }
  return static_cast<int>(value);
}

}  // namespace

const char* usage() {
  return "usage: kdo_bench --model X.pte --manifest X.manifest.json [--iters 20000]\n"
         "                 [--warmup 1000] [--threads 1] [--cpu 0] [--json out.json]\n"
         "                 [--floor FLOOR.pte] [--reference] [--check-only]\n"
         "                 [--count pte/argmax|pte/topk|pte/guarded|floor/argmax|\n"
         "                          reference/argmax|...|solver/exact|solver/greedy]\n";
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int k = 1; k < argc; ++k) {
    const std::string flag = argv[k];
    if (flag == "--reference") { options.reference = true; continue; }
    if (flag == "--check-only") { options.check_only = true; continue; }
    if (k + 1 >= argc) throw InputError(flag + ": unknown flag or missing value");
    const std::string value = argv[++k];
    if (flag == "--model") options.model_path = value;
    else if (flag == "--manifest") options.manifest_path = value;
    else if (flag == "--iters") options.iters = parse_int(flag, value, 1);
    else if (flag == "--warmup") options.warmup = parse_int(flag, value, 0);
    else if (flag == "--threads") options.threads = parse_int(flag, value, 1);
    else if (flag == "--cpu") options.cpu = parse_int(flag, value, 0);
    else if (flag == "--json") options.json_path = value;
    else if (flag == "--floor") options.floor_path = value;
    else if (flag == "--count") options.count_path = value;
    else throw InputError(flag + ": unknown flag");
  }
  if (options.model_path.empty()) throw InputError("--model: required");
  if (options.manifest_path.empty()) throw InputError("--manifest: required");
  return options;
}

}  // namespace kdo
