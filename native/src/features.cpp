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

}  // namespace kdo
