// The branch and bound's incumbent: better starting points and a local search around them.
#include <algorithm>

#include "solvers.hpp"

namespace kdo {

void BranchAndBound::polish_incumbent() {
  // HEFT's and the single-site placements if better, then one-site moves while any helps and
  // two-site moves when none does: on graphs of 30-50 subtasks this takes the incumbent most of
  // the way to T* in a few thousand delay evaluations, and every later prune compares against
  // it. Any better placement may replace the incumbent mid-search: the tie rule still finds
  // the smallest optimum.
  polished_ = true;
  const SystemState& state = scheduler_.state();
  offer_incumbent(heft_.decide(state, scratch_.data()), scratch_);
  for (int site = 0; site < kSites; ++site) {
    std::fill(scratch_.begin(), scratch_.end(), site);
    offer_incumbent(delay_model_.delay(state, scratch_.data()), scratch_);
  }
  while (one_site_moves() || two_site_moves()) {
  }
}

bool BranchAndBound::one_site_moves() {
  const SystemState& state = scheduler_.state();
  bool any = false;
  for (bool improved = true; improved;) {
    improved = false;
    for (int i = 0; i < n_; ++i) {
      const int kept = best_[i];
      for (int site = 0; site < kSites; ++site) {
        if (site == kept) continue;
        best_[i] = site;
        const double moved = delay_model_.delay(state, best_.data());
        if (moved < best_delay_) {
          best_delay_ = moved;
          improved = any = true;
          break;
        }
        best_[i] = kept;
      }
    }
  }
  return any;
}

bool BranchAndBound::two_site_moves() {
  const SystemState& state = scheduler_.state();
  for (int i = 0; i < n_; ++i) {
    for (int j = i + 1; j < n_; ++j) {
      const int kept_i = best_[i], kept_j = best_[j];
      for (int shift = 1; shift < kSites * kSites; ++shift) {
        best_[i] = (kept_i + shift / kSites) % kSites;
        best_[j] = (kept_j + shift % kSites) % kSites;
        if (best_[i] == kept_i || best_[j] == kept_j) continue;  // one-site moves are done
        const double moved = delay_model_.delay(state, best_.data());
        if (moved < best_delay_) {
          best_delay_ = moved;
          return true;
        }
      }
      best_[i] = kept_i;
      best_[j] = kept_j;
    }
  }
  return false;
}

}  // namespace kdo
