#include "program.hpp"

namespace kdo_jni {

void init_runtime() { kdo::init_runtime(); }

std::unique_ptr<Program> load_program(const std::string& path) {
  auto p = std::make_unique<Program>();
  p->model = kdo::EtModel::load(path);
  for (int i = 0; i < p->model->input_count(); ++i) {
    p->input_sizes.push_back(p->model->input_sizes(i));
    p->inputs.emplace_back(static_cast<size_t>(p->model->input_numel(i)), 0.0f);
  }
  for (const auto& buffer : p->inputs) p->input_data.push_back(buffer.data());
  p->output_sizes = p->model->output_sizes();
  return p;
}

Output run(Program& p) {
  return {p.model->run_inputs(p.input_data), static_cast<size_t>(p.model->output_numel())};
}

}  // namespace kdo_jni
