// HEFT on three sites; its definition is in solvers.hpp (and docs/model.md).
#include <algorithm>
#include <numeric>

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
  const int n = scheduler_.profile().n;
  scheduler_.set_state(s);
  // One hop's idle time for b bits, per link; the mean over the nine site pairs and over the
  // three ways home, summed in the order model/policies.py's HEFT sums them.
  const auto hop = [&](double bits, double rate, double lat) { return bits / rate + lat; };
  for (int k = n - 1; k >= 0; --k) {
    const double b = s.out_bits[k];
    const double up = hop(b, s.rate_up, s.lat_wireless), down = hop(b, s.rate_down, s.lat_wireless);
    const double bh = hop(b, s.rate_backhaul, s.lat_backhaul);
    const double work = (scheduler_.run_seconds(k, kDevice) + scheduler_.run_seconds(k, kEdge) +
                         scheduler_.run_seconds(k, kCloud)) / 3.0;
    double after = 0.0;
    if (is_exit_[k]) {
      after = (0.0 + down + (bh + down)) / 3.0;
    } else {
      const double comm = (up + (up + bh) + down + bh + bh + (bh + down)) / 9.0;
      for (int i : succs_[k]) after = std::max(after, comm + rank_[i]);
    }
    rank_[k] = work + after;
  }
  std::iota(order_.begin(), order_.end(), 0);
  std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) { return rank_[a] > rank_[b]; });
  scheduler_.reset(current_);
  for (int k : order_) {
    const int best = earliest_site(scheduler_, current_, k, is_exit_[k], option_);
    placement[k] = best;
    copy_schedule(current_, option_[best], n, scheduler_.profile().edge_cores);
  }
  return delay_model_.delay(s, placement);
}

}  // namespace kdo
