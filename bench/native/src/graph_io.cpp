#include "graph_io.hpp"

#include <algorithm>

#include "delay_model.hpp"
#include "manifest.hpp"

namespace kdo {

Profile read_graph(const nlohmann::json& raw) {
  Profile p;
  p.name = raw.value("name", std::string("graph"));
  p.n = raw.at("n").get<int>();
  p.edge_cores = raw.value("edge_cores", p.edge_cores);
  if (p.n < 1 || p.n > kMaxSubtasks) throw InputError("n: must be 1..64");
  if (p.edge_cores < 1) throw InputError("edge_cores: must be >= 1");
  p.preds.assign(p.n, {});
  std::vector<bool> has_pred(p.n), has_succ(p.n);
  for (const auto& edge : raw.at("edges").get<std::vector<std::vector<int>>>()) {
    if (edge.size() != 2 || edge[0] < 0 || edge[0] >= edge[1] || edge[1] >= p.n) {
      throw InputError("edges: each edge must be [j, i] with 0 <= j < i < n");
    }
    p.preds[edge[1]].push_back(edge[0]);
    has_pred[edge[1]] = has_succ[edge[0]] = true;
  }
  for (int i = 0; i < p.n; ++i) {
    std::sort(p.preds[i].begin(), p.preds[i].end());
    if (!has_pred[i]) p.entries.push_back(i);
    if (!has_succ[i]) p.exits.push_back(i);
  }
  return p;
}

std::vector<float> read_rows(const nlohmann::json& raw, size_t width, const std::string& key) {
  std::vector<float> out;
  for (const auto& row : raw.get<std::vector<std::vector<float>>>()) {
    if (row.size() != width) throw InputError(key + ": rows of " + std::to_string(width));
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

SystemState read_state(const nlohmann::json& raw, int n) {
  SystemState s;
  s.cycles = raw.at("cycles").get<std::vector<double>>();
  s.out_bits = raw.at("out_bits").get<std::vector<double>>();
  s.in_bits = raw.at("in_bits").get<std::vector<double>>();
  if (static_cast<int>(s.cycles.size()) != n || static_cast<int>(s.out_bits.size()) != n ||
      static_cast<int>(s.in_bits.size()) != n) {
    throw InputError("state: cycles, out_bits and in_bits need n values each");
  }
  double* scalars[] = {&s.f_device, &s.f_edge, &s.f_cloud, &s.edge_wait, &s.rate_up,
                       &s.rate_down, &s.lat_wireless, &s.rate_backhaul, &s.lat_backhaul};
  const char* names[] = {"f_device", "f_edge", "f_cloud", "edge_wait", "rate_up",
                         "rate_down", "lat_wireless", "rate_backhaul", "lat_backhaul"};
  for (int k = 0; k < 9; ++k) *scalars[k] = raw.at(names[k]).get<double>();
  return s;
}

}  // namespace kdo
