// The C ABI's observation summary, so Python can hold the C++ port to model/observation.py, and
// the per-decision cost of the observation features, timed in C++.
#include <time.h>

#include <stdexcept>
#include <vector>

#include "c_api_internal.hpp"
#include "kdo_c_api.h"
#include "manifest.hpp"
#include "observation.hpp"

extern "C" {

int kdo_observation_summary(int count, const double* rate_up_history,
                            const double* rate_down_history, const double* backlogs,
                            double* summary) {
  return kdo::capi::guarded([&] {
    kdo::capi::require(count >= 0 && rate_up_history && rate_down_history && backlogs && summary,
                       "kdo_observation_summary: null array or negative count");
    for (int s = 0; s < count; ++s) {
      kdo::Observation o;
      for (int k = 0; k < kdo::kHistory; ++k) {
        o.rate_up_history[k] = rate_up_history[s * kdo::kHistory + k];
        o.rate_down_history[k] = rate_down_history[s * kdo::kHistory + k];
      }
      o.backlog_device = backlogs[3 * s], o.backlog_up = backlogs[3 * s + 1];
      o.backlog_down = backlogs[3 * s + 2];
      const kdo::ObservationSummary r = kdo::summarise(o);
      const double values[9] = {r.rate_up_hmean,   r.rate_up_min,    r.rate_up_spread,
                                r.rate_down_hmean, r.rate_down_min,  r.rate_down_spread,
                                r.backlog_device,  r.backlog_up,     r.backlog_down};
      for (int f = 0; f < 9; ++f) summary[9 * s + f] = values[f];
    }
  });
}

int kdo_time_features(const char* manifest_path, int observed, int rounds, double* ns_per_call) {
  return kdo::capi::guarded([&] {
    kdo::capi::require(manifest_path && ns_per_call && rounds > 0, "kdo_time_features: bad argument");
    const kdo::Manifest m = kdo::load_manifest(manifest_path);
    if (m.golden.empty()) throw std::invalid_argument(m.path + ": golden: empty");
    kdo::SystemState state = m.golden.front().state;
    kdo::Observation o;
    o.rate_up_history.fill(state.rate_up);
    o.rate_down_history.fill(state.rate_down);
    std::vector<float> out(m.recipe.width());
    volatile float sink = 0.0f;  // keeps the loop from being optimised away
    // The thread's CPU time, not the wall clock: on a shared machine the wall clock also counts
    // the time other processes held the core.
    timespec start{}, end{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start);
    for (int r = 0; r < rounds; ++r) {
      if (observed) {
        o.backlog_device = r * 1e-9;  // a new observation each round, as on the phone
        state.observed = kdo::summarise(o);
      }
      m.recipe.build(state, out.data());
      sink = sink + out[0];
    }
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end);
    const double took = (end.tv_sec - start.tv_sec) * 1e9 + double(end.tv_nsec - start.tv_nsec);
    *ns_per_call = took / rounds;
  });
}

}  // extern "C"
