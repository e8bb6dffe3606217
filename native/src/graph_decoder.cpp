#include "graph_decoder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kdo {
namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
// The tail bound sums in another order than the schedule, so it prunes only flips it shows to
// be slower by more than any rounding: a flip it keeps is then scored exactly, as in Python.
constexpr double kSlack = 1.0 + 1e-9;
}

PlacementCode pack_placement(const int* placement, int n) {
  PlacementCode code = 0;
  for (int i = 0; i < n; ++i) code = (code << 2) | static_cast<PlacementCode>(placement[i]);
  return code;
}

void unpack_placement(PlacementCode code, int n, int* placement) {
  for (int i = n - 1; i >= 0; --i) {
    placement[i] = static_cast<int>(code & 3);
    code >>= 2;
  }
}

GraphDecoder::GraphDecoder(const Profile& profile, int top_k, int ood_top_k, int passes)
    : n_(profile.n), top_k_(top_k), ood_top_k_(std::max(top_k, ood_top_k)), passes_(passes),
      scheduler_(profile), greedy_(profile), heft_(profile), succs_(successors(profile)),
      tail_(profile.n), snapshots_(profile.n + 1),
      scratch_(profile.n) {
  beam_.reserve(3 * ood_top_k_);
  grown_.reserve(3 * ood_top_k_);
  candidates_.reserve(ood_top_k_ + 5);
}

void GraphDecoder::offer_code(PlacementCode code) {
  if (std::find(candidates_.begin(), candidates_.end(), code) == candidates_.end()) {
    candidates_.push_back(code);
  }
}

void GraphDecoder::offer(const int* placement) { offer_code(pack_placement(placement, n_)); }

double GraphDecoder::decode(const float* logits, const SystemState& state, bool out_of_support,
                            int* placement) {
  beam_search(logits, n_, out_of_support ? ood_top_k_ : top_k_, beam_, grown_,
              [](PlacementCode code, uint32_t site) { return (code << 2) | site; });
  candidates_.clear();
  for (const Partial& p : beam_) offer_code(p.code);
  greedy_.decide(state, scratch_.data());
  offer(scratch_.data());
  heft_.decide(state, scratch_.data());
  offer(scratch_.data());
  for (int site = 0; site < kSites; ++site) {
    std::fill(scratch_.begin(), scratch_.end(), site);
    offer(scratch_.data());
  }
  scheduler_.set_state(state);
  double best = kNever;
  PlacementCode best_code = 0;
  for (PlacementCode code : candidates_) {
    unpack_placement(code, n_, scratch_.data());
    scheduler_.reset(work_);
    for (int i = 0; i < n_; ++i) scheduler_.place(work_, i, scratch_[i]);
    const double delay = scheduler_.finish(work_);
    if (delay < best || (delay == best && code < best_code)) {
      best = delay;
      best_code = code;
    }
  }
  unpack_placement(best_code, n_, placement);
  return local_search(placement, best);
}

void GraphDecoder::compute_tails(const SystemState& state) {
  for (int k = n_ - 1; k >= 0; --k) {
    double tail = 0.0;
    for (int j : succs_[k]) {
      const double fastest = std::min({state.cycles[j] / state.f_device, state.cycles[j] / state.f_edge,
                                       state.cycles[j] / state.f_cloud});
      tail = std::max(tail, fastest + tail_[j]);
    }
    tail_[k] = tail;
  }
}

double GraphDecoder::flipped_delay(const int* placement, int i, int site, double beat) {
  const int cores = scheduler_.profile().edge_cores;
  copy_schedule(work_, snapshots_[i], i, cores);
  const double limit = beat * kSlack;
  if (scheduler_.place(work_, i, site) + tail_[i] >= limit) return kNever;
  for (int k = i + 1; k < n_; ++k) {
    if (scheduler_.place(work_, k, placement[k]) + tail_[k] >= limit) return kNever;
  }
  return scheduler_.finish(work_);
}

double GraphDecoder::local_search(int* placement, double cost) {
  const int cores = scheduler_.profile().edge_cores;
  compute_tails(scheduler_.state());
  for (int pass = 0; pass < passes_; ++pass) {
    // The schedule before each subtask: a flip at i replays only subtasks i..n-1.
    scheduler_.reset(snapshots_[0]);
    for (int i = 0; i < n_; ++i) {
      copy_schedule(snapshots_[i + 1], snapshots_[i], i, cores);
      scheduler_.place(snapshots_[i + 1], i, placement[i]);
    }
    double best = cost;
    int best_subtask = -1, best_site = 0;
    for (int i = 0; i < n_; ++i) {
      for (int site = 0; site < kSites; ++site) {  // scan order: subtask, then site ascending
        if (site == placement[i]) continue;
        const double delay = flipped_delay(placement, i, site, best);
        if (delay < best) {  // strict: the first flip in scan order keeps a tie
          best = delay;
          best_subtask = i;
          best_site = site;
        }
      }
    }
    if (best_subtask < 0) break;
    placement[best_subtask] = best_site;
    cost = best;
  }
  return cost;
}

void site_order_from_logits(const float* logits, int n, int8_t* order) {
  for (int i = 0; i < n; ++i) {
    const float* row = logits + 3 * i;
    int8_t* sites = order + 3 * i;
    sites[0] = 0, sites[1] = 1, sites[2] = 2;
    std::stable_sort(sites, sites + 3, [row](int8_t a, int8_t b) { return row[a] > row[b]; });
  }
}

GuidedSearch::GuidedSearch(const Profile& profile, int top_k, int ood_top_k, int passes)
    : n_(profile.n), decoder_(profile, top_k, ood_top_k, passes), solver_(profile),
      order_(3 * profile.n), incumbent_(profile.n), start_(profile.n) {}

double GuidedSearch::solve(const float* logits, const SystemState& state, bool out_of_support,
                           int* placement, SearchStats* stats, const SearchBudget& budget) {
  if (logits == nullptr) return solver_.solve(state, placement, stats, budget);
  decoder_.decode(logits, state, out_of_support, start_.data());
  std::copy(start_.begin(), start_.end(), incumbent_.begin());
  site_order_from_logits(logits, n_, order_.data());
  return solver_.solve(state, placement, stats, budget, SearchHints{order_.data(), incumbent_.data()});
}

}  // namespace kdo
