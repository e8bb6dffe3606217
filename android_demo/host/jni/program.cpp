#include "program.hpp"

#include <cstdio>
#include <stdexcept>

namespace kdo_jni {
namespace {

using executorch::aten::ScalarType;

std::string error_text(const std::string& what, et::Error error) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%x", static_cast<unsigned>(error));
  return what + " (ExecuTorch error " + code + ")";
}

void errors_only(et_timestamp_t, et_pal_log_level_t level, const char* file, const char*,
                 size_t line, const char* message, size_t length) {
  if (level != kError && level != kFatal) return;
  std::fprintf(stderr, "executorch %c %s:%zu] %.*s\n", static_cast<char>(level), file, line,
               static_cast<int>(length), message);
}

void plan_input(Program& p) {
  const size_t rank = p.input_sizes.size();
  p.sizes.assign(p.input_sizes.begin(), p.input_sizes.end());
  p.dim_order.resize(rank);
  p.strides.resize(rank);
  size_t numel = 1;
  for (size_t d = rank; d-- > 0;) {
    p.dim_order[d] = static_cast<TensorImpl::DimOrderType>(d);
    p.strides[d] = d + 1 == rank ? 1 : p.strides[d + 1] * p.sizes[d + 1];
    numel *= static_cast<size_t>(p.sizes[d]);
  }
  p.input.resize(numel);
}

}  // namespace

void init_runtime() {
  static const bool initialised = [] {
    et::register_pal(et::PalImpl::create(errors_only, __FILE__));
    et::runtime_init();
    return true;
  }();
  (void)initialised;
}

std::unique_ptr<Program> load_program(const std::string& path) {
  init_runtime();
  auto p = std::make_unique<Program>();
  auto loader = executorch::extension::FileDataLoader::from(path.c_str());
  if (!loader.ok()) throw std::runtime_error(error_text(path + ": cannot open", loader.error()));
  p->loader.emplace(std::move(loader.get()));
  auto program = et::Program::load(&*p->loader, et::Program::Verification::InternalConsistency);
  if (!program.ok()) throw std::runtime_error(error_text(path + ": not a loadable program", program.error()));
  p->program.emplace(std::move(program.get()));
  auto meta = p->program->method_meta("forward");
  if (!meta.ok()) throw std::runtime_error(error_text(path + ": has no forward method", meta.error()));
  if (meta->num_inputs() != 1 || meta->num_outputs() != 1) {
    throw std::runtime_error(path + ": forward must take one tensor and return one");
  }
  auto in = meta->input_tensor_meta(0);
  auto out = meta->output_tensor_meta(0);
  if (!in.ok() || !out.ok() || in->scalar_type() != ScalarType::Float ||
      out->scalar_type() != ScalarType::Float) {
    throw std::runtime_error(path + ": forward must map a float tensor to a float tensor");
  }
  for (auto d : in->sizes()) p->input_sizes.push_back(d);
  for (auto d : out->sizes()) p->output_sizes.push_back(d);
  plan_input(*p);
  for (size_t b = 0; b < meta->num_memory_planned_buffers(); ++b) {
    p->planned_buffers.emplace_back(static_cast<size_t>(meta->memory_planned_buffer_size(b).get()));
  }
  for (auto& buffer : p->planned_buffers) p->planned_spans.emplace_back(buffer.data(), buffer.size());
  p->planned_memory.emplace(et::Span<et::Span<uint8_t>>(p->planned_spans.data(), p->planned_spans.size()));
  p->memory_manager.emplace(&p->method_allocator, &*p->planned_memory, &p->temp_allocator);
  auto method = p->program->load_method("forward", &*p->memory_manager);
  if (!method.ok()) throw std::runtime_error(error_text(path + ": cannot load forward", method.error()));
  p->method.emplace(std::move(method.get()));
  return p;
}


executorch::aten::Tensor run(Program& p) {
  TensorImpl impl(ScalarType::Float, static_cast<ssize_t>(p.sizes.size()), p.sizes.data(),
                  p.input.data(), p.dim_order.data(), p.strides.data());
  const et::EValue value{executorch::aten::Tensor(&impl)};
  et::Error status = p.method->set_input(value, 0);
  if (status != et::Error::Ok) throw std::runtime_error(error_text("set_input failed", status));
  status = p.method->execute();
  if (status != et::Error::Ok) throw std::runtime_error(error_text("execute failed", status));
  const auto& out = p.method->get_output(0);
  if (!out.isTensor()) throw std::runtime_error("forward returned something other than a tensor");
  return out.toTensor();
}

}  // namespace kdo_jni
