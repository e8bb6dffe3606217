// The manifest's feature recipe: raw state -> the normalised float vector the .pte takes.
#pragma once

#include <vector>

#include "system.hpp"

namespace kdo {

struct FeatureSpec {
  StateField field;
  int index = 0;  // subtask, for per-subtask fields
  bool log = false;
  double mean = 0.0;
  double std = 1.0;
};

struct FeatureRecipe {
  std::vector<FeatureSpec> specs;

  int width() const { return static_cast<int>(specs.size()); }
  // Writes width() floats, rounding where model/features.py does: the raw (logged) feature to
  // float32, then the normalised value to float32 again.
  void build(const SystemState& state, float* out) const;
};

}  // namespace kdo
