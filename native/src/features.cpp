#include "features.hpp"

#include <cmath>

namespace kdo {

void FeatureRecipe::build(const SystemState& state, float* out) const {
  for (size_t k = 0; k < specs.size(); ++k) {
    const FeatureSpec& spec = specs[k];
    const double raw = state.value(spec.field, spec.index);
    const float x = static_cast<float>(spec.log ? std::log(raw) : raw);
    out[k] = static_cast<float>((static_cast<double>(x) - spec.mean) / spec.std);
  }
}

bool FeatureRecipe::out_of_support(const SystemState& state) const {
  for (const FeatureSpec& spec : specs) {
    const double raw = state.value(spec.field, spec.index);
    const double x = static_cast<float>(spec.log ? std::log(raw) : raw);
    if (x < spec.support_min || x > spec.support_max) return true;
  }
  return false;
}

}  // namespace kdo
