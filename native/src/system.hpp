// The problem's data as the runner sees it: the app profile and one raw system state.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "observation.hpp"

namespace kdo {

enum Site : int { kDevice = 0, kEdge = 1, kCloud = 2 };
constexpr int kSites = 3;

struct Profile {
  std::string name;
  int n = 0;
  std::vector<std::vector<int>> preds;  // per subtask, increasing
  std::vector<int> entries;             // increasing
  std::vector<int> exits;               // increasing
  int edge_cores = 2;
};

enum class StateField {
  cycles, out_bits, in_bits,  // per subtask
  f_device, f_edge, f_cloud, edge_wait, rate_up, rate_down, lat_wireless, rate_backhaul,
  lat_backhaul,
  // the observation summary (profiles with an observation recipe, model/observation.py)
  rate_up_hmean, rate_up_min, rate_up_spread, rate_down_hmean, rate_down_min, rate_down_spread,
  backlog_device, backlog_up, backlog_down,
};

// Throws std::runtime_error naming the field if it is not one of DESIGN.md's state fields.
StateField parse_state_field(const std::string& name);
bool is_per_subtask(StateField field);

// One raw state in SI units (Hz, s, bits, bit/s, cycles), as in DESIGN.md's state table.
struct SystemState {
  std::vector<double> cycles, out_bits, in_bits;  // per subtask
  double f_device = 0, f_edge = 0, f_cloud = 0;
  double edge_wait = 0;
  double rate_up = 0, rate_down = 0, lat_wireless = 0;
  double rate_backhaul = 0, lat_backhaul = 0;
  ObservationSummary observed;  // summarise(what the phone observed); invalid: held still

  // A scalar field, or element `index` of a per-subtask one (index checked at recipe load).
  double value(StateField field, int index) const;
};

using Placement = std::vector<int>;

}  // namespace kdo
