#include "program.hpp"

namespace kdo_jni {

void init_runtime() { kdo::init_runtime(); }

std::unique_ptr<Program> load_program(const std::string& path) {
  auto p = std::make_unique<Program>();
  p->model = kdo::EtModel::load(path);
  p->input_sizes = p->model->input_sizes();
  p->output_sizes = p->model->output_sizes();
  p->input.assign(static_cast<size_t>(p->model->input_width()), 0.0f);
  return p;
}

Output run(Program& p) {
  return {p.model->run(p.input.data()), static_cast<size_t>(p.model->output_numel())};
}

}  // namespace kdo_jni
