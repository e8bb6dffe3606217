// The programs kdo_bench scores states with: the student .pte, the floor .pte and the
// manifest's weights as a plain loop, each loaded (and shape-checked) once.
#pragma once

#include <memory>
#include <string>

#include "et_model.hpp"
#include "golden_check.hpp"
#include "manifest.hpp"
#include "options.hpp"
#include "reference_mlp.hpp"

namespace kdo {

struct LoadedModel {
  std::unique_ptr<EtModel> model;
  double cold_load_ms = 0;  // first load in this process: includes the delegate's one-time init
  double warm_load_ms = 0;  // a second load of the same file
};

// Loads `path` twice (cold, then warm) and checks its shapes against the manifest.
LoadedModel load_checked(const std::string& path, const Manifest& m);

struct Scorers {
  LoadedModel pte, floor;             // floor: only with --floor
  std::unique_ptr<ReferenceMlp> mlp;  // only with --reference
  Scorer pte_score, floor_score, reference_score;
};

Scorers load_scorers(const Manifest& m, const Options& o);

}  // namespace kdo
