// The manifest's feature recipe: raw state -> the normalised float vector the .pte takes.
#pragma once

#include <limits>
#include <vector>

#include "system.hpp"

namespace kdo {

struct FeatureSpec {
  StateField field;
  int index = 0;  // subtask, for per-subtask fields
  bool log = false;
  double mean = 0.0;
  double std = 1.0;
  // The training set's raw range of this feature (manifest features.support min/max).
  double support_min = -std::numeric_limits<double>::infinity();
  double support_max = std::numeric_limits<double>::infinity();
};

struct FeatureRecipe {
  std::vector<FeatureSpec> specs;

  int width() const { return static_cast<int>(specs.size()); }
  // Writes width() floats, rounding where model/features.py does: the raw (logged) feature to
  // float32, then the normalised value to float32 again.
  void build(const SystemState& state, float* out) const;
  // True when any raw feature (as float32, before normalising) lies outside its support.
  bool out_of_support(const SystemState& state) const;
};

}  // namespace kdo
