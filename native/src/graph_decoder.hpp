// The guarded decision for any task graph (N <= 64), the port of model/graph_decoding.py:
// candidates (beam top-K over the per-subtask logits, greedy, HEFT, the three single-site
// placements), the fastest of them (ties to the lexicographically smallest), then a bounded
// first-improvement one-flip local search, then (pair_work > 0) pair moves between one-flip
// searches, at most pair_work / n of them scored. Placement for placement equal to the Python reference.
// Every placement is scored by ReplayScorer: candidates in lexicographic order, each replayed
// from where it departs from the one before, and flips from the schedule before the flipped
// subtask, each dropped once a bound shows it cannot win.
#pragma once

#include <vector>

#include "decoders.hpp"
#include "delay_model.hpp"
#include "replay_scorer.hpp"
#include "solvers.hpp"
#include "system.hpp"

namespace kdo {

// A placement packed two bits a subtask, subtask 0 most significant: for placements of one
// length, numeric order is lexicographic order, and 64 subtasks fit.
using PlacementCode = unsigned __int128;

class GraphDecoder {
 public:
  // K in support and out of it follow DecoderConfig's widening rule: max(top_k, ood_top_k).
  // passes bounds the local search to passes * 2n flips (model.graph_decoding.LOCAL_SEARCH_PASSES);
  // pair_work / n bounds the pair moves scored a decision (model.graph_decoding.PAIR_WORK; 0:
  // none, the decoder before them).
  GraphDecoder(const Profile& profile, int top_k, int ood_top_k, int passes, int pair_work = 0);

  // logits [n][3]; writes the placement and returns its T.
  double decode(const float* logits, const SystemState& state, bool out_of_support, int* placement);

 private:
  using Partial = BeamEntry<PlacementCode>;

  // The fastest of candidates_ and the incumbent (best, best_code_; greedy's and HEFT's
  // placements, whose T is known), ties to the smallest code, into best_code_; returns its T.
  double best_candidate(double best, PlacementCode greedy, PlacementCode heft);
  double local_search(int* placement, double cost);
  // model/graph_decoding.py's pair_search: rounds of the first faster pair move in scan order,
  // each followed by local_search, at most pair_work_ / n_ pair moves scored.
  double pair_search(int* placement, double cost);

  int n_, top_k_, ood_top_k_, passes_, pair_work_;
  std::vector<uint8_t> linked_;  // [n * n]: an edge either way
  ReplayScorer scorer_;
  Greedy greedy_;
  Heft heft_;
  std::vector<Partial> beam_, grown_;
  std::vector<PlacementCode> candidates_;
  PlacementCode best_code_ = 0;
  std::vector<int> scratch_;
};

// The r-th (r = 0, 1) of the two sites other than `site`, lower first: flip 2i + r of subtask i.
int other_site(int site, int r);

// Per subtask its sites by decreasing logit, ties to the lower site: order [n][3].
void site_order_from_logits(const float* logits, int n, int8_t* order);

// Exact search guided by a model: its site ranking orders the branching and its guarded
// decision is the first incumbent. The labels are plain branch and bound's (the hints change
// only the nodes); chains take the chain DP as always.
class GuidedSearch {
 public:
  GuidedSearch(const Profile& profile, int top_k, int ood_top_k, int passes);

  // logits null: the plain search, no hints.
  double solve(const float* logits, const SystemState& state, bool out_of_support, int* placement,
               SearchStats* stats, const SearchBudget& budget);

 private:
  int n_;
  GraphDecoder decoder_;
  ExactSolver solver_;
  std::vector<int8_t> order_, incumbent_;
  std::vector<int> start_;
};

PlacementCode pack_placement(const int* placement, int n);
void unpack_placement(PlacementCode code, int n, int* placement);

}  // namespace kdo
