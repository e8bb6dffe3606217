#include "scorers.hpp"

#include <chrono>

namespace kdo {
namespace {

double elapsed_ms(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

void require_shapes(const EtModel& model, const Manifest& m, const std::string& path) {
  if (model.input_width() != m.recipe.width()) {
    throw InputError(path + ": takes " + std::to_string(model.input_width()) +
                     " inputs, manifest " + m.path + " builds " +
                     std::to_string(m.recipe.width()) + " features");
  }
  if (model.output_numel() != 3 * m.profile.n) {
    throw InputError(path + ": gives " + std::to_string(model.output_numel()) +
                     " outputs, manifest " + m.path + " needs n * 3 = " +
                     std::to_string(3 * m.profile.n));
  }
}

Scorer scorer_of(EtModel* model) {
  return [model](const float* x) { return model->run(x); };
}

}  // namespace

LoadedModel load_checked(const std::string& path, const Manifest& m) {
  LoadedModel loaded;
  try {
    EtModel::probe(path);  // outside the timed loads: a crash there would end this process
    auto start = std::chrono::steady_clock::now();
    loaded.model = EtModel::load(path);
    loaded.cold_load_ms = elapsed_ms(start);
    start = std::chrono::steady_clock::now();
    EtModel::load(path);
    loaded.warm_load_ms = elapsed_ms(start);
  } catch (const ProgramRefused& err) {
    throw InputError(err.what());  // the file is at fault: one line, exit 2
  }
  require_shapes(*loaded.model, m, path);
  return loaded;
}

Scorers load_scorers(const Manifest& m, const Options& o) {
  Scorers s;
  s.pte = load_checked(o.model_path, m);
  s.pte_score = scorer_of(s.pte.model.get());
  if (!o.floor_path.empty()) {
    s.floor = load_checked(o.floor_path, m);
    s.floor_score = scorer_of(s.floor.model.get());
  }
  if (o.reference) {
    if (m.reference_weights.empty()) throw InputError(m.path + ": reference_weights: missing");
    s.mlp = std::make_unique<ReferenceMlp>(m.reference_weights);
    if (s.mlp->input_width() != m.recipe.width() || s.mlp->output_width() != 3 * m.profile.n) {
      throw InputError(m.path + ": reference_weights: shape does not match [F] -> [n * 3]");
    }
    ReferenceMlp* mlp = s.mlp.get();
    s.reference_score = [mlp](const float* x) { return mlp->forward(x); };
  }
  return s;
}

}  // namespace kdo
