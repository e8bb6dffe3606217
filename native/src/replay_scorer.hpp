// T(x) of the delay model for many placements of one state that share prefixes. The schedule
// runs in subtask index order, so the schedule before subtask i depends on x_0..x_{i-1} only:
// the scorer keeps the schedule before every subtask of the placement it last replayed and
// replays another placement only from where it departs from that one. Lower bounds on T end a
// replay once it cannot beat a given time. Every T it returns is the delay model's, bit for bit
// (the same place/finish operations in the same order); a replay it ends early returns +inf.
#pragma once

#include <cstdint>
#include <vector>

#include "delay_model.hpp"
#include "system.hpp"

namespace kdo {

class ReplayScorer {
 public:
  explicit ReplayScorer(const Profile& profile);

  // The state every later call scores in (held by reference until the next set_state).
  void set_state(const SystemState& state);

  // T of `placement`, or +inf where a bound shows T > beat (so a tie with beat is always
  // scored exactly). Leaves no current placement.
  double score(const int* placement, double beat);

  // Makes `placement` the current one, for move and flipped.
  void reset(const int* placement);
  const int* current() const { return placed_.data(); }
  double current_delay() const { return current_delay_; }
  // Moves subtask i of the current placement to `site`; the schedule before 0..i is kept.
  void move(int i, int site);
  // T of the current placement with subtask i at `site`, or +inf where a bound shows T >= beat.
  double flipped(int i, int site, double beat);
  // T of the current placement with subtask i at site_i and j > i at site_j, or +inf where a
  // bound shows T >= beat (the bounds of flipped, with those of i..j made for the pair's sites).
  double paired(int i, int site_i, int j, int site_j, double beat);
  // Moves subtasks i < j of the current placement to site_i and site_j.
  void move_pair(int i, int site_i, int j, int site_j);

 private:
  // The schedule before each subtask from `from` on, for placed_ (snapshots_[from] is valid),
  // its bounds and its T: placed_ becomes the current placement.
  void make_current(int from);
  // snapshots_[k + 1] from snapshots_[k] and placed_[k]; returns subtask k's finish.
  double advance(int k);
  // `from`'s resources and the outputs read from subtask k on (the only ones kept) into `to`.
  void carry(ScheduleState& to, const ScheduleState& from, int k) const;
  int departure(const int* placement) const;
  // For `placement`, per subtask: the least time from its finish to T (tail_); the least time
  // from the device core's free time to T through the device subtasks after it, run in turn
  // (device_chain_); the edge work still to come after it (edge_rest_); the sites used after
  // it (later_sites_).
  void bound_tails(const int* placement);
  // The least time from subtask k's finish at `site` to T: along every path of successors at
  // their sites, each datum over idle links and each run alone; an exit's output home.
  double tail_at(const int* placement, int k, int site) const;
  // Per subtask, seconds its output needs from one site to another over idle links (0 on one
  // site), for the state being scored: move_s_[k][from][to].
  void compute_moves();
  bool bound_reaches(const ScheduleState& st, int k, double finish, double tail, double limit) const;
  bool reaches(const ScheduleState& st, double finish, double tail, double device_chain, double edge_rest,
               double limit) const;
  // tail_, device_chain_ and edge_rest_ for subtasks i..j of placed_ (holding a pair move) into
  // pair_tail_, pair_device_, pair_edge_.
  void pair_bounds(int i, int j);
  // Whether st's frontier after subtask k is no earlier than the current placement's, with the
  // same copy sites: then so is every later step (each a max or a sum of these times).
  bool no_earlier(const ScheduleState& st, int k) const;
  bool cores_no_earlier(const double* a, const double* b) const;

  int n_, cores_;
  Scheduler scheduler_;
  std::vector<std::vector<int>> succs_;
  std::vector<uint8_t> is_exit_;
  std::vector<int> settled_;            // from which subtask on nothing reads i's output
  std::vector<std::vector<int>> live_;  // per k: outputs before k that k, a later one or T reads
  std::vector<int> first_live_;         // per k: the first of live_[k] (k if none)
  std::vector<double> tail_, device_chain_, edge_rest_;
  std::vector<double> pair_tail_, pair_device_, pair_edge_;  // pair_bounds' [i..j]
  enum : uint8_t { kOnDevice = 1 << kDevice, kOnEdge = 1 << kEdge, kOnCloud = 1 << kCloud };
  std::vector<uint8_t> later_sites_;    // per k: the sites of the subtasks after it (bits)
  double move_s_[kMaxSubtasks][kSites][kSites] = {};
  std::vector<int> placed_;               // the placement snapshots_ hold a prefix of
  int valid_ = 0;                         // snapshots_[0..valid_] are placed_'s
  double current_delay_ = 0.0;           // T of the current placement
  std::vector<ScheduleState> snapshots_;  // [n + 1]: the schedule before each subtask
  ScheduleState work_;
};

}  // namespace kdo
