#include "graph_bench.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "graph_decoder.hpp"
#include "manifest.hpp"
#include "report.hpp"
#include "solvers.hpp"
#include "timing.hpp"

namespace kdo {
namespace {

using nlohmann::json;

struct GraphCase {
  SystemState state;
  std::vector<float> logits;  // [n * 3]
  bool out_of_support = false;
  Placement placement;        // Python's decision
  double delay_s = 0.0;
};

struct GraphFixture {
  Profile profile;
  int top_k = 0, ood_top_k = 0, passes = 0;
  std::vector<GraphCase> cases;
};

Profile read_profile(const json& raw) {
  Profile p;
  p.name = raw.at("name").get<std::string>();
  p.n = raw.at("n").get<int>();
  p.edge_cores = raw.at("edge_cores").get<int>();
  if (p.n < 1 || p.n > kMaxSubtasks) throw InputError("profile.n: must be 1..64");
  p.preds.assign(p.n, {});
  std::vector<bool> has_pred(p.n), has_succ(p.n);
  for (const auto& edge : raw.at("edges").get<std::vector<std::vector<int>>>()) {
    if (edge.size() != 2 || edge[0] < 0 || edge[0] >= edge[1] || edge[1] >= p.n) {
      throw InputError("profile.edges: each edge must be [j, i] with 0 <= j < i < n");
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

SystemState read_state(const json& raw, int n) {
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

GraphFixture load_fixture(const std::string& path) {
  std::ifstream in(path);
  GraphFixture f;
  try {
    const json raw = json::parse(in);
    f.profile = read_profile(raw.at("profile"));
    const json& decoder = raw.at("decoder");
    f.top_k = decoder.at("top_k").get<int>();
    f.ood_top_k = decoder.at("ood_top_k").get<int>();
    f.passes = decoder.at("local_search_passes").get<int>();
    if (f.top_k < 1 || f.ood_top_k < 1 || f.passes < 0) throw InputError("decoder: K >= 1, passes >= 0");
    for (const json& item : raw.at("cases")) {
      GraphCase c;
      c.state = read_state(item.at("state"), f.profile.n);
      for (const auto& row : item.at("logits").get<std::vector<std::vector<float>>>()) {
        if (row.size() != 3) throw InputError("cases.logits: rows of 3");
        c.logits.insert(c.logits.end(), row.begin(), row.end());
      }
      c.out_of_support = item.at("out_of_support").get<bool>();
      c.placement = item.at("placement").get<Placement>();
      c.delay_s = item.at("delay_s").get<double>();
      if (c.logits.size() != 3u * f.profile.n || static_cast<int>(c.placement.size()) != f.profile.n) {
        throw InputError("cases: logits [n][3] and placement [n]");
      }
      f.cases.push_back(std::move(c));
    }
  } catch (const json::exception& err) {
    throw InputError(path + ": " + err.what());
  } catch (const InputError& err) {
    throw InputError(path + ": " + err.what());
  }
  if (f.cases.empty()) throw InputError(path + ": cases: none");
  return f;
}

// Every case's decision equals Python's: the placement, and its delay to 1e-12 relative.
bool cases_match(const GraphFixture& f, GraphDecoder& decoder) {
  Placement x(f.profile.n);
  int mismatches = 0;
  for (size_t k = 0; k < f.cases.size(); ++k) {
    const GraphCase& c = f.cases[k];
    const double delay = decoder.decode(c.logits.data(), c.state, c.out_of_support, x.data());
    if (x != c.placement || std::fabs(delay - c.delay_s) > 1e-12 * c.delay_s) {
      if (++mismatches <= 10) std::cerr << "kdo_bench: case " << k << ": placement differs from Python's\n";
    }
  }
  if (mismatches) std::cerr << "kdo_bench: graph check failed: " << mismatches << " mismatches\n";
  else std::printf("graph check: %zu decisions equal Python's (n = %d)\n", f.cases.size(), f.profile.n);
  return mismatches == 0;
}

}  // namespace

int run_graph_bench(const Options& o) {
  const GraphFixture f = load_fixture(o.graph_path);
  GraphDecoder decoder(f.profile, f.top_k, f.ood_top_k, f.passes);
  if (!cases_match(f, decoder)) return 3;
  if (o.check_only) return 0;
  const bool pinned = pin_to_cpus(o.cpu, 1);
  Greedy greedy(f.profile);
  Heft heft(f.profile);
  Placement x(f.profile.n);
  const auto at = [&](int i) -> const GraphCase& { return f.cases[static_cast<size_t>(i) % f.cases.size()]; };
  const auto digest = [&]() { return static_cast<uint64_t>(x[0] + x.back()); };
  const std::pair<const char*, std::function<uint64_t(int)>> paths[] = {
      {"guarded", [&](int i) { decoder.decode(at(i).logits.data(), at(i).state, at(i).out_of_support, x.data()); return digest(); }},
      {"greedy", [&](int i) { greedy.decide(at(i).state, x.data()); return digest(); }},
      {"heft", [&](int i) { heft.decide(at(i).state, x.data()); return digest(); }},
  };
  nlohmann::ordered_json decisions;
  for (const auto& [name, decide] : paths) {
    auto record = latency_record(summarize(time_decisions(decide, o.warmup, o.iters)));
    std::printf("graph/%-16s p50 %8.3f us  p90 %8.3f us  p99 %8.3f us  max %9.3f us\n", name,
                record["p50_us"].get<double>(), record["p90_us"].get<double>(),
                record["p99_us"].get<double>(), record["max_us"].get<double>());
    decisions[name] = std::move(record);
  }
  nlohmann::ordered_json record;
  record["graph"] = {{"name", f.profile.name}, {"n", f.profile.n},
                     {"cases", f.cases.size()}, {"top_k", f.top_k}, {"ood_top_k", f.ood_top_k},
                     {"local_search_passes", f.passes}};
  record["decisions"] = {{"graph", std::move(decisions)}};
  record["deviceInfo"] = device_info();
  record["threads"] = 1;
  record["cpu_pinned"] = pinned ? nlohmann::json(o.cpu) : nlohmann::json(nullptr);
  record["iters"] = o.iters;
  record["warmup"] = o.warmup;
  if (!o.json_path.empty()) write_json_atomically(record, o.json_path);
  return 0;
}

}  // namespace kdo
