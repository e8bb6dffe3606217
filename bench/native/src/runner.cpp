#include "runner.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "decoders.hpp"
#include "et_model.hpp"
#include "golden_check.hpp"
#include "manifest.hpp"
#include "reference_mlp.hpp"
#include "report.hpp"
#include "timing.hpp"

namespace kdo {
namespace {

constexpr int kExitInput = 2;
constexpr int kExitGolden = 3;

struct LoadedModel {
  std::unique_ptr<EtModel> model;
  double cold_load_ms = 0;  // first load in this process: includes the delegate's one-time init
  double warm_load_ms = 0;  // a second load of the same file
};

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

LoadedModel load_timed(const std::string& path) {
  LoadedModel loaded;
  auto start = std::chrono::steady_clock::now();
  loaded.model = EtModel::load(path);
  loaded.cold_load_ms = elapsed_ms(start);
  start = std::chrono::steady_clock::now();
  EtModel::load(path);
  loaded.warm_load_ms = elapsed_ms(start);
  return loaded;
}

void require_shapes(const EtModel& model, const Manifest& m, const std::string& path) {
  if (model.input_width() != m.recipe.width()) {
    throw InputError(path + ": takes " + std::to_string(model.input_width()) +
                     " inputs, manifest " + m.path + " builds " +
                     std::to_string(m.recipe.width()) + " features");
  }
  if (model.output_numel() != 3 * m.profile.n) {
    throw InputError(path + ": gives " + std::to_string(model.output_numel()) +
                     " outputs, manifest " + m.path + " needs n * 3 = " +
                     std::to_string(3 * m.profile.n));
  }
}

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

// One decision = features from the raw state + scoring + decoding, on golden state i % G.
template <typename ScoreFn, typename DecodeFn>
LatencyStats time_decision(const Manifest& m, const Options& o, ScoreFn score, DecodeFn decode) {
  std::vector<float> features(m.recipe.width());
  std::vector<int> placement(m.profile.n);
  const size_t states = m.golden.size();
  auto decide = [&](int i) -> uint64_t {
    const SystemState& state = m.golden[static_cast<size_t>(i) % states].state;
    m.recipe.build(state, features.data());
    decode(score(features.data()), state, placement.data());
    return static_cast<uint64_t>(placement[0] + placement[m.profile.n - 1]);
  };
  return summarize(time_decisions(decide, o.warmup, o.iters));
}

nlohmann::ordered_json time_both_decoders(const Manifest& m, const Options& o,
                                          const Scorer& score, bool with_topk) {
  TopKDecoder topk(m.profile, m.top_k);
  const int n = m.profile.n;
  nlohmann::ordered_json out;
  out["argmax"] = latency_record(time_decision(
      m, o, score, [n](const float* l, const SystemState&, int* p) { argmax_placement(l, n, p); }));
  if (with_topk) {
    out["topk"] = latency_record(time_decision(
        m, o, score, [&](const float* l, const SystemState& s, int* p) { topk.decode(l, s, p); }));
    out["topk"]["k"] = m.top_k;
  }
  return out;
}

void print_line(const char* what, const nlohmann::ordered_json& record) {
  std::printf("%-22s p50 %8.3f us  p90 %8.3f us  p99 %8.3f us  max %9.3f us\n", what,
              record["p50_us"].get<double>(), record["p90_us"].get<double>(),
              record["p99_us"].get<double>(), record["max_us"].get<double>());
}

// The student's scorers: the .pte always, the manifest's weights as a plain loop if asked.
struct Scorers {
  LoadedModel pte;
  std::unique_ptr<ReferenceMlp> mlp;
  Scorer pte_score, reference_score;
};

Scorers load_scorers(const Manifest& m, const Options& o) {
  Scorers s;
  s.pte = load_timed(o.model_path);
  require_shapes(*s.pte.model, m, o.model_path);
  EtModel* pte = s.pte.model.get();
  s.pte_score = [pte](const float* x) { return pte->run(x); };
  if (o.reference) {
    if (m.reference_weights.empty()) throw InputError(m.path + ": reference_weights: missing");
    s.mlp = std::make_unique<ReferenceMlp>(m.reference_weights);
    if (s.mlp->input_width() != m.recipe.width() || s.mlp->output_width() != 3 * m.profile.n) {
      throw InputError(m.path + ": reference_weights: shape does not match [F] -> [n * 3]");
    }
    ReferenceMlp* mlp = s.mlp.get();
    s.reference_score = [mlp](const float* x) { return mlp->forward(x); };
  }
  return s;
}

bool golden_passes(const Manifest& m, const Scorers& s) {
  bool ok = report_golden(check_golden(m, "pte", s.pte_score), "pte");
  if (s.mlp) ok = report_golden(check_golden(m, "reference", s.reference_score), "reference") && ok;
  return ok;
}

nlohmann::ordered_json time_floor(const Manifest& m, const Options& o) {
  LoadedModel floor = load_timed(o.floor_path);
  require_shapes(*floor.model, m, o.floor_path);
  EtModel* floor_pte = floor.model.get();
  const Scorer floor_score = [floor_pte](const float* x) { return floor_pte->run(x); };
  auto record = time_both_decoders(m, o, floor_score, false);
  record["model_load_time(ms)"] = floor.cold_load_ms;
  print_line("floor argmax", record["argmax"]);
  return record;
}

nlohmann::ordered_json time_all(const Manifest& m, const Options& o, const Scorers& s) {
  nlohmann::ordered_json decisions;
  decisions["pte"] = time_both_decoders(m, o, s.pte_score, true);
  print_line("pte argmax", decisions["pte"]["argmax"]);
  print_line("pte top-k", decisions["pte"]["topk"]);
  if (!o.floor_path.empty()) decisions["floor"] = time_floor(m, o);
  if (s.mlp) {
    decisions["reference"] = time_both_decoders(m, o, s.reference_score, true);
    print_line("reference argmax", decisions["reference"]["argmax"]);
    print_line("reference top-k", decisions["reference"]["topk"]);
  }
  return decisions;
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

bool files_match(const Manifest& m, const Options& o) {
  const auto mismatches = pte_mismatches(m, o.model_path);
  for (const auto& line : mismatches) std::cerr << "kdo_bench: " << line << "\n";
  if (!o.floor_path.empty() && !std::ifstream(o.floor_path)) {
    throw InputError(o.floor_path + ": cannot open the floor program");
  }
  return mismatches.empty();
}

}  // namespace

int run_bench(const Options& o) {
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

  auto record = make_record(m, o, scorers, time_all(m, o, scorers), threads, pinned);
  if (!o.json_path.empty()) write_json_atomically(record, o.json_path);
  return 0;
}

}  // namespace kdo
