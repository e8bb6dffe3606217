// HEFT on three sites; its definition is in solvers.hpp (and docs/model.md).
#include <algorithm>
#include <numeric>

#include "graph_features.hpp"
#include "solvers.hpp"

namespace kdo {

std::vector<std::vector<int>> successors(const Profile& profile) {
  std::vector<std::vector<int>> succs(profile.n);
  for (int i = 0; i < profile.n; ++i) {
    for (int j : profile.preds[i]) succs[j].push_back(i);
  }
  return succs;
}

std::vector<bool> exit_flags(const Profile& profile) {
  std::vector<bool> flags(profile.n, false);
  for (int e : profile.exits) flags[e] = true;
  return flags;
}

Heft::Heft(const Profile& profile)
    : scheduler_(profile), delay_model_(profile), succs_(successors(profile)),
      is_exit_(exit_flags(profile)), rank_(profile.n), order_(profile.n) {}

double Heft::decide(const SystemState& s, int* placement) {
  scheduler_.set_state(s);
  upward_ranks(scheduler_.profile(), succs_, is_exit_, s, rank_.data());
  std::iota(order_.begin(), order_.end(), 0);
  std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) { return rank_[a] > rank_[b]; });
  scheduler_.reset(current_);
  for (int k : order_) placement[k] = earliest_site(scheduler_, current_, k, is_exit_[k]);
  return delay_model_.delay(s, placement);
}

}  // namespace kdo
