// The command line: one struct of knobs with their defaults; flags override fields, nothing else.
#pragma once

#include <string>

namespace kdo {

struct Options {
  std::string model_path;     // --model: the .pte to check and time
  std::string manifest_path;  // --manifest: its manifest (format version 2)
  int iters = 20000;          // timed decisions per measurement
  int warmup = 1000;          // untimed decisions first: caches, branch predictors, lazy init
  int threads = 1;            // runtime thread pool; one beats two at batch 1
  int cpu = 0;                // first CPU to pin to (threads > 1 take the next ones too)
  std::string json_path;      // --json: where the record goes (none: summary only)
  std::string floor_path;     // --floor: a trivial program of the same input width
  bool reference = false;     // --reference: also time the manifest's weights as a plain loop
  bool check_only = false;    // --check-only: stop after the golden-vector check
  std::string count_path;     // --count PATH: run only PATH's decisions, for callgrind
  std::string graph_path;     // --graph FILE: the guarded decision for a graph given at run time
                              // (with a graph student's --model/--manifest: its whole decision)
};

// Throws InputError (exit 2) naming the flag on anything it cannot use.
Options parse_options(int argc, char** argv);

const char* usage();

}  // namespace kdo
