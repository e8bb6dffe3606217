#include "manifest.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "digest.hpp"

namespace kdo {
namespace {

using nlohmann::json;

// Lookups that turn a missing key or a wrong type into one line naming the manifest and key.
class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  const json& at(const json& object, const std::string& key, const std::string& where) const {
    if (!object.is_object() || !object.contains(key)) fail(where + key, "missing");
    return object.at(key);
  }

  template <typename T>
  T get(const json& object, const std::string& key, const std::string& where) const {
    const json& value = at(object, key, where);
    try {
      return value.get<T>();
    } catch (const json::exception&) {
      fail(where + key, "has the wrong type (" + std::string(value.type_name()) + ")");
    }
  }

  // A key that may be absent (then `fallback`), but that must have the right type if present.
  template <typename T>
  T optional(const json& object, const std::string& key, const std::string& where, T fallback) const {
    if (!object.is_object()) fail(where.empty() ? key : where.substr(0, where.size() - 1), "must be an object");
    return object.contains(key) && !object.at(key).is_null() ? get<T>(object, key, where) : fallback;
  }

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw InputError(path_ + ": " + key + ": " + problem);
  }

 private:
  std::string path_;
};

Profile read_profile(const Reader& r, const json& raw) {
  Profile profile;
  profile.name = r.get<std::string>(raw, "name", "profile.");
  profile.n = r.get<int>(raw, "n", "profile.");
  profile.edge_cores = r.optional<int>(raw, "edge_cores", "profile.", 2);
  if (profile.n < 1) r.fail("profile.n", "must be >= 1");
  if (profile.edge_cores < 1) r.fail("profile.edge_cores", "must be >= 1");
  profile.preds.assign(profile.n, {});
  std::vector<bool> has_pred(profile.n, false), has_succ(profile.n, false);
  for (const auto& edge : r.get<std::vector<std::vector<int>>>(raw, "edges", "profile.")) {
    if (edge.size() != 2 || edge[0] < 0 || edge[1] >= profile.n || edge[0] >= edge[1]) {
      r.fail("profile.edges", "each edge must be [j, i] with 0 <= j < i < n");
    }
    profile.preds[edge[1]].push_back(edge[0]);
    has_pred[edge[1]] = has_succ[edge[0]] = true;
  }
  for (auto& preds : profile.preds) std::sort(preds.begin(), preds.end());
  for (int i = 0; i < profile.n; ++i) {
    if (!has_pred[i]) profile.entries.push_back(i);
    if (!has_succ[i]) profile.exits.push_back(i);
  }
  // The graph defines entries and exits; listed ones must agree or the manifest is corrupt.
  const auto none = std::vector<int>{};
  if (raw.contains("entries") && r.optional(raw, "entries", "profile.", none) != profile.entries) {
    r.fail("profile.entries", "disagrees with the subtasks that have no predecessor");
  }
  if (raw.contains("exits") && r.optional(raw, "exits", "profile.", none) != profile.exits) {
    r.fail("profile.exits", "disagrees with the subtasks that have no successor");
  }
  return profile;
}

FeatureRecipe read_recipe(const Reader& r, const json& raw, int n) {
  const auto means = r.get<std::vector<double>>(raw, "mean", "features.");
  const auto stds = r.get<std::vector<double>>(raw, "std", "features.");
  const json& order = r.at(raw, "order", "features.");
  const json& support = r.at(raw, "support", "features.");
  const auto support_min = r.get<std::vector<double>>(support, "min", "features.support.");
  const auto support_max = r.get<std::vector<double>>(support, "max", "features.support.");
  if (!order.is_array() || means.size() != order.size() || stds.size() != order.size() ||
      support_min.size() != order.size() || support_max.size() != order.size()) {
    r.fail("features", "order, mean, std and support min/max must be lists of one length");
  }
  FeatureRecipe recipe;
  for (size_t k = 0; k < order.size(); ++k) {
    const std::string where = "features.order[" + std::to_string(k) + "].";
    FeatureSpec spec;
    try {
      spec.field = parse_state_field(r.get<std::string>(order[k], "field", where));
    } catch (const InputError&) {
      throw;  // already names the manifest and key
    } catch (const std::runtime_error& err) {
      r.fail(where + "field", err.what());
    }
    const json& index = r.at(order[k], "index", where);
    if (is_per_subtask(spec.field)) {
      if (!index.is_number_integer() || index.get<int>() < 0 || index.get<int>() >= n) {
        r.fail(where + "index", "a per-subtask field needs an index in 0..n-1");
      }
      spec.index = index.get<int>();
    } else if (!index.is_null()) {
      r.fail(where + "index", "must be null for a scalar field");
    }
    const auto transform = r.get<std::string>(order[k], "transform", where);
    if (transform != "log" && transform != "identity") {
      r.fail(where + "transform", "'" + transform + "' is not log or identity");
    }
    spec.log = transform == "log";
    spec.mean = means[k];
    spec.std = stds[k];
    if (!(spec.std > 0.0 && spec.std < HUGE_VAL)) {
      r.fail("features.std[" + std::to_string(k) + "]", "must be positive and finite");
    }
    spec.support_min = support_min[k];
    spec.support_max = support_max[k];
    recipe.specs.push_back(spec);
  }
  return recipe;
}

SystemState read_state(const Reader& r, const json& raw, int n, const std::string& where) {
  SystemState s;
  auto per_subtask = [&](const char* key) {
    auto values = r.get<std::vector<double>>(raw, key, where);
    if (static_cast<int>(values.size()) != n) r.fail(where + key, "needs n values");
    return values;
  };
  s.cycles = per_subtask("cycles");
  s.out_bits = per_subtask("out_bits");
  s.in_bits = per_subtask("in_bits");
  s.f_device = r.get<double>(raw, "f_device", where);
  s.f_edge = r.get<double>(raw, "f_edge", where);
  s.f_cloud = r.get<double>(raw, "f_cloud", where);
  s.edge_wait = r.get<double>(raw, "edge_wait", where);
  s.rate_up = r.get<double>(raw, "rate_up", where);
  s.rate_down = r.get<double>(raw, "rate_down", where);
  s.lat_wireless = r.get<double>(raw, "lat_wireless", where);
  s.rate_backhaul = r.get<double>(raw, "rate_backhaul", where);
  s.lat_backhaul = r.get<double>(raw, "lat_backhaul", where);
  return s;
}

// A golden vector's raw observation (docs/formats.md): eight probes per direction, backlogs.
Observation read_observation(const Reader& r, const json& raw, const std::string& where) {
  Observation o;
  auto history = [&](const char* key, std::array<double, kHistory>& into) {
    const auto values = r.get<std::vector<double>>(raw, key, where);
    if (values.size() != into.size()) r.fail(where + key, "needs " + std::to_string(kHistory) + " values");
    for (size_t k = 0; k < into.size(); ++k) {
      if (!(values[k] > 0.0 && values[k] < HUGE_VAL)) r.fail(where + key, "rates must be positive");
      into[k] = values[k];
    }
  };
  history("rate_up_history", o.rate_up_history);
  history("rate_down_history", o.rate_down_history);
  o.backlog_device = r.get<double>(raw, "backlog_device", where);
  o.backlog_up = r.get<double>(raw, "backlog_up", where);
  o.backlog_down = r.get<double>(raw, "backlog_down", where);
  return o;
}

GoldenVector read_golden(const Reader& r, const json& raw, const Manifest& m, size_t k) {
  const std::string where = "golden[" + std::to_string(k) + "].";
  const int n = m.profile.n;
  GoldenVector g;
  g.state = read_state(r, r.at(raw, "state", where), n, where + "state.");
  if (raw.contains("observation")) {
    g.state.observed = summarise(read_observation(r, raw["observation"], where + "observation."));
  }
  g.features = r.get<std::vector<float>>(raw, "features", where);
  if (static_cast<int>(g.features.size()) != m.recipe.width()) {
    r.fail(where + "features", "length differs from the feature recipe");
  }
  for (const auto& row : r.get<std::vector<std::vector<float>>>(raw, "logits", where)) {
    if (row.size() != 3) r.fail(where + "logits", "each row needs 3 values");
    g.logits.insert(g.logits.end(), row.begin(), row.end());
  }
  if (static_cast<int>(g.logits.size()) != 3 * n) r.fail(where + "logits", "needs n rows");
  g.out_of_support = r.get<bool>(raw, "out_of_support", where);
  const std::pair<const char*, Placement*> placements[] = {
      {"argmax_placement", &g.argmax_placement}, {"topk_placement", &g.topk_placement},
      {"guarded_placement", &g.guarded_placement}, {"greedy_placement", &g.greedy_placement}};
  for (const auto& [key, placement] : placements) {
    *placement = r.get<Placement>(raw, key, where);
    if (static_cast<int>(placement->size()) != n) r.fail(where + key, "needs n sites");
    for (int site : *placement) {
      if (site < 0 || site > 2) r.fail(where + key, "sites must be 0, 1 or 2");
    }
  }
  g.topk_delay_s = r.get<double>(raw, "topk_delay_s", where);
  g.guarded_delay_s = r.get<double>(raw, "guarded_delay_s", where);
  return g;
}

std::vector<DenseLayer> read_reference(const Reader& r, const json& raw) {
  std::vector<DenseLayer> layers;
  if (!raw.is_array()) r.fail("reference_weights", "must be a list of layers");
  for (size_t k = 0; k < raw.size(); ++k) {
    const std::string where = "reference_weights[" + std::to_string(k) + "].";
    DenseLayer layer;
    const auto rows = r.get<std::vector<std::vector<float>>>(raw[k], "weight", where);
    layer.bias = r.get<std::vector<float>>(raw[k], "bias", where);
    layer.out = static_cast<int>(rows.size());
    layer.in = rows.empty() ? 0 : static_cast<int>(rows[0].size());
    for (const auto& row : rows) {
      if (static_cast<int>(row.size()) != layer.in) r.fail(where + "weight", "ragged rows");
      layer.weight.insert(layer.weight.end(), row.begin(), row.end());
    }
    if (static_cast<int>(layer.bias.size()) != layer.out) {
      r.fail(where + "bias", "needs one value per weight row");
    }
    const auto activation = r.get<std::string>(raw[k], "activation", where);
    if (activation != "relu" && activation != "none") {
      r.fail(where + "activation", "'" + activation + "' is not relu or none");
    }
    layer.relu = activation == "relu";
    layers.push_back(std::move(layer));
  }
  return layers;
}

ProgramFile read_program_file(const Reader& r, const json& raw, const std::string& key) {
  const std::string where = key + ".";
  return {key, r.get<std::string>(raw, "file", where), r.get<std::string>(raw, "sha256", where),
          r.get<uint64_t>(raw, "size_bytes", where)};
}

// Nesting beyond any manifest's (its deepest key is a few levels down) is refused while parsing,
// before a hostile file can exhaust the stack of whatever walks the tree.
constexpr int kMaxJsonDepth = 64;

json parse_bounded(std::istream& in, const std::string& path) {
  const json::parser_callback_t bounded = [&path](int depth, json::parse_event_t, json&) {
    if (depth > kMaxJsonDepth) {
      throw InputError(path + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                       " levels: not a manifest");
    }
    return true;
  };
  try {
    return json::parse(in, bounded);
  } catch (const json::exception& err) {
    throw InputError(path + ": not valid JSON: " + err.what());
  }
}

}  // namespace

Manifest load_manifest(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot open the manifest");
  const json raw = parse_bounded(in, path);
  const Reader r(path);
  Manifest m;
  m.path = path;
  m.format_version = r.get<int>(raw, "format_version", "");
  if (m.format_version != kManifestFormatVersion) {
    r.fail("format_version", "is " + std::to_string(m.format_version) + ", this runner reads " +
                                 std::to_string(kManifestFormatVersion));
  }
  m.profile = read_profile(r, r.at(raw, "profile", ""));
  m.recipe = read_recipe(r, r.at(raw, "features", ""), m.profile.n);
  m.input_shape = r.get<std::vector<int64_t>>(raw, "input_shape", "");
  m.output_shape = r.get<std::vector<int64_t>>(raw, "output_shape", "");
  if (m.input_shape != std::vector<int64_t>{1, m.recipe.width()}) {
    r.fail("input_shape", "must be [1, number of features]");
  }
  if (m.output_shape != std::vector<int64_t>{1, m.profile.n, 3}) {
    r.fail("output_shape", "must be [1, n, 3]");
  }
  m.labels = r.get<std::vector<std::string>>(raw, "labels", "");
  m.pte = read_program_file(r, r.at(raw, "pte", ""), "pte");
  if (raw.contains("floor") && !raw["floor"].is_null()) {
    m.floor = read_program_file(r, raw["floor"], "floor");
  }
  const json& exp = r.at(raw, "export", "");
  const auto text = [&](const char* key) { return r.optional<std::string>(exp, key, "export.", ""); };
  m.export_info = {text("model"), text("backend"), text("quantization"), text("executorch_version"),
                   text("torch_version")};
  const json& decoder = r.at(raw, "decoder", "");
  m.default_decoder = r.get<std::string>(decoder, "default", "decoder.");
  if (m.default_decoder != "argmax" && m.default_decoder != "topk" &&
      m.default_decoder != "guarded") {
    r.fail("decoder.default", "'" + m.default_decoder + "' is not argmax, topk or guarded");
  }
  m.top_k = r.get<int>(decoder, "top_k", "decoder.");
  m.ood_top_k = r.get<int>(decoder, "ood_top_k", "decoder.");
  if (m.top_k < 1) r.fail("decoder.top_k", "must be >= 1");
  if (m.ood_top_k < 1) r.fail("decoder.ood_top_k", "must be >= 1");
  m.rate_estimate = r.optional<std::string>(decoder, "rate_estimate", "decoder.", "current");
  if (m.rate_estimate != "current" && m.rate_estimate != "history" && m.rate_estimate != "backlog") {
    r.fail("decoder.rate_estimate", "'" + m.rate_estimate + "' is not current, history or backlog");
  }
  const json& golden = r.at(raw, "golden", "");
  if (!golden.is_array() || golden.empty()) r.fail("golden", "needs at least one vector");
  for (size_t k = 0; k < golden.size(); ++k) m.golden.push_back(read_golden(r, golden[k], m, k));
  if (raw.contains("reference_weights") && !raw["reference_weights"].is_null()) {
    m.reference_weights = read_reference(r, raw["reference_weights"]);
  }
  return m;
}

std::vector<std::string> file_mismatches(const Manifest& manifest, const ProgramFile& expected,
                                         const std::string& path) {
  std::vector<std::string> problems;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {path + ": cannot open the model"};
  const auto size = static_cast<uint64_t>(in.tellg());
  const std::string says = ", manifest " + manifest.path + " " + expected.key + " says ";
  if (size != expected.size_bytes) {
    problems.push_back(path + ": size is " + std::to_string(size) + " bytes" + says +
                       std::to_string(expected.size_bytes));
  }
  const std::string digest = sha256_file_hex(path);
  if (digest != expected.sha256) problems.push_back(path + ": sha256 is " + digest + says + expected.sha256);
  return problems;
}

}  // namespace kdo
