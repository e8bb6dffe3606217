#include "et_model.hpp"

#include <executorch/extension/data_loader/file_data_loader.h>
#include <executorch/extension/memory_allocator/malloc_memory_allocator.h>
#include <executorch/runtime/core/evalue.h>
#include <executorch/runtime/core/hierarchical_allocator.h>
#include <executorch/runtime/executor/memory_manager.h>
#include <executorch/runtime/executor/method.h>
#include <executorch/runtime/executor/program.h>
#include <executorch/runtime/platform/platform.h>
#include <executorch/runtime/platform/runtime.h>

#include <cstdio>
#include <optional>
#include <stdexcept>
#include <vector>

#include "threadpool_decl.hpp"

namespace kdo {
namespace {

namespace et = executorch::runtime;
using executorch::aten::ScalarType;
using executorch::aten::Tensor;
using executorch::aten::TensorImpl;

int g_last_load_status = 0;

[[noreturn]] void fail(const std::string& what, et::Error error) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%x", static_cast<unsigned>(error));
  throw std::runtime_error(what + " (ExecuTorch error " + code + ")");
}

[[noreturn]] void fail_load(const std::string& what, et::Error error) {
  g_last_load_status = static_cast<int>(error);
  fail(what, error);
}

void emit_errors_only(et_timestamp_t, et_pal_log_level_t level, const char* filename,
                      const char*, size_t line, const char* message, size_t length) {
  if (level != kError && level != kFatal) return;
  std::fprintf(stderr, "executorch %c %s:%zu] %.*s\n", static_cast<char>(level), filename, line,
               static_cast<int>(length), message);
}

}  // namespace

void init_runtime() {
  static const bool done = [] {
    et::register_pal(et::PalImpl::create(emit_errors_only, __FILE__));
    et::runtime_init();
    return true;
  }();
  (void)done;
}

struct EtModel::Impl {
  // Members are declared in dependency order: the method points into everything above it.
  std::optional<executorch::extension::FileDataLoader> loader;
  std::optional<et::Program> program;
  executorch::extension::MallocMemoryAllocator method_allocator;
  executorch::extension::MallocMemoryAllocator temp_allocator;
  std::vector<std::vector<uint8_t>> planned_buffers;
  std::vector<et::Span<uint8_t>> planned_spans;
  std::optional<et::HierarchicalAllocator> planned_memory;
  std::optional<et::MemoryManager> memory_manager;
  std::optional<et::Method> method;

  // The input tensor wraps the caller's buffer; Method::execute ignores strides, so the
  // layout must be the contiguous one these describe.
  TensorImpl::SizesType input_sizes[2] = {1, 0};
  TensorImpl::DimOrderType input_dim_order[2] = {0, 1};
  TensorImpl::StridesType input_strides[2] = {0, 1};
  int input_width = 0;
  int output_numel = 0;
};

EtModel::EtModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EtModel::~EtModel() = default;

std::unique_ptr<EtModel> EtModel::load(const std::string& pte_path) {
  init_runtime();
  g_last_load_status = 0;
  auto impl = std::make_unique<Impl>();
  auto loader = executorch::extension::FileDataLoader::from(pte_path.c_str());
  if (!loader.ok()) fail_load(pte_path + ": cannot open", loader.error());
  impl->loader.emplace(std::move(loader.get()));
  auto program = et::Program::load(&*impl->loader, et::Program::Verification::Minimal);
  if (!program.ok()) fail_load(pte_path + ": not a loadable program", program.error());
  impl->program.emplace(std::move(program.get()));

  auto meta = impl->program->method_meta("forward");
  if (!meta.ok()) fail_load(pte_path + ": has no forward method", meta.error());
  for (size_t b = 0; b < meta->num_memory_planned_buffers(); ++b) {
    const auto size = static_cast<size_t>(meta->memory_planned_buffer_size(b).get());
    impl->planned_buffers.emplace_back(size);
  }
  for (auto& buffer : impl->planned_buffers) {
    impl->planned_spans.emplace_back(buffer.data(), buffer.size());
  }
  impl->planned_memory.emplace(
      et::Span<et::Span<uint8_t>>(impl->planned_spans.data(), impl->planned_spans.size()));
  impl->memory_manager.emplace(&impl->method_allocator, &*impl->planned_memory,
                               &impl->temp_allocator);

  if (meta->num_inputs() != 1 || meta->num_outputs() != 1) {
    fail_load(pte_path + ": forward must take one tensor and return one",
              et::Error::InvalidProgram);
  }
  auto input_meta = meta->input_tensor_meta(0);
  auto output_meta = meta->output_tensor_meta(0);
  if (!input_meta.ok() || !output_meta.ok() || input_meta->scalar_type() != ScalarType::Float ||
      output_meta->scalar_type() != ScalarType::Float || input_meta->sizes().size() != 2 ||
      input_meta->sizes()[0] != 1) {
    fail_load(pte_path + ": forward must map float [1, F] to a float tensor",
              et::Error::InvalidProgram);
  }
  impl->input_width = input_meta->sizes()[1];
  impl->output_numel = static_cast<int>(output_meta->nbytes() / sizeof(float));
  impl->input_sizes[1] = impl->input_width;
  impl->input_strides[0] = impl->input_width;

  auto method = impl->program->load_method("forward", &*impl->memory_manager);
  if (!method.ok()) fail_load(pte_path + ": cannot load forward", method.error());
  impl->method.emplace(std::move(method.get()));
  return std::unique_ptr<EtModel>(new EtModel(std::move(impl)));
}

int EtModel::input_width() const { return impl_->input_width; }
int EtModel::output_numel() const { return impl_->output_numel; }

const float* EtModel::run(const float* input) {
  TensorImpl input_impl(ScalarType::Float, 2, impl_->input_sizes, const_cast<float*>(input),
                        impl_->input_dim_order, impl_->input_strides);
  const et::EValue input_value{Tensor(&input_impl)};
  et::Error status = impl_->method->set_input(input_value, 0);
  if (status != et::Error::Ok) fail("set_input failed", status);
  status = impl_->method->execute();
  if (status != et::Error::Ok) fail("execute failed", status);
  return impl_->method->get_output(0).toTensor().const_data_ptr<float>();
}

int last_load_status() { return g_last_load_status; }

int set_runtime_threads(int threads) {
  auto* pool = executorch::extension::threadpool::get_threadpool();
  if (pool == nullptr) return 0;
  pool->_unsafe_reset_threadpool(static_cast<uint32_t>(threads));
  return static_cast<int>(pool->get_thread_count());
}

}  // namespace kdo
