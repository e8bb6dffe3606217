// T(placement; state): the list schedule of DESIGN.md's "Execution semantics", one lane at a
// time. It mirrors model/delay.py operation for operation (same association of every sum and
// product), so the two agree to rounding, not just to tolerance.
#pragma once

#include <vector>

#include "system.hpp"

namespace kdo {

class DelayModel {
 public:
  explicit DelayModel(const Profile& profile);

  // Seconds until the last exit's output is on the device. Reuses scratch: not thread-safe.
  double delay(const SystemState& state, const int* placement);

 private:
  // When one datum is at each site (infinity: no copy there).
  struct Copies {
    double at[kSites];
  };
  enum Link { kUp = 0, kDown = 1, kBackhaulUp = 2, kBackhaulDown = 3 };

  double hop(Link link, double data_ready, double bits);
  double fetch(Copies& datum, int site, double bits);
  double run_on_core(int site, double ready, double run_s);

  const Profile& profile_;
  double link_free_[4] = {};
  double rate_[4] = {};
  double lat_[4] = {};
  double device_free_ = 0;
  std::vector<double> edge_free_;
  std::vector<Copies> outputs_;
};

}  // namespace kdo
