#include "graph_student.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "delay_model.hpp"
#include "graph_io.hpp"

namespace kdo {
namespace {

using nlohmann::json;

std::vector<double> column_stats(const json& raw, const char* key, size_t width) {
  auto values = raw.at(key).get<std::vector<double>>();
  if (values.size() != width) throw InputError(std::string(key) + ": needs " + std::to_string(width) + " values");
  for (const double v : values) {
    if (!std::isfinite(v) || (std::string(key) == "std" && v <= 0)) throw InputError(std::string(key) + ": finite, std > 0");
  }
  return values;
}

GraphGolden read_golden(const json& raw) {
  GraphGolden g;
  g.profile = read_graph(raw.at("graph"));
  const int n = g.profile.n;
  g.state = read_state(raw.at("state"), n);
  g.nodes = read_rows(raw.at("nodes"), kGraphNodeFeatures, "golden.nodes");
  g.scalars = raw.at("scalars").get<std::vector<float>>();
  g.logits = read_rows(raw.at("logits"), 3, "golden.logits");
  g.argmax_placement = raw.at("argmax_placement").get<Placement>();
  g.guarded_placement = raw.at("guarded_placement").get<Placement>();
  g.guarded_delay_s = raw.at("guarded_delay_s").get<double>();
  if (g.nodes.size() != size_t(n) * kGraphNodeFeatures || g.scalars.size() != kGraphScalarFeatures ||
      g.logits.size() != size_t(n) * 3 || int(g.argmax_placement.size()) != n ||
      int(g.guarded_placement.size()) != n) {
    throw InputError("golden: nodes [n][11], scalars [9], logits [n][3] and placements [n]");
  }
  return g;
}

GraphStudentManifest parse_manifest(const json& raw) {
  GraphStudentManifest m;
  const json& pte = raw.at("pte");
  m.pte = {"pte", pte.at("file").get<std::string>(), pte.at("sha256").get<std::string>(),
           pte.at("size_bytes").get<uint64_t>()};
  const json& exported = raw.at("export");
  m.export_info = {exported.at("model").get<std::string>(), exported.at("backend").get<std::string>(),
                   exported.at("quantization").get<std::string>(),
                   exported.value("executorch_version", std::string()), exported.value("torch_version", std::string())};
  m.input_shapes = raw.at("input_shapes").get<std::vector<std::vector<int64_t>>>();
  const json& features = raw.at("graph_features");
  m.node_mean = column_stats(features.at("node"), "mean", kGraphNodeFeatures);
  m.node_std = column_stats(features.at("node"), "std", kGraphNodeFeatures);
  m.scalar_mean = column_stats(features.at("scalar"), "mean", kGraphScalarFeatures);
  m.scalar_std = column_stats(features.at("scalar"), "std", kGraphScalarFeatures);
  const json& decoder = raw.at("decoder");
  m.top_k = decoder.at("top_k").get<int>();
  m.ood_top_k = decoder.at("ood_top_k").get<int>();
  m.local_search_passes = decoder.at("local_search_passes").get<int>();
  // Absent: the decoder before pair moves.
  m.pair_work = decoder.contains("pair_work") ? decoder.at("pair_work").get<int>() : 0;
  if (m.top_k < 1 || m.ood_top_k < 1 || m.local_search_passes < 0 || m.pair_work < 0) {
    throw InputError("decoder: top_k, ood_top_k >= 1, local_search_passes, pair_work >= 0");
  }
  for (const json& item : raw.at("golden")) m.golden.push_back(read_golden(item));
  if (m.golden.empty()) throw InputError("golden: none");
  return m;
}

// The placement's delay against the golden's, to 1e-12 relative (both are the same schedule).
bool same_decision(const Placement& got, double got_delay, const Placement& want, double want_delay) {
  return got == want && std::fabs(got_delay - want_delay) <= 1e-12 * want_delay;
}

}  // namespace

bool is_graph_student_manifest(const std::string& path) {
  std::ifstream in(path);
  const json raw = json::parse(in, nullptr, false);
  return raw.is_object() && raw.value("kind", std::string()) == "graph-student";
}

GraphStudentManifest load_graph_student_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot read it");
  try {
    GraphStudentManifest m = parse_manifest(json::parse(in));
    m.path = path;
    return m;
  } catch (const json::exception& err) {
    throw InputError(path + ": " + err.what());
  } catch (const InputError& err) {
    throw InputError(path + ": " + err.what());
  }
}

GraphStudent::GraphStudent(EtModel& model, const GraphStudentManifest& manifest, const Profile& profile)
    : model_(model), manifest_(manifest), profile_(std::make_unique<Profile>(profile)),
      features_(*profile_),
      decoder_(*profile_, manifest.top_k, manifest.ood_top_k, manifest.local_search_passes,
               manifest.pair_work) {}

const float* GraphStudent::forward(const SystemState& state) {
  features_.build(state, inputs_);
  // (x - mean) / std in double on the float32 feature, as numpy promotes it; padding stays 0.
  for (int i = 0; i < profile_->n; ++i) {
    float* row = inputs_.nodes.data() + i * kGraphNodeFeatures;
    for (int c = 0; c < kGraphNodeFeatures; ++c) {
      row[c] = static_cast<float>((double(row[c]) - manifest_.node_mean[c]) / manifest_.node_std[c]);
    }
  }
  for (int c = 0; c < kGraphScalarFeatures; ++c) {
    inputs_.scalars[c] = static_cast<float>((double(inputs_.scalars[c]) - manifest_.scalar_mean[c]) /
                                            manifest_.scalar_std[c]);
  }
  return run_graph_inputs(model_, inputs_);
}

void GraphStudent::argmax(const SystemState& state, int* placement) {
  const float* logits = forward(state);
  for (int i = 0; i < profile_->n; ++i) {
    const float* row = logits + 3 * i;
    placement[i] = static_cast<int>(std::max_element(row, row + 3) - row);
  }
}

double GraphStudent::guarded(const SystemState& state, int* placement) {
  // The graph student carries no training support: every state is decided "in support".
  return decoder_.decode(forward(state), state, false, placement);
}

const float* run_graph_inputs(EtModel& model, const GraphInputs& inputs) {
  return model.run_inputs({inputs.nodes.data(), inputs.scalars.data(), inputs.adjacency.data(),
                           inputs.mask.data()});
}

bool graph_golden_passes(EtModel& model, const GraphStudentManifest& m, double logit_tolerance) {
  double feature_error = 0, logit_error = 0;
  int failures = 0;
  const auto fail = [&](size_t k, const char* what) {
    if (++failures <= 10) std::cerr << "kdo_bench: golden " << k << " (n = " << m.golden[k].profile.n << "): " << what << "\n";
  };
  for (size_t k = 0; k < m.golden.size(); ++k) {
    const GraphGolden& g = m.golden[k];
    const int n = g.profile.n;
    GraphStudent student(model, m, g.profile);
    const float* logits = student.forward(g.state);
    double features = 0, logit = 0;
    for (int c = 0; c < n * kGraphNodeFeatures; ++c) features = std::max(features, double(std::fabs(student.inputs().nodes[c] - g.nodes[c])));
    for (int c = 0; c < kGraphScalarFeatures; ++c) features = std::max(features, double(std::fabs(student.inputs().scalars[c] - g.scalars[c])));
    for (int c = 0; c < n * 3; ++c) logit = std::max(logit, double(std::fabs(logits[c] - g.logits[c])));
    feature_error = std::max(feature_error, features);
    logit_error = std::max(logit_error, logit);
    if (features > 1e-4) fail(k, "normalised features differ from the manifest's");
    if (logit > logit_tolerance) fail(k, "logits differ from the manifest's");
    Placement x(n);
    student.argmax(g.state, x.data());
    if (x != g.argmax_placement) fail(k, "argmax placement differs");
    const double delay = student.guarded(g.state, x.data());
    if (!same_decision(x, delay, g.guarded_placement, g.guarded_delay_s)) fail(k, "guarded placement differs");
  }
  if (failures) {
    std::cerr << "kdo_bench: golden check (graph student) failed: " << failures << " mismatches\n";
    return false;
  }
  std::printf("golden check (graph student): %zu vectors passed, max |feature err| %.2e, max |logit err| %.2e\n",
              m.golden.size(), feature_error, logit_error);
  return true;
}

}  // namespace kdo
