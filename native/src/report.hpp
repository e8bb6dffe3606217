// The benchmark record: ExecuTorch benchmark-app field names (shared with the phone), plus
// percentiles, threads, pinning and memory. Written atomically.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "timing.hpp"

namespace kdo {

// device, arch, os, cpu_model, logical_cpus, compiler: what a reader needs to compare hosts.
nlohmann::ordered_json device_info();

// One decision's timings: percentiles in µs and the benchmark app's ms averages.
nlohmann::ordered_json latency_record(const LatencyStats& stats);

// Peak resident set of this process so far, in KiB (getrusage).
long peak_rss_kib();

// Writes to a temporary file beside `path`, then renames it over `path`: a crash leaves the
// old record or the new one, never half of one. Throws std::runtime_error on failure.
void write_json_atomically(const nlohmann::ordered_json& record, const std::string& path);

}  // namespace kdo
