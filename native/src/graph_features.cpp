#include "graph_features.hpp"

#include <algorithm>
#include <cmath>

#include "solvers.hpp"

namespace kdo {

void upward_ranks(const Profile& profile, const std::vector<std::vector<int>>& succs,
                  const std::vector<bool>& is_exit, const SystemState& s, double* rank) {
  const auto hop = [](double bits, double rate, double lat) { return bits / rate + lat; };
  const double seconds_per_cycle[kSites] = {1.0 / s.f_device, 1.0 / s.f_edge, 1.0 / s.f_cloud};
  for (int k = profile.n - 1; k >= 0; --k) {
    const double b = s.out_bits[k];
    const double up = hop(b, s.rate_up, s.lat_wireless), down = hop(b, s.rate_down, s.lat_wireless);
    const double bh = hop(b, s.rate_backhaul, s.lat_backhaul);
    const double work = (s.cycles[k] * seconds_per_cycle[kDevice] + s.cycles[k] * seconds_per_cycle[kEdge] +
                         s.cycles[k] * seconds_per_cycle[kCloud]) / 3.0;
    double after = 0.0;
    if (is_exit[k]) {
      after = (0.0 + down + (bh + down)) / 3.0;
    } else {
      const double comm = (up + (up + bh) + down + bh + bh + (bh + down)) / 9.0;
      for (int i : succs[k]) after = std::max(after, comm + rank[i]);
    }
    rank[k] = work + after;
  }
}

GraphFeatures::GraphFeatures(const Profile& profile)
    : profile_(profile), succs_(successors(profile)), is_exit_(exit_flags(profile)),
      depth_(profile.n, 0), height_(profile.n, 0), rank_(profile.n) {
  // The graph's terms do not change from state to state: computed once.
  for (int i = 0; i < profile.n; ++i) {
    for (int j : profile.preds[i]) depth_[i] = std::max(depth_[i], depth_[j] + 1);
  }
  for (int i = profile.n - 1; i >= 0; --i) {
    for (int k : succs_[i]) height_[i] = std::max(height_[i], height_[k] + 1);
  }
  longest_ = std::max(1, *std::max_element(depth_.begin(), depth_.end()));
}

void GraphFeatures::build(const SystemState& s, GraphInputs& out) {
  const int n = profile_.n;
  out.nodes.assign(kMaxSubtasks * kGraphNodeFeatures, 0.0f);
  out.adjacency.assign(kMaxSubtasks * kMaxSubtasks, 0.0f);
  out.mask.assign(kMaxSubtasks, 0.0f);
  upward_ranks(profile_, succs_, is_exit_, s, rank_.data());
  const double top_rank = std::max(*std::max_element(rank_.begin(), rank_.end()), 1e-300);
  for (int i = 0; i < n; ++i) {
    const bool entry = profile_.preds[i].empty();
    const double row[kGraphNodeFeatures] = {
        std::log(s.cycles[i]), std::log(s.out_bits[i]), entry ? std::log(s.in_bits[i]) : 0.0,
        entry ? 1.0 : 0.0, is_exit_[i] ? 1.0 : 0.0, double(depth_[i]) / longest_,
        double(height_[i]) / longest_, double(profile_.preds[i].size()), double(succs_[i].size()),
        std::log(rank_[i]), rank_[i] / top_rank};
    std::copy(row, row + kGraphNodeFeatures, out.nodes.begin() + i * kGraphNodeFeatures);
    for (int j : profile_.preds[i]) out.adjacency[i * kMaxSubtasks + j] = 1.0f;
    out.mask[i] = 1.0f;
  }
  // The single-graph recipe's scalars: ln of clocks and rates, times as they are.
  const double scalars[kGraphScalarFeatures] = {
      std::log(s.f_device), std::log(s.f_edge), std::log(s.f_cloud), std::log(s.rate_up),
      std::log(s.rate_down), std::log(s.rate_backhaul), s.edge_wait, s.lat_wireless, s.lat_backhaul};
  out.scalars.assign(scalars, scalars + kGraphScalarFeatures);
}

}  // namespace kdo
