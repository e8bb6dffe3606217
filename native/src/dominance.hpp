// Dominance between partial placements of the branch and bound (BranchAndBound::visit).
//
// With subtasks placed in index order, what a completion of subtasks 0..d does next depends
// only on the schedule's frontier: when each link, the device's core and the edge's cores are
// next free, and where and when each output that someone still reads is. Two partial placements
// at one depth whose frontiers have the same copy sites and whose times are all no later in the
// first: every completion of the first is no slower than the same completion of the second
// (every step of the schedule is a max or a sum of these times, monotone in floating point too),
// so with the first lexicographically smaller the second holds no x* under the tie rule.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "delay_model.hpp"

namespace kdo {

class DominanceTable {
 public:
  DominanceTable(const Profile& profile, const std::vector<std::vector<int>>& succs,
                 const std::vector<bool>& is_exit);

  // A new state: the table forgets every frontier (the next lookups see none).
  void reset(const SystemState& state);
  // Whether a frontier kept at this depth (subtasks 0..depth placed) is no later than st's and
  // has a lexicographically smaller prefix than path[0..depth].
  bool dominated(const ScheduleState& st, int depth, const int* path);
  // Keeps the frontier the last dominated() call at (depth, path[depth]) computed, and
  // path[0..depth], for later lookups, in place of the oldest in its bucket: the table is
  // bounded, which only loses prunes.
  void insert(int depth, const int* path);

 private:
  struct Level {
    std::vector<int> live;   // placed non-exits that an unplaced subtask still reads
    std::vector<int> exits;  // placed exits
    int stride = 0;          // doubles per frontier
    int buckets = 0;
    std::unique_ptr<double[]> times;
    std::unique_ptr<int8_t[]> prefixes;
    std::unique_ptr<uint32_t[]> stamp;  // per bucket: the state it was filled for
    std::unique_ptr<uint8_t[]> fill;    // per bucket: frontiers held (ring once full)
  };

  // The frontier of st at `depth` into key, and the hash of its copy sites.
  uint64_t frontier(const ScheduleState& st, int depth, double* key) const;
  // Scratch per (depth, site): a child's frontier, kept from its lookup to its insert.
  double* key(int depth, int site);
  // The earliest any later use of each link and of a core can start.
  void releases(const ScheduleState& st, int depth, double* link, double* core) const;
  bool no_later(const Level& level, const double* a, const double* b) const;
  void allocate(Level& level, int depth);

  int n_, cores_;
  std::vector<Level> levels_;
  size_t widest_ = 0;
  std::vector<double> keys_;
  std::vector<uint64_t> hashes_;
  const Profile& profile_;
  uint32_t generation_ = 0;
  double least_run_s_[kMaxSubtasks] = {};  // each subtask's run on its fastest site
  double down_s_[kMaxSubtasks] = {};      // each exit's output over the downlink
  double backhaul_s_[kMaxSubtasks] = {};  // and over the backhaul
};

}  // namespace kdo
