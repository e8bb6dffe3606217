#include "observation.hpp"

#include <algorithm>
#include <cmath>

namespace kdo {
namespace {

struct RateSummary {
  double hmean, min, spread;
};

// Relative to the last probe for the mean and to the first for the spread, so a history that
// holds still gives its rate and a spread of exactly 0 (model/observation.py's _summarise).
RateSummary summarise_rates(const std::array<double, kHistory>& history) {
  const double last = history[kHistory - 1];
  const double first_log = std::log(history[0]);
  double ratio = 0, shift = 0, square = 0, low = history[0];
  for (int k = 0; k < kHistory; ++k) {
    ratio += last / history[k];
    const double d = std::log(history[k]) - first_log;
    shift += d;
    square += d * d;
    low = std::min(low, history[k]);
  }
  const double mean_shift = shift / kHistory;
  const double variance = std::max(square / kHistory - mean_shift * mean_shift, 0.0);
  return {last * kHistory / ratio, low, std::sqrt(variance)};
}

}  // namespace

ObservationSummary summarise(const Observation& observation) {
  const RateSummary up = summarise_rates(observation.rate_up_history);
  const RateSummary down = summarise_rates(observation.rate_down_history);
  ObservationSummary s;
  s.valid = true;
  s.rate_up_hmean = up.hmean, s.rate_up_min = up.min, s.rate_up_spread = up.spread;
  s.rate_down_hmean = down.hmean, s.rate_down_min = down.min, s.rate_down_spread = down.spread;
  s.backlog_device = observation.backlog_device;
  s.backlog_up = observation.backlog_up;
  s.backlog_down = observation.backlog_down;
  return s;
}

}  // namespace kdo
