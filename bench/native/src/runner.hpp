// What kdo_bench does, in order: verify the files, check the golden vectors, time decisions,
// write the record. Returns the process exit code.
#pragma once

#include "options.hpp"

namespace kdo {

// Exit codes: 0 fine, 2 bad input (flags, files that do not match their manifest),
// 3 golden-vector mismatch. Throws InputError / std::runtime_error for main to report.
int run_bench(const Options& options);

}  // namespace kdo
