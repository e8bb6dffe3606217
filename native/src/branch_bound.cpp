#include <algorithm>
#include <limits>

#include "solvers.hpp"

namespace kdo {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

uint64_t placement_code(const int* placement, int n) {
  uint64_t code = 0;
  for (int i = 0; i < n; ++i) code = code * 3 + static_cast<uint64_t>(placement[i]);
  return code;
}

BranchAndBound::BranchAndBound(const Profile& profile, bool prune)
    : scheduler_(profile), greedy_(profile), prune_(prune), n_(profile.n), weight_(profile.n),
      children_(static_cast<size_t>(profile.n) * kSites) {
  uint64_t w = 1;
  for (int i = n_ - 1; i >= 0; --i, w *= 3) weight_[i] = w;
}

double BranchAndBound::lower_bound(const ScheduleState& st, int next) const {
  const Profile& p = scheduler_.profile();
  const SystemState& s = scheduler_.state();
  const double edge_free = *std::min_element(st.edge_free, st.edge_free + p.edge_cores);
  double finish[kMaxSubtasks][kSites];
  for (int k = next; k < p.n; ++k) {
    for (int site = 0; site < kSites; ++site) {
      double ready = 0.0;
      if (scheduler_.is_entry(k)) {
        ready = std::max(ready, scheduler_.move_bound(st, 0.0, kDevice, site, s.in_bits[k]));
      }
      for (int j : p.preds[k]) {
        double arrival = kInf;
        if (j < next) {
          // Placed: its copies are known; the cheapest is where it is or one route away.
          for (int from = 0; from < kSites; ++from) {
            if (st.outputs[j].at[from] != kInf) {
              arrival = std::min(arrival, scheduler_.move_bound(st, st.outputs[j].at[from], from,
                                                                site, s.out_bits[j]));
            }
          }
        } else {
          for (int from = 0; from < kSites; ++from) {
            arrival = std::min(arrival, scheduler_.move_bound(st, finish[j][from], from, site,
                                                              s.out_bits[j]));
          }
        }
        ready = std::max(ready, arrival);
      }
      const double start = site == kDevice ? std::max(ready, st.device_free)
                           : site == kEdge ? std::max(ready, edge_free)
                                           : ready;
      finish[k][site] = start + scheduler_.run_seconds(k, site);
    }
  }
  double total = 0.0;
  for (int e : p.exits) {
    double home = kInf;
    for (int from = 0; from < kSites; ++from) {
      const double t = e < next ? st.outputs[e].at[from] : finish[e][from];
      if (t != kInf) home = std::min(home, scheduler_.move_bound(st, t, from, kDevice, s.out_bits[e]));
    }
    total = std::max(total, home);
  }
  return total;
}

void BranchAndBound::visit(const ScheduleState& st, int i, uint64_t code) {
  ScheduleState* child = &children_[static_cast<size_t>(i) * kSites];
  double bound[kSites];
  for (int site = 0; site < kSites; ++site) {
    child[site] = st;
    scheduler_.place(child[site], i, site);
    ++nodes_;
    const uint64_t child_code = code + site * weight_[i];
    if (i == n_ - 1) {
      const double total = scheduler_.finish(child[site]);
      if (total < best_delay_ || (total == best_delay_ && child_code < best_code_)) {
        best_delay_ = total;
        best_code_ = child_code;
      }
    } else {
      bound[site] = prune_ ? lower_bound(child[site], i + 1) : 0.0;
    }
  }
  if (i == n_ - 1) return;
  // Most promising first: a good incumbent early prunes more. The code test keeps tied
  // placements with smaller codes alive, so the order cannot change the answer.
  int order[kSites] = {0, 1, 2};
  std::stable_sort(order, order + kSites, [&](int a, int b) { return bound[a] < bound[b]; });
  for (int site : order) {
    const uint64_t child_code = code + site * weight_[i];
    if (prune_ && (bound[site] > best_delay_ ||
                   (bound[site] == best_delay_ && child_code > best_code_))) {
      continue;
    }
    visit(child[site], i + 1, child_code);
  }
}

double BranchAndBound::solve(const SystemState& state, int* placement, SearchStats* stats) {
  scheduler_.set_state(state);
  nodes_ = 0;
  if (prune_) {
    best_delay_ = greedy_.decide(state, placement);
    best_code_ = placement_code(placement, n_);
  } else {
    best_delay_ = kInf;
    best_code_ = 0;
  }
  ScheduleState root;
  scheduler_.reset(root);
  visit(root, 0, 0);
  uint64_t code = best_code_;
  for (int i = n_ - 1; i >= 0; --i, code /= 3) placement[i] = static_cast<int>(code % 3);
  if (stats) stats->nodes = nodes_;
  return best_delay_;
}

ExactSolver::ExactSolver(const Profile& profile)
    : profile_(profile), chain_(is_chain(profile)), search_(profile) {}

double ExactSolver::solve(const SystemState& state, int* placement, SearchStats* stats) {
  if (chain_) {
    if (stats) stats->nodes = 0;
    return chain_dp(profile_, state, placement);
  }
  return search_.solve(state, placement, stats);
}

}  // namespace kdo
