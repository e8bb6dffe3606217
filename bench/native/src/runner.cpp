#include "runner.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "decisions.hpp"
#include "et_model.hpp"
#include "graph_bench.hpp"
#include "graph_student.hpp"
#include "golden_check.hpp"
#include "manifest.hpp"
#include "report.hpp"
#include "scorers.hpp"
#include "timing.hpp"

namespace kdo {
namespace {

constexpr int kExitInput = 2;
constexpr int kExitGolden = 3;

bool report_golden(const GoldenReport& report, const std::string& what) {
  if (report.passed()) {
    std::printf("golden check (%s): %d vectors passed, max |feature err| %.2e, max |logit err| "
                "%.2e, max delay rel err %.2e\n",
                what.c_str(), report.vectors, report.max_feature_error, report.max_logit_error,
                report.max_delay_rel_error);
    return true;
  }
  const size_t shown = std::min<size_t>(report.failures.size(), 10);
  for (size_t k = 0; k < shown; ++k) std::cerr << "kdo_bench: " << report.failures[k] << "\n";
  std::cerr << "kdo_bench: golden check (" << what << ") failed: " << report.failures.size()
            << " mismatches" << (shown < report.failures.size() ? " (first 10 shown)" : "")
            << "\n";
  return false;
}

bool golden_passes(const Manifest& m, const Scorers& s) {
  bool ok = report_golden(check_golden(m, "pte", s.pte_score), "pte");
  if (s.mlp) ok = report_golden(check_golden(m, "reference", s.reference_score), "reference") && ok;
  return ok;
}

// The decision paths by the names --count takes and the record uses ("pte/argmax", ...).
std::vector<std::pair<std::string, Decide>> decision_paths(DecisionPaths& paths, const Scorers& s) {
  std::vector<std::pair<std::string, Decide>> out;
  for (const char* decoder : {"argmax", "topk", "guarded"}) {
    out.emplace_back(std::string("pte/") + decoder, paths.scored(s.pte_score, decoder));
  }
  if (s.floor.model) out.emplace_back("floor/argmax", paths.scored(s.floor_score, "argmax"));
  if (s.mlp) {
    for (const char* decoder : {"argmax", "topk", "guarded"}) {
      out.emplace_back(std::string("reference/") + decoder,
                       paths.scored(s.reference_score, decoder));
    }
  }
  out.emplace_back("solver/exact", paths.exact());
  out.emplace_back("solver/greedy", paths.greedy());
  return out;
}

nlohmann::ordered_json time_all(const Manifest& m, const Options& o, const Scorers& s) {
  DecisionPaths paths(m);
  nlohmann::ordered_json decisions;
  for (const auto& [name, decide] : decision_paths(paths, s)) {
    auto record = latency_record(summarize(time_decisions(decide, o.warmup, o.iters)));
    std::printf("%-22s p50 %8.3f us  p90 %8.3f us  p99 %8.3f us  max %9.3f us\n", name.c_str(),
                record["p50_us"].get<double>(), record["p90_us"].get<double>(),
                record["p99_us"].get<double>(), record["max_us"].get<double>());
    const auto slash = name.find('/');
    decisions[name.substr(0, slash)][name.substr(slash + 1)] = std::move(record);
  }
  decisions["pte"]["topk"]["k"] = m.top_k;
  decisions["pte"]["guarded"]["k"] = m.top_k;
  decisions["pte"]["guarded"]["ood_k"] = m.ood_top_k;
  if (s.floor.model) decisions["floor"]["model_load_time(ms)"] = s.floor.cold_load_ms;
  return decisions;
}

// --count PATH: warm up, then only kdo_counted_loop, which callgrind is told to count.
int count_path(const Manifest& m, const Options& o, const Scorers& s) {
  DecisionPaths paths(m);
  for (const auto& [name, decide] : decision_paths(paths, s)) {
    if (name != o.count_path) continue;
    for (int i = 0; i < o.warmup; ++i) decision_sink = decision_sink + decide(i);
    decision_sink = decision_sink + kdo_counted_loop(decide, o.iters);
    std::printf("counted %d decisions of %s\n", o.iters, name.c_str());
    return 0;
  }
  throw InputError("--count: '" + o.count_path + "' is not a decision path here " +
                   "(pte/argmax|topk|guarded, floor/argmax with --floor, reference/... with " +
                   "--reference, solver/exact, solver/greedy)");
}

// Benchmark-app fields at the top level describe the headline decision: the .pte with argmax.
nlohmann::ordered_json make_record(const Manifest& m, const Options& o, const Scorers& s,
                                   nlohmann::ordered_json decisions, int threads, bool pinned) {
  const auto& headline = decisions["pte"]["argmax"];
  nlohmann::ordered_json record;
  record["benchmarkModel"] = {{"name", m.export_info.model},
                              {"backend", m.export_info.backend},
                              {"quantization", m.export_info.quantization}};
  record["deviceInfo"] = device_info();
  record["load_status"] = last_load_status();
  record["model_load_time(ms)"] = s.pte.cold_load_ms;
  record["warm_model_load_time(ms)"] = s.pte.warm_load_ms;
  record["avg_inference_latency(ms)"] = headline["avg_inference_latency(ms)"];
  record["trimmean_inference_latency(ms)"] = headline["trimmean_inference_latency(ms)"];
  record["decisions"] = std::move(decisions);
  record["threads"] = threads;
  record["cpu_pinned"] = pinned ? nlohmann::json(o.cpu) : nlohmann::json(nullptr);
  record["iters"] = o.iters;
  record["warmup"] = o.warmup;
  record["golden_vectors"] = m.golden.size();
  record["peak_rss_kib"] = peak_rss_kib();
  record["executorch_version"] = m.export_info.executorch_version;
  return record;
}

// Both programs against the manifest's size and sha256 (the floor where the manifest names one).
bool files_match(const Manifest& m, const Options& o) {
  auto mismatches = file_mismatches(m, m.pte, o.model_path);
  if (!o.floor_path.empty()) {
    if (!std::ifstream(o.floor_path)) throw InputError(o.floor_path + ": cannot open the floor program");
    if (!m.floor.file.empty()) {
      for (auto& line : file_mismatches(m, m.floor, o.floor_path)) mismatches.push_back(std::move(line));
    }
  }
  for (const auto& line : mismatches) std::cerr << "kdo_bench: " << line << "\n";
  return mismatches.empty();
}

}  // namespace

int run_bench(const Options& o) {
  if (!o.graph_path.empty() || is_graph_student_manifest(o.manifest_path)) return run_graph_bench(o);
  const Manifest m = load_manifest(o.manifest_path);
  if (!files_match(m, o)) return kExitInput;
  init_runtime();
  // Pin before the thread pool starts so its workers inherit the mask.
  const bool pinned = pin_to_cpus(o.cpu, o.threads);
  if (!pinned) std::cerr << "kdo_bench: warning: could not pin to CPU " << o.cpu << "\n";
  const int threads = set_runtime_threads(o.threads);

  const Scorers scorers = load_scorers(m, o);
  if (!golden_passes(m, scorers)) return kExitGolden;
  if (o.check_only) return 0;
  if (!o.count_path.empty()) return count_path(m, o, scorers);

  auto record = make_record(m, o, scorers, time_all(m, o, scorers), threads, pinned);
  if (!o.json_path.empty()) write_json_atomically(record, o.json_path);
  return 0;
}

}  // namespace kdo
