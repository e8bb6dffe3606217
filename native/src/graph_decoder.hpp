// The guarded decision for any task graph (N <= 64), the port of model/graph_decoding.py:
// candidates (beam top-K over the per-subtask logits, greedy, HEFT, the three single-site
// placements), the fastest of them (ties to the lexicographically smallest), then a bounded
// best-improvement one-flip local search. Placement for placement equal to the Python reference.
#pragma once

#include <vector>

#include "decoders.hpp"
#include "delay_model.hpp"
#include "solvers.hpp"
#include "system.hpp"

namespace kdo {

// A placement packed two bits a subtask, subtask 0 most significant: for placements of one
// length, numeric order is lexicographic order, and 64 subtasks fit.
using PlacementCode = unsigned __int128;

class GraphDecoder {
 public:
  // K in support and out of it follow DecoderConfig's widening rule: max(top_k, ood_top_k).
  // passes bounds the local search (model.graph_decoding.LOCAL_SEARCH_PASSES).
  GraphDecoder(const Profile& profile, int top_k, int ood_top_k, int passes);

  // logits [n][3]; writes the placement and returns its T.
  double decode(const float* logits, const SystemState& state, bool out_of_support, int* placement);

 private:
  using Partial = BeamEntry<PlacementCode>;

  void offer(const int* placement);
  void offer_code(PlacementCode code);
  double local_search(int* placement, double cost);
  // T of `placement` with subtask i moved to `site`, from the snapshot before i; gives up
  // (returns +inf) once a subtask's finish plus its tail shows T cannot come under `beat`.
  double flipped_delay(const int* placement, int i, int site, double beat);

  int n_, top_k_, ood_top_k_, passes_;
  Scheduler scheduler_;
  Greedy greedy_;
  Heft heft_;
  std::vector<Partial> beam_, grown_;
  std::vector<PlacementCode> candidates_;
  // Per subtask the least time from its finish to T: its successors' fastest runs along the
  // longest such path (0 for an exit). T >= finish + tail, as no successor starts earlier.
  void compute_tails(const SystemState& state);
  std::vector<std::vector<int>> succs_;
  std::vector<double> tail_;
  std::vector<ScheduleState> snapshots_;  // [n + 1]: the schedule before each subtask
  ScheduleState work_;
  std::vector<int> scratch_;
};

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
