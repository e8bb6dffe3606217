// The exact expert and the heuristics in C++, with model/oracle.py's and model/policies.py's
// answers bit for bit: x* = argmin_x T(x), ties to the lexicographically smallest x (subtask 0
// most significant, local < edge < cloud).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "bound_transfers.hpp"
#include "delay_model.hpp"
#include "dominance.hpp"
#include "system.hpp"

namespace kdo {

// Chains only (edges (i, i+1)). The earliest finish per (subtask, site) is all the future needs,
// since every step is non-decreasing in its start time. Ties: x_0, x_1, ... are fixed in turn to
// the smallest site whose best completion still reaches T*, with the same operations as
// oracle._chain_one, so the equality test is exact. Writes n sites, returns T*.
double chain_dp(const Profile& profile, const SystemState& state, int* placement);

bool is_chain(const Profile& profile);

// How much search one state may take; 0 means no limit. A node budget gives the same answer on
// every machine, a time budget does not. max_seconds counts the CPU time of the thread that
// solves (CLOCK_THREAD_CPUTIME_ID), from the start of its solve call: on a shared machine a
// wall-clock budget would measure the other processes' load as much as the search.
struct SearchBudget {
  uint64_t max_nodes = 0;
  double max_seconds = 0.0;
};

// Optional guidance for the search, per state (null: none). Neither changes the answer (the tie
// rule is enforced whatever the order), only how fast it is found and proven.
struct SearchHints {
  const int8_t* site_order = nullptr;  // [n][3]: per subtask, its sites in the order to try them
  const int8_t* incumbent = nullptr;   // [n]: a placement to start from if better than greedy's
};

struct SearchStats {
  uint64_t nodes = 0;        // partial placements scheduled (a leaf counts as a node)
  double lower_bound = 0.0;  // no placement has a smaller T
  bool certified = true;     // the search finished: the placement is x*, lower_bound == T*
};

// `from`'s resources and its first `outputs` outputs into `to`: a schedule is kMaxSubtasks
// outputs wide, and copying only the ones in use keeps small graphs as cheap as before.
void copy_schedule(ScheduleState& to, const ScheduleState& from, int outputs, int edge_cores);

// The site where subtask i, scheduled after `schedule`, finishes earliest (an exit: where its
// output reaches the device earliest), the lower site on a tie; `schedule` is left with i there.
int earliest_site(const Scheduler& scheduler, ScheduleState& schedule, int i, bool is_exit);

// Each subtask in index order goes where it would finish earliest given the earlier choices
// (for an exit: where its output would reach the device earliest); ties to the lower site.
class Greedy {
 public:
  explicit Greedy(const Profile& profile) : scheduler_(profile) {}

  // Writes the placement, returns its T.
  double decide(const SystemState& state, int* placement);

 private:
  Scheduler scheduler_;
  ScheduleState current_;
};

// HEFT on three sites (Topcuoglu et al. 2002, adapted to this delay model):
// 1. Mean costs over the sites: w(k) = (run_D + run_E + run_C) / 3; a datum of b bits costs the
//    mean over the nine (from, to) site pairs of its idle-link transfer time (0 on one site;
//    device <-> cloud is both hops); an exit's output also costs the mean over the three sites of
//    its way home (0, down, cloud->edge + down).
// 2. Upward rank: rank(k) = w(k) + home(k) for an exit, else w(k) + max over successors i of
//    (comm(out_bits[k]) + rank(i)). Subtasks are taken by decreasing rank, ties by index (a
//    topological order, since every rank exceeds its successors').
// 3. Each goes to the site where it finishes earliest (an exit: where its output reaches the
//    device earliest) in the list schedule of the subtasks taken before it; ties to the lower
//    site. The placement's T is then the delay model's (index order), as for any policy.
class Heft {
 public:
  explicit Heft(const Profile& profile);

  double decide(const SystemState& state, int* placement);

 private:
  Scheduler scheduler_;
  DelayModel delay_model_;
  std::vector<std::vector<int>> succs_;
  std::vector<bool> is_exit_;
  std::vector<double> rank_;
  std::vector<int> order_;
  ScheduleState current_;
};

// Any DAG: depth-first over placements in subtask index order, placements held as arrays (N up
// to kMaxSubtasks). Three bounds prune a node:
// - the critical path: the earliest finish each remaining subtask could have on its best site
//   ignoring contention among the remaining ones, from the resources' current free times. Every
//   quantity is a composition of max and + over values no later than the real ones, so in
//   floating point too it never exceeds the T of any completion; it also orders the children.
// - the load test: with tail(k, s) the least time from k's finish on s to T (a backward pass
//   over durations alone), a completion can reach the incumbent's T only if every remaining
//   subtask's site has head + tail within it and what must still use each resource fits before
//   it: the device's core against, in turn, the edge's cores, the uplink (device inputs and
//   device-only outputs sent off) and the downlink (exits' ways home); checked with the subtasks
//   that may go either way split fractionally (a relaxation, so a "no" is a proof), and the
//   subtasks left with one site replayed in index order on the device, the edge's cores and
//   the uplink. Its sums are taken in another order than the schedule's, so it compares with a
//   1e-9 relative slack and prunes strict losers only.
// - the exits' way home (bound_exits.cpp): their transfers home, one at a time in exit order
//   after everything else, replayed for placed exits and enumerated for unplaced ones.
// Beside the bounds, dominance (dominance.hpp): a child whose frontier (resources' free times,
// the copies still read) is no earlier than one kept at its depth with a lexicographically
// smaller prefix holds no x* and is cut without a bound.
// The first incumbent is greedy's (or the hint's, if better); a search still running after a few
// thousand nodes (at once above 16 subtasks) takes HEFT's or a single-site placement if better,
// then one- and two-site moves while any lowers T. With prune = false it is the exhaustive
// search (every leaf). Under a budget the search is anytime: it returns the best placement found,
// and the least bound of the subtrees it left unexplored as the lower bound.
class BranchAndBound {
 public:
  // The load tests' sums run in another order than the schedule's: they only prune a node
  // whose bound passes the incumbent by more than rounding could explain.
  static constexpr double kLoadSlack = 1e-9;

  explicit BranchAndBound(const Profile& profile, bool prune = true);

  double solve(const SystemState& state, int* placement, SearchStats* stats = nullptr,
               const SearchBudget& budget = {}, const SearchHints& hints = {});

 private:
  void visit(const ScheduleState& st, int i, double node_bound);
  double lower_bound(const ScheduleState& st, int next, bool* beyond_incumbent) const;
  // The critical-path bound; finish[k][s] gets each remaining subtask's earliest finish on s.
  double critical_path(const ScheduleState& st, int next, double (*finish)[kSites]) const;
  // with_cuts: the transfer cuts too. They cost about as much again as a node and prune few
  // nodes, but tighten the bound an unfinished search reports on the subtrees it left.
  bool load_exceeds(const ScheduleState& st, int next, const double (*finish)[kSites],
                    double incumbent, bool with_cuts = false) const;
  // The device against the uplink and the downlink with every transfer a choice of sites forces,
  // as minimum cuts (bound_transfers.cpp).
  bool transfers_exceed(const ScheduleState& st, int next, const bool (*allowed)[kSites],
                        double room_device, double room_up, double room_down) const;
  // The compute sites (the device and the edge together) against the backhaul up and down, with
  // every transfer into and out of the cloud a choice of sites forces, as minimum cuts.
  bool cloud_transfers_exceed(const ScheduleState& st, int next, const bool (*allowed)[kSites],
                              double room_compute, double room_bh_up, double room_bh_down) const;
  bool cloud_exceeds(const ScheduleState& st, int next, const double (*finish)[kSites],
                     const bool (*allowed)[kSites], double limit, double room_device) const;
  bool forced_chains_exceed(const ScheduleState& st, int next, const double (*finish)[kSites],
                            const bool (*allowed)[kSites], double limit) const;
  // When the last exit output could be home: > limit, or a bound on T (bound_exits.cpp); the
  // search for it stops once it is at most `floor`.
  struct ExitWay;
  double home_chain(const ScheduleState& st, int next, const double (*finish)[kSites],
                    double limit, double floor) const;
  // One choice of device (bit set) or way home for the free exits, replayed; returns its T bound.
  double replay_home(const ScheduleState& st, const double (*finish)[kSites], const ExitWay* ways,
                     int count, unsigned on_device) const;
  // Whether no completion of st has T <= limit (the exits' chain or the load test says so).
  bool refutes(const ScheduleState& st, int next, const double (*finish)[kSites], double limit) const;
  // A bound at least `known` on every completion of st: the largest T up to `cap` the tests refute.
  double refuted_bound(const ScheduleState& st, int next, double known, double cap) const;
  // Per remaining subtask, what going off the device costs the uplink and when the first of it
  // is ready to go; returns the downlink time the placed exits' ways home still need.
  double charge_transfers(const ScheduleState& st, int next, double* uplink, double* ready) const;
  void compute_tails();
  // When a subtask's placed inputs can be at its site at the earliest, their transfers sharing
  // each link into it (branch_bound.cpp).
  struct InputsIn {
    int count[2] = {0, 0};
    double release_[2][kMaxSubtasks + 1], seconds_[2][kMaxSubtasks + 1];
    void push(int lane, double release, double seconds);
    void add_entry(const BranchAndBound& bb, const ScheduleState& st, int site, double bits);
    // A placed datum not at `site`; at_edge: when it can be at the edge at the earliest.
    void add(const SystemState& s, int site, const Copies& copy, double at_edge, double bits);
    double end(const ScheduleState& st, int site) const;
  };
  void take_incumbent(const SystemState& state, const int8_t* hint);
  void offer_incumbent(double delay, const std::vector<int>& placement);
  void polish_incumbent();
  bool one_site_moves();  // applies every one-site move that lowers T; whether any did
  bool two_site_moves();  // applies the first two-site move that lowers T; whether one did
  bool out_of_budget();
  bool prefix_after_incumbent(int depth) const;  // path_[0..depth] > best_[0..depth]
  bool path_before_incumbent() const;            // path_ < best_

  Scheduler scheduler_;
  Greedy greedy_;
  Heft heft_;
  DelayModel delay_model_;  // the incumbent's local search
  bool prune_;
  int n_;
  std::vector<std::vector<int>> succs_;
  std::vector<bool> is_exit_;
  std::vector<ScheduleState> children_;  // [n][3], one level of scratch per depth
  DominanceTable dominance_;
  mutable TransferCut transfer_cut_;  // scratch of transfers_exceed
  std::vector<int> path_, best_, scratch_;
  double tail_[kMaxSubtasks][kSites] = {};
  double best_delay_ = 0;
  uint64_t nodes_ = 0;
  // Anytime bookkeeping: the budget, whether it ran out, the least bound left unexplored.
  SearchBudget budget_;
  const int8_t* site_order_ = nullptr;
  double deadline_ = 0;  // the thread's CPU seconds at which a time budget runs out
  bool stopped_ = false;
  bool polished_ = false;  // the incumbent's local search is done
  uint64_t polish_after_ = 0;
  double open_bound_ = 0;
};

// One entry point per state: the chain DP on chains, else the branch and bound.
class ExactSolver {
 public:
  explicit ExactSolver(const Profile& profile);

  double solve(const SystemState& state, int* placement, SearchStats* stats = nullptr,
               const SearchBudget& budget = {}, const SearchHints& hints = {});

 private:
  const Profile& profile_;
  bool chain_;
  BranchAndBound search_;
};

uint64_t placement_code(const int* placement, int n);

// Successors per subtask (increasing) and the exit flags, from the predecessor lists.
std::vector<std::vector<int>> successors(const Profile& profile);
std::vector<bool> exit_flags(const Profile& profile);

}  // namespace kdo
