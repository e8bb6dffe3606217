// What a phone observed of its network when it decides (model/observation.py): the probed rate
// history of each wireless direction and its own backlog, and their nine-value summary.
#pragma once

#include <array>

namespace kdo {

constexpr int kHistory = 8;  // rate probes per direction, oldest first (observation.HISTORY)

struct Observation {
  std::array<double, kHistory> rate_up_history{}, rate_down_history{};  // bit/s, > 0
  double backlog_device = 0, backlog_up = 0, backlog_down = 0;         // s queued, >= 0
};

// The fields the feature recipe reads; `valid` false: a state decided without an observation,
// which reads as a network holding still at the state's own rates with nothing queued.
struct ObservationSummary {
  bool valid = false;
  double rate_up_hmean = 0, rate_up_min = 0, rate_up_spread = 0;
  double rate_down_hmean = 0, rate_down_min = 0, rate_down_spread = 0;
  double backlog_device = 0, backlog_up = 0, backlog_down = 0;
};

// Harmonic mean, minimum and log spread per direction, computed as the Python reference does
// (relative to one probe, summed in order), and the backlogs as they are.
ObservationSummary summarise(const Observation& observation);

}  // namespace kdo
