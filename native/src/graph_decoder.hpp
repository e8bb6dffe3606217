// The guarded decision for any task graph (N <= 64), the port of model/graph_decoding.py:
// candidates (beam top-K over the per-subtask logits, greedy, HEFT, the three single-site
// placements), the fastest of them (ties to the lexicographically smallest), then a bounded
// first-improvement one-flip local search. Placement for placement equal to the Python reference.
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
  // passes bounds the local search to passes * 2n flips (model.graph_decoding.LOCAL_SEARCH_PASSES).
  GraphDecoder(const Profile& profile, int top_k, int ood_top_k, int passes);

  // logits [n][3]; writes the placement and returns its T.
  double decode(const float* logits, const SystemState& state, bool out_of_support, int* placement);

 private:
  using Partial = BeamEntry<PlacementCode>;

  void offer(const int* placement);
  void offer_code(PlacementCode code);
  double local_search(int* placement, double cost);
  // T of `placement` with subtask i moved to `site`, replayed from the schedule before i; gives
  // up (returns +inf) once a bound shows T cannot come under `beat`.
  double flipped_delay(int* placement, int i, int site, double beat);
  // For the current placement, from subtask `from` on: the schedule before each subtask, and
  // per subtask the least time from its finish to T (tail_) and the work still to come on the
  // device's and the edge's cores after it (device_rest_, edge_rest_).
  void prepare(const int* placement, int from);
  // The least time from subtask k's finish at `site` to T: along every path of successors at
  // their sites, each datum over idle links and each run alone; an exit's output home.
  double tail_at(const int* placement, int k, int site) const;
  // Per subtask, seconds its output needs from one site to another over idle links (0 on one
  // site), for the state being decided: move_s_[k][from][to].
  void compute_moves();
  bool bound_reaches(const ScheduleState& st, int k, double finish, double tail, double limit) const;
  // Whether st's frontier after subtask k is no earlier than the current placement's, with the
  // same copy sites: then so is every later step (each a max or a sum of these times).
  bool no_earlier(const ScheduleState& st, int k) const;

  int n_, top_k_, ood_top_k_, passes_;
  Scheduler scheduler_;
  Greedy greedy_;
  Heft heft_;
  std::vector<Partial> beam_, grown_;
  std::vector<PlacementCode> candidates_;
  std::vector<std::vector<int>> succs_;
  std::vector<bool> is_exit_;
  std::vector<int> settled_;                // from which subtask on nothing reads i's output
  std::vector<std::vector<int>> live_;      // per k: the outputs a later subtask or T reads
  std::vector<double> tail_, device_rest_, edge_rest_;
  double move_s_[kMaxSubtasks][kSites][kSites] = {};
  std::vector<ScheduleState> snapshots_;  // [n + 1]: the schedule before each subtask
  ScheduleState work_;
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
