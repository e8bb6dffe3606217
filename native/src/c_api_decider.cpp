// The C ABI's decider: a manifest's student through kdo::Decider, with the manifest's weights
// as a plain loop for its forward, so Python can time the whole decision path in C++ without
// loading ExecuTorch into its own process.
#include <algorithm>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "c_api_internal.hpp"
#include "decider.hpp"
#include "golden_check.hpp"
#include "kdo_c_api.h"
#include "manifest.hpp"
#include "observation.hpp"
#include "reference_mlp.hpp"

struct kdo_decider {
  kdo::Manifest manifest;
  std::unique_ptr<kdo::ReferenceMlp> mlp;
  std::unique_ptr<kdo::Decider> decider;
};

extern "C" {

kdo_decider* kdo_decider_new(const char* manifest_path, const char* decoder) {
  std::unique_ptr<kdo_decider> out(new kdo_decider);
  const int rc = kdo::capi::guarded([&] {
    kdo::capi::require(manifest_path != nullptr, "manifest_path: null");
    out->manifest = kdo::load_manifest(manifest_path);
    const kdo::Manifest& m = out->manifest;
    if (m.reference_weights.empty()) {
      throw std::invalid_argument(m.path + ": reference_weights: missing (fp32 exports carry them)");
    }
    out->mlp = std::make_unique<kdo::ReferenceMlp>(m.reference_weights);
    kdo::ReferenceMlp* mlp = out->mlp.get();
    const kdo::Scorer forward = [mlp](const float* x) { return mlp->forward(x); };
    const kdo::GoldenReport report = kdo::check_golden(m, "reference", forward);
    if (!report.passed()) {
      throw std::runtime_error(m.path + ": golden check failed: " + report.failures.front());
    }
    const kdo::DecoderKind kind =
        kdo::parse_decoder(decoder ? std::string(decoder) : m.default_decoder);
    out->decider = std::make_unique<kdo::Decider>(kdo::Decider::from_manifest(m, forward, kind));
  });
  return rc == 0 ? out.release() : nullptr;
}

void kdo_decider_free(kdo_decider* decider) { delete decider; }

int kdo_decide(kdo_decider* decider, const kdo_states* states, int8_t* labels, double* ns) {
  return kdo::capi::guarded([&] {
    kdo::capi::require(decider != nullptr && states != nullptr && states->count >= 0,
                       "decider or states: null");
    using Clock = std::chrono::steady_clock;
    const int n = decider->manifest.profile.n;
    kdo::SystemState state;
    std::vector<int> x(n);
    for (int64_t k = 0; k < states->count; ++k) {
      kdo::capi::read_state(*states, n, k, state);
      const auto start = Clock::now();
      decider->decider->decide(state, x.data());
      ns[k] = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
      for (int i = 0; i < n; ++i) labels[k * n + i] = static_cast<int8_t>(x[i]);
    }
  });
}

int kdo_decider_set_rate_estimate(kdo_decider* decider, const char* estimate) {
  return kdo::capi::guarded([&] {
    kdo::capi::require(decider != nullptr && estimate != nullptr, "decider or estimate: null");
    decider->decider->set_rate_estimate(kdo::parse_rate_estimate(estimate));
  });
}

int kdo_decide_observed(kdo_decider* decider, const kdo_states* states,
                        const double* rate_up_history, const double* rate_down_history,
                        const double* backlogs, int8_t* labels, double* ns) {
  return kdo::capi::guarded([&] {
    kdo::capi::require(decider != nullptr && states != nullptr && states->count >= 0 &&
                           rate_up_history && rate_down_history && backlogs,
                       "decider, states or observation: null");
    using Clock = std::chrono::steady_clock;
    const int n = decider->manifest.profile.n;
    kdo::SystemState state;
    kdo::Observation seen;
    std::vector<int> x(n);
    for (int64_t k = 0; k < states->count; ++k) {
      kdo::capi::read_state(*states, n, k, state);
      std::copy_n(rate_up_history + k * kdo::kHistory, kdo::kHistory, seen.rate_up_history.begin());
      std::copy_n(rate_down_history + k * kdo::kHistory, kdo::kHistory, seen.rate_down_history.begin());
      seen.backlog_device = backlogs[3 * k], seen.backlog_up = backlogs[3 * k + 1];
      seen.backlog_down = backlogs[3 * k + 2];
      // The summary is part of the decision, as on the phone: it is timed with it.
      const auto start = Clock::now();
      state.observed = kdo::summarise(seen);
      decider->decider->decide(state, x.data());
      ns[k] = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
      for (int i = 0; i < n; ++i) labels[k * n + i] = static_cast<int8_t>(x[i]);
    }
  });
}

}  // extern "C"
