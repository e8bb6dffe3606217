// A task graph and a raw state as the graph fixtures and the graph student's manifest write
// them in JSON ({"n", "edges"[, "name", "edge_cores"]} and the state's fields by name).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "system.hpp"

namespace kdo {

// Throws InputError naming the key on a graph that is not a DAG of 1..64 subtasks in
// topological order; nlohmann's exceptions on a missing key or a wrong type.
Profile read_graph(const nlohmann::json& raw);

// Rows of `width` floats ([[...], ...]) flattened row-major; InputError naming `key` otherwise.
std::vector<float> read_rows(const nlohmann::json& raw, size_t width, const std::string& key);

// Per-subtask fields need n values each.
SystemState read_state(const nlohmann::json& raw, int n);

}  // namespace kdo
