// Helpers the C ABI's translation units share: the exception boundary and state unpacking.
#pragma once

#include <functional>
#include <string>

#include "kdo_c_api.h"
#include "system.hpp"

namespace kdo::capi {

const char* last_error_text();

// Runs body; on an exception stores its message for kdo_last_error() and returns -1.
int guarded(const std::function<void()>& body);

// Throws std::invalid_argument(problem) unless ok.
void require(bool ok, const std::string& problem);

// State k of the batch, copied into a reusable SystemState.
void read_state(const kdo_states& s, int n, int64_t k, SystemState& out);

}  // namespace kdo::capi
