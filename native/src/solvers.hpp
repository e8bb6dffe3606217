// The exact expert and the greedy baseline in C++, with model/oracle.py's and
// model/policies.py's answers bit for bit: x* = argmin_x T(x), ties to the lexicographically
// smallest x (subtask 0 most significant, local < edge < cloud).
#pragma once

#include <cstdint>
#include <vector>

#include "delay_model.hpp"
#include "system.hpp"

namespace kdo {

// Chains only (edges (i, i+1)). The earliest finish per (subtask, site) is all the future needs,
// since every step is non-decreasing in its start time. Ties: x_0, x_1, ... are fixed in turn to
// the smallest site whose best completion still reaches T*, with the same operations as
// oracle._chain_one, so the equality test is exact. Writes n sites, returns T*.
double chain_dp(const Profile& profile, const SystemState& state, int* placement);

bool is_chain(const Profile& profile);

struct SearchStats {
  uint64_t nodes = 0;  // partial placements scheduled (a leaf counts as a node)
};

// Each subtask in index order goes where it would finish earliest given the earlier choices
// (for an exit: where its output would reach the device earliest); ties to the lower site.
class Greedy {
 public:
  explicit Greedy(const Profile& profile) : scheduler_(profile) {}

  // Writes the placement, returns its T.
  double decide(const SystemState& state, int* placement);

 private:
  Scheduler scheduler_;
  ScheduleState current_, option_[kSites];
};

// Any DAG: depth-first over placements in subtask index order. A node's bound is the earliest
// finish each remaining subtask could have on its best site ignoring contention among the
// remaining ones, starting from the resources' current free times; every quantity of the bound
// is a composition of max and + over values no later than the real ones, so in floating point
// too it never exceeds the T of any completion, and pruning is exact. The greedy placement is
// the first incumbent. With prune = false it is the exhaustive search (every leaf).
class BranchAndBound {
 public:
  explicit BranchAndBound(const Profile& profile, bool prune = true);

  double solve(const SystemState& state, int* placement, SearchStats* stats = nullptr);

 private:
  void visit(const ScheduleState& st, int i, uint64_t code);
  double lower_bound(const ScheduleState& st, int next) const;

  Scheduler scheduler_;
  Greedy greedy_;  // the first incumbent
  bool prune_;
  int n_;
  std::vector<uint64_t> weight_;  // 3^(n-1-i): a subtask's digit weight in the placement code
  std::vector<ScheduleState> children_;  // [n][3], one level of scratch per depth
  double best_delay_ = 0;
  uint64_t best_code_ = 0;
  uint64_t nodes_ = 0;
};

// One entry point per state: the chain DP on chains, else the branch and bound.
class ExactSolver {
 public:
  explicit ExactSolver(const Profile& profile);

  double solve(const SystemState& state, int* placement, SearchStats* stats = nullptr);

 private:
  const Profile& profile_;
  bool chain_;
  BranchAndBound search_;
};

uint64_t placement_code(const int* placement, int n);

}  // namespace kdo
