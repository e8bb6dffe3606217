#include "options.hpp"

#include <sched.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "manifest.hpp"

namespace kdo {
namespace {

const std::set<std::string> kValued = {"--model", "--manifest", "--iters", "--warmup", "--threads",
                                       "--cpu",   "--json",     "--floor", "--count", "--graph"};

int parse_int(const std::string& flag, const std::string& text, int minimum) {
  char* end = nullptr;
  errno = 0;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || value < minimum || value > 1000000000L) {
    throw InputError(flag + ": expected an integer >= " + std::to_string(minimum) + ", got '" +
                     text + "'");
  }
  return static_cast<int>(value);
}

// Pinning to a CPU outside this process's affinity mask fails (or, taken modulo the CPU count,
// lands elsewhere), and more runtime threads than CPUs time the scheduler, not the decision:
// refuse both here, naming the CPUs there are.
void check_cpus(int cpu, int threads) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return;  // unknown: pinning will tell
  std::string list;
  for (int k = 0; k < CPU_SETSIZE; ++k) {
    if (CPU_ISSET(k, &allowed)) list += (list.empty() ? "" : ",") + std::to_string(k);
  }
  if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed)) {
    throw InputError("--cpu: CPU " + std::to_string(cpu) + " is not available here (available: " +
                     list + ")");
  }
  if (threads > CPU_COUNT(&allowed)) {
    throw InputError("--threads: " + std::to_string(threads) + " threads, but only " +
                     std::to_string(CPU_COUNT(&allowed)) + " CPUs are available (" + list + ")");
  }
}

// A path the runner reads: a regular file it can open, else one line naming the flag and path.
void check_readable(const std::string& flag, const std::string& path) {
  std::error_code err;
  if (!std::filesystem::exists(path, err)) throw InputError(flag + " " + path + ": no such file");
  if (!std::filesystem::is_regular_file(path, err)) {
    throw InputError(flag + " " + path + ": not a regular file");
  }
  if (!std::ifstream(path, std::ios::binary)) throw InputError(flag + " " + path + ": cannot read it");
}

}  // namespace

const char* usage() {
  return "usage: kdo_bench --model X.pte --manifest X.manifest.json [--iters 20000]\n"
         "                 [--warmup 1000] [--threads 1] [--cpu 0] [--json out.json]\n"
         "                 [--floor FLOOR.pte] [--reference] [--check-only]\n"
         "                 [--count pte/argmax|pte/topk|pte/guarded|floor/argmax|\n"
         "                          reference/argmax|...|solver/exact|solver/greedy]\n"
         "       kdo_bench --graph GRAPH.json [--iters] [--warmup] [--cpu] [--json] [--check-only]\n"
         "       kdo_bench --model G.pte --manifest G.manifest.json (a graph student's)\n"
         "                 [--graph GRAPH.json] [--iters] [--warmup] [--cpu] [--json] [--check-only]\n";
}

Options parse_options(int argc, char** argv) {
  Options options;
  for (int k = 1; k < argc; ++k) {
    const std::string flag = argv[k];
    if (flag == "--reference") { options.reference = true; continue; }
    if (flag == "--check-only") { options.check_only = true; continue; }
    if (!kValued.count(flag)) throw InputError(flag + ": unknown flag");
    if (k + 1 >= argc) throw InputError(flag + ": missing value");
    const std::string value = argv[++k];
    if (flag == "--model") options.model_path = value;
    else if (flag == "--manifest") options.manifest_path = value;
    else if (flag == "--iters") options.iters = parse_int(flag, value, 1);
    else if (flag == "--warmup") options.warmup = parse_int(flag, value, 0);
    else if (flag == "--threads") options.threads = parse_int(flag, value, 1);
    else if (flag == "--cpu") options.cpu = parse_int(flag, value, 0);
    else if (flag == "--json") options.json_path = value;
    else if (flag == "--floor") options.floor_path = value;
    else if (flag == "--graph") options.graph_path = value;
    else options.count_path = value;
  }
  if (!options.graph_path.empty()) {  // the graph mode: its fixture, and a graph student if given
    check_readable("--graph", options.graph_path);
    check_cpus(options.cpu, 1);
    if (options.model_path.empty() && options.manifest_path.empty()) return options;
  }
  if (options.model_path.empty()) throw InputError("--model: required");
  if (options.manifest_path.empty()) throw InputError("--manifest: required");
  check_readable("--model", options.model_path);
  check_readable("--manifest", options.manifest_path);
  if (!options.floor_path.empty()) check_readable("--floor", options.floor_path);
  check_cpus(options.cpu, options.threads);
  return options;
}

}  // namespace kdo
