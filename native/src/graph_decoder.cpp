#include "graph_decoder.hpp"

#include <algorithm>

namespace kdo {

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

GraphDecoder::GraphDecoder(const Profile& profile, int top_k, int ood_top_k, int passes, int pair_work)
    : n_(profile.n), top_k_(top_k), ood_top_k_(std::max(top_k, ood_top_k)), passes_(passes),
      pair_work_(pair_work), linked_(static_cast<size_t>(profile.n) * profile.n, 0),
      scorer_(profile), greedy_(profile), heft_(profile), scratch_(profile.n) {
  for (int k = 0; k < n_; ++k) {
    for (int p : profile.preds[k]) linked_[p * n_ + k] = linked_[k * n_ + p] = 1;
  }
  beam_.reserve(3 * ood_top_k_);
  grown_.reserve(3 * ood_top_k_);
  candidates_.reserve(ood_top_k_ + kSites);
}

double GraphDecoder::decode(const float* logits, const SystemState& state, bool out_of_support,
                            int* placement) {
  beam_search(logits, n_, out_of_support ? ood_top_k_ : top_k_, beam_, grown_,
              [](PlacementCode code, uint32_t site) { return (code << 2) | site; });
  candidates_.clear();
  for (const Partial& p : beam_) candidates_.push_back(p.code);
  for (int site = 0; site < kSites; ++site) {
    std::fill(scratch_.begin(), scratch_.end(), site);
    candidates_.push_back(pack_placement(scratch_.data(), n_));
  }
  // Greedy and HEFT return their placements' T: the first incumbent, unscored.
  double best = greedy_.decide(state, scratch_.data());
  const PlacementCode greedy_code = pack_placement(scratch_.data(), n_);
  const double heft = heft_.decide(state, scratch_.data());
  const PlacementCode heft_code = pack_placement(scratch_.data(), n_);
  best_code_ = greedy_code;
  if (heft < best || (heft == best && heft_code < best_code_)) best = heft, best_code_ = heft_code;
  scorer_.set_state(state);
  best = best_candidate(best, greedy_code, heft_code);
  unpack_placement(best_code_, n_, placement);
  scorer_.reset(placement);
  best = local_search(placement, best);
  return pair_work_ >= n_ ? pair_search(placement, best) : best;
}

double GraphDecoder::best_candidate(double best, PlacementCode greedy, PlacementCode heft) {
  // In lexicographic order, neighbours share the longest prefixes: each replays the least.
  std::sort(candidates_.begin(), candidates_.end());
  PlacementCode previous = 0;
  for (size_t c = 0; c < candidates_.size(); ++c) {
    const PlacementCode code = candidates_[c];
    if ((c > 0 && code == previous) || code == greedy || code == heft) continue;
    previous = code;
    unpack_placement(code, n_, scratch_.data());
    const double delay = scorer_.score(scratch_.data(), best);
    if (delay < best || (delay == best && code < best_code_)) {
      best = delay;
      best_code_ = code;
    }
  }
  return best;
}

double GraphDecoder::local_search(int* placement, double cost) {
  // First improvement (model/graph_decoding.py): flips in cyclic scan order from the one after
  // the last move, at most passes * 2n of them scored, until 2n in a row do not lower T.
  const int flips = 2 * n_;
  const long budget = static_cast<long>(passes_) * flips;
  int cursor = 0, unimproved = 0;
  for (long scored = 0; scored < budget && unimproved < flips; ++scored) {
    const int i = cursor / 2;
    const int site = other_site(placement[i], cursor % 2);
    cursor = (cursor + 1) % flips;
    const double delay = scorer_.flipped(i, site, cost);
    if (delay < cost) {
      placement[i] = site;
      cost = delay;
      unimproved = 0;
      scorer_.move(i, site);
    } else {
      ++unimproved;
    }
  }
  return cost;
}

double GraphDecoder::pair_search(int* placement, double cost) {
  // Pair p = (i, j), i < j, slot r: i to its (r / 2)-th other site, j to its (r % 2)-th; the
  // eligible slots are the exchange and, for an edge, both to one site neither is on.
  long left = pair_work_ / n_;  // pair moves scored at most
  while (left > 0) {
    bool moved = false;
    for (int i = 0; i + 1 < n_ && !moved && left > 0; ++i) {
      for (int j = i + 1; j < n_ && !moved && left > 0; ++j) {
        const int xi = placement[i], xj = placement[j];
        for (int r = 0; r < 4 && left > 0; ++r) {
          const int a = other_site(xi, r / 2), b = other_site(xj, r % 2);
          if (!(a == xj && b == xi) && !(a == b && linked_[i * n_ + j])) continue;
          --left;
          const double delay = scorer_.paired(i, a, j, b, cost);
          if (delay < cost) {
            placement[i] = a;
            placement[j] = b;
            cost = delay;
            scorer_.move_pair(i, a, j, b);
            moved = true;
            break;
          }
        }
      }
    }
    if (!moved) break;
    cost = local_search(placement, cost);
  }
  return cost;
}

int other_site(int site, int r) {
  const int a = (site + 1) % kSites, b = (site + 2) % kSites;
  return r == 0 ? std::min(a, b) : std::max(a, b);
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
