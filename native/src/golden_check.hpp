// The check every client runs before trusting a model: the manifest's golden vectors must come
// out of this runner's features, scorer and decoders exactly as they came out of Python.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "decider.hpp"
#include "manifest.hpp"

namespace kdo {


struct GoldenReport {
  int vectors = 0;
  double max_feature_error = 0, max_logit_error = 0, max_delay_rel_error = 0;
  std::vector<std::string> failures;  // one line each; empty: passed

  bool passed() const { return failures.empty(); }
};

// Checks features, logits, out_of_support, and the argmax, top-K, greedy and guarded
// placements and delays. Tolerances: features rel/abs 1e-5, logits abs 1e-4, delay rel 1e-9;
// placements and the support flag exactly.
GoldenReport check_golden(const Manifest& manifest, const std::string& scorer_name,
                          const Scorer& score);

}  // namespace kdo
