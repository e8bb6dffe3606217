// kdo_bench --graph FILE: the guarded decision for a graph given at run time
// (native/src/graph_decoder.hpp), checked against the placements Python wrote into FILE
// (bench/native/make_graph_fixture.py), then timed on one pinned core.
#pragma once

#include "options.hpp"

namespace kdo {

// Exit codes as run_bench's: 0 fine, 3 a placement or delay that differs from Python's.
// Throws InputError (exit 2) naming the file and key on a file it cannot use.
int run_graph_bench(const Options& options);

}  // namespace kdo
