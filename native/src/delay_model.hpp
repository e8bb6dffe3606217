// T(placement; state): the list schedule of docs/model.md, one lane at a time. It mirrors
// model/delay.py operation for operation (same association of every sum and product, and the
// library is built with -ffp-contract=off), so the two agree bit for bit, which is what lets the
// exact solvers here break ties exactly as model/oracle.py does.
#pragma once

#include <cstdint>
#include <vector>

#include "system.hpp"

namespace kdo {

constexpr int kMaxSubtasks = 64;
constexpr int kMaxEdgeCores = 8;

// When one datum is at each site (infinity: no copy there).
struct Copies {
  double at[kSites];
};

enum Link { kUp = 0, kDown = 1, kBackhaulUp = 2, kBackhaulDown = 3 };

// Everything the schedule has reserved after the subtasks placed so far. A plain value: the
// branch and bound copies it once per node.
struct ScheduleState {
  double link_free[4];
  double device_free;
  double edge_free[kMaxEdgeCores];
  Copies outputs[kMaxSubtasks];
};

// The schedule's operations for one profile, with the parameters of one state (set_state).
class Scheduler {
 public:
  // Throws std::invalid_argument if the profile exceeds kMaxSubtasks or kMaxEdgeCores.
  explicit Scheduler(const Profile& profile);

  void set_state(const SystemState& state);
  void reset(ScheduleState& st) const;
  // Schedules subtask i at `site` after all earlier ones; returns its finish time.
  double place(ScheduleState& st, int i, int site) const;
  // Brings a datum to `site`, reserving links in `link_free`; returns its arrival there.
  double fetch(double* link_free, Copies& datum, int site, double bits) const;
  // Sends every exit's output to the device in exit order; returns T.
  double finish(ScheduleState& st) const;
  // When exit i's output would be on the device, without reserving anything.
  double exit_arrival(const ScheduleState& st, int i) const;

  // Arrival at dst of `bits` ready at t on src, over links reserved until st's free times
  // (through the edge between device and cloud). A lower bound for any later transfer.
  double move_bound(const ScheduleState& st, double t, int src, int dst, double bits) const;

  const Profile& profile() const { return profile_; }
  const SystemState& state() const { return *state_; }
  bool is_entry(int i) const { return is_entry_[i] != 0; }
  double run_seconds(int i, int site) const {
    return state_->cycles[i] * seconds_per_cycle_[site];
  }

 private:
  double hop(double* link_free, Link link, double data_ready, double bits) const;

  const Profile& profile_;
  std::vector<uint8_t> is_entry_;  // bytes, not bits: place reads it once per subtask
  const SystemState* state_ = nullptr;
  double rate_[4] = {};
  double lat_[4] = {};
  double seconds_per_cycle_[kSites] = {};
};

class DelayModel {
 public:
  explicit DelayModel(const Profile& profile) : scheduler_(profile) {}

  // Seconds until the last exit's output is on the device.
  double delay(const SystemState& state, const int* placement);

 private:
  Scheduler scheduler_;
  ScheduleState scratch_;
};

}  // namespace kdo
