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

#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
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

// What a decision model may ask for. A student is tens of KB with a few KB of planned memory;
// the bounds are far above any real one and far below what would exhaust a phone, and they
// are checked before anything of that size is allocated.
constexpr off_t kMaxProgramBytes = 64 << 20;
constexpr size_t kMaxPlannedBuffers = 64;
constexpr int64_t kMaxPlannedBytes = 64 << 20;
constexpr int64_t kMaxWidth = 1 << 16;      // input features
constexpr int64_t kMaxOutputs = 1 << 20;    // output elements
constexpr size_t kMaxRank = 4;
constexpr size_t kMaxInputs = 8;           // the graph student takes four

// One input's tensor wraps the caller's buffer; Method::execute ignores strides, so the layout
// must be the contiguous one these describe.
struct InputSlot {
  std::vector<int64_t> dims;
  int64_t numel = 1;
  TensorImpl::SizesType sizes[kMaxRank] = {};
  TensorImpl::DimOrderType dim_order[kMaxRank] = {};
  TensorImpl::StridesType strides[kMaxRank] = {};

  void lay_out() {
    const auto rank = static_cast<int>(dims.size());
    for (int d = rank - 1; d >= 0; --d) {
      sizes[d] = static_cast<TensorImpl::SizesType>(dims[d]);
      dim_order[d] = static_cast<TensorImpl::DimOrderType>(d);
      strides[d] = static_cast<TensorImpl::StridesType>(numel);
      numel *= dims[d];
    }
  }
};

std::string sizes_text(const std::vector<int64_t>& dims) {
  std::string out = "[";
  for (size_t d = 0; d < dims.size(); ++d) out += (d ? ", " : "") + std::to_string(dims[d]);
  return out + "]";
}

int g_last_load_status = 0;
// The runtime's last error line: a refusal carries it in its own one line. It can quote bytes of
// the file (a named-data key), so only printable ASCII is kept (the JVM and Python read it).
thread_local std::string t_last_runtime_error;

std::string with_code(const std::string& what, et::Error error) {
  char code[16];
  std::snprintf(code, sizeof code, "0x%x", static_cast<unsigned>(error));
  std::string out = what + " (ExecuTorch error " + code;
  if (!t_last_runtime_error.empty()) out += ": " + t_last_runtime_error;
  t_last_runtime_error.clear();
  return out + ")";
}

[[noreturn]] void fail(const std::string& what, et::Error error) {
  throw std::runtime_error(with_code(what, error));
}

[[noreturn]] void fail_load(const std::string& what, et::Error error) {
  g_last_load_status = static_cast<int>(error);
  throw ProgramRefused(with_code(what, error));
}

void check_file_size(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    fail_load(path + ": cannot open", et::Error::AccessFailed);
  }
  if (st.st_size > kMaxProgramBytes) {
    fail_load(path + ": " + std::to_string(st.st_size) + " bytes, more than the " +
                  std::to_string(kMaxProgramBytes) + " a decision model may have",
              et::Error::InvalidProgram);
  }
}

// Every dimension positive and the element count bounded, before a buffer is sized by them.
bool sizes_within(executorch::runtime::Span<const int32_t> sizes, int64_t max_numel,
                  std::vector<int64_t>& out) {
  if (sizes.size() == 0 || sizes.size() > kMaxRank) return false;
  int64_t numel = 1;
  for (const auto d : sizes) {
    if (d <= 0 || d > max_numel || numel * d > max_numel) return false;
    numel *= d;
    out.push_back(d);
  }
  return true;
}

// Errors are kept for the refusal's message; printed as they come only with KDOFFLOAD_VERBOSE
// (as Python's native_log_quiet does), so a refused program is one line.
void emit_errors_only(et_timestamp_t, et_pal_log_level_t level, const char* filename,
                      const char*, size_t line, const char* message, size_t length) {
  if (level != kError && level != kFatal) return;
  t_last_runtime_error.clear();
  for (size_t k = 0; k < length && k < 200; ++k) {
    const auto c = static_cast<unsigned char>(message[k]);
    t_last_runtime_error += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
  }
  static const bool verbose = std::getenv("KDOFFLOAD_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "executorch %c %s:%zu] %.*s\n", static_cast<char>(level), filename, line,
                 static_cast<int>(length), message);
  }
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

  std::string path;
  std::vector<InputSlot> inputs;
  int output_numel = 0;
  std::vector<int64_t> output_dims;
};

namespace {

// One input a float tensor [1, F], or 2..kMaxInputs float tensors of bounded sizes; one float
// output. Every size is checked before anything is sized by it.
void read_signature(const std::string& pte_path, const et::MethodMeta& meta,
                    std::vector<InputSlot>& inputs, std::vector<int64_t>& output_dims,
                    int& output_numel) {
  const size_t count = meta.num_inputs();
  if (count < 1 || count > kMaxInputs || meta.num_outputs() != 1) {
    fail_load(pte_path + ": forward must take 1 to " + std::to_string(kMaxInputs) +
                  " tensors and return one",
              et::Error::InvalidProgram);
  }
  for (size_t i = 0; i < count; ++i) {
    auto input_meta = meta.input_tensor_meta(i);
    InputSlot slot;
    if (!input_meta.ok() || input_meta->scalar_type() != ScalarType::Float ||
        !sizes_within(input_meta->sizes(), kMaxWidth, slot.dims) ||
        (count == 1 && (slot.dims.size() != 2 || slot.dims[0] != 1))) {
      fail_load(pte_path + ": forward's input " + std::to_string(i) + " must be a float " +
                    (count == 1 ? "[1, F]" : "tensor") + " of at most " +
                    std::to_string(kMaxWidth) + " elements",
                et::Error::InvalidProgram);
    }
    slot.lay_out();
    inputs.push_back(std::move(slot));
  }
  auto output_meta = meta.output_tensor_meta(0);
  if (!output_meta.ok() || output_meta->scalar_type() != ScalarType::Float ||
      !sizes_within(output_meta->sizes(), kMaxOutputs, output_dims)) {
    fail_load(pte_path + ": forward must return a float tensor of at most " +
                  std::to_string(kMaxOutputs) + " elements",
              et::Error::InvalidProgram);
  }
  output_numel = 1;
  for (const auto d : output_dims) output_numel *= static_cast<int>(d);
}

}  // namespace

EtModel::EtModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EtModel::~EtModel() = default;

std::unique_ptr<EtModel> EtModel::load(const std::string& pte_path) {
  init_runtime();
  g_last_load_status = 0;
  t_last_runtime_error.clear();
  check_file_size(pte_path);
  auto impl = std::make_unique<Impl>();
  impl->path = pte_path;
  auto loader = executorch::extension::FileDataLoader::from(pte_path.c_str());
  if (!loader.ok()) fail_load(pte_path + ": cannot open", loader.error());
  impl->loader.emplace(std::move(loader.get()));
  auto program = et::Program::load(&*impl->loader, et::Program::Verification::InternalConsistency);
  if (!program.ok()) fail_load(pte_path + ": not a loadable program", program.error());
  impl->program.emplace(std::move(program.get()));

  auto meta = impl->program->method_meta("forward");
  if (!meta.ok()) fail_load(pte_path + ": has no forward method", meta.error());
  if (meta->num_memory_planned_buffers() > kMaxPlannedBuffers) {
    fail_load(pte_path + ": asks for " + std::to_string(meta->num_memory_planned_buffers()) +
                  " planned buffers, more than " + std::to_string(kMaxPlannedBuffers),
              et::Error::InvalidProgram);
  }
  int64_t planned_bytes = 0;
  for (size_t b = 0; b < meta->num_memory_planned_buffers(); ++b) {
    const auto size = meta->memory_planned_buffer_size(b);
    if (!size.ok() || *size < 0 || *size > kMaxPlannedBytes - planned_bytes) {
      fail_load(pte_path + ": planned memory beyond the " + std::to_string(kMaxPlannedBytes) +
                    " bytes a decision model may use",
                et::Error::InvalidProgram);
    }
    planned_bytes += *size;
  }
  for (size_t b = 0; b < meta->num_memory_planned_buffers(); ++b) {
    impl->planned_buffers.emplace_back(static_cast<size_t>(*meta->memory_planned_buffer_size(b)));
  }
  for (auto& buffer : impl->planned_buffers) {
    impl->planned_spans.emplace_back(buffer.data(), buffer.size());
  }
  impl->planned_memory.emplace(
      et::Span<et::Span<uint8_t>>(impl->planned_spans.data(), impl->planned_spans.size()));
  impl->memory_manager.emplace(&impl->method_allocator, &*impl->planned_memory,
                               &impl->temp_allocator);

  read_signature(pte_path, *meta, impl->inputs, impl->output_dims, impl->output_numel);
  auto method = impl->program->load_method("forward", &*impl->memory_manager);
  if (!method.ok()) fail_load(pte_path + ": cannot load forward", method.error());
  impl->method.emplace(std::move(method.get()));
  return std::unique_ptr<EtModel>(new EtModel(std::move(impl)));
}

int EtModel::input_count() const { return static_cast<int>(impl_->inputs.size()); }
const std::vector<int64_t>& EtModel::input_sizes(int i) const { return impl_->inputs.at(i).dims; }
int64_t EtModel::input_numel(int i) const { return impl_->inputs.at(i).numel; }
int EtModel::input_width() const {
  return impl_->inputs.size() == 1 ? static_cast<int>(impl_->inputs[0].dims[1]) : 0;
}
const std::vector<int64_t>& EtModel::input_sizes() const { return impl_->inputs[0].dims; }
int EtModel::output_numel() const { return impl_->output_numel; }
const std::vector<int64_t>& EtModel::output_sizes() const { return impl_->output_dims; }

void EtModel::require_input_sizes(const std::vector<std::vector<int64_t>>& expected) const {
  if (expected.size() != impl_->inputs.size()) {
    throw ProgramRefused(impl_->path + ": takes " + std::to_string(impl_->inputs.size()) +
                         " inputs, the manifest says " + std::to_string(expected.size()));
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] != impl_->inputs[i].dims) {
      throw ProgramRefused(impl_->path + ": input " + std::to_string(i) + " is " +
                           sizes_text(impl_->inputs[i].dims) + ", the manifest says " +
                           sizes_text(expected[i]));
    }
  }
}

const float* EtModel::run(const float* input) {
  if (impl_->inputs.size() != 1) {
    throw std::runtime_error(impl_->path + ": takes " + std::to_string(impl_->inputs.size()) +
                             " inputs, not one");
  }
  return run_inputs({input});
}

const float* EtModel::run_inputs(const std::vector<const float*>& inputs) {
  if (inputs.size() != impl_->inputs.size()) {
    throw std::runtime_error(impl_->path + ": takes " + std::to_string(impl_->inputs.size()) +
                             " inputs, given " + std::to_string(inputs.size()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    InputSlot& slot = impl_->inputs[i];
    TensorImpl input_impl(ScalarType::Float, static_cast<ssize_t>(slot.dims.size()), slot.sizes,
                          const_cast<float*>(inputs[i]), slot.dim_order, slot.strides);
    const et::EValue input_value{Tensor(&input_impl)};
    const et::Error status = impl_->method->set_input(input_value, i);
    if (status != et::Error::Ok) fail("set_input " + std::to_string(i) + " failed", status);
  }
  const et::Error status = impl_->method->execute();
  if (status != et::Error::Ok) fail("execute failed", status);
  const auto& output = impl_->method->get_output(0);
  if (!output.isTensor() || output.toTensor().numel() != impl_->output_numel) {
    throw std::runtime_error("forward returned something other than its declared tensor");
  }
  return output.toTensor().const_data_ptr<float>();
}

const float* run_on_zeros(EtModel& model) {
  std::vector<std::vector<float>> zeros;
  std::vector<const float*> inputs;
  for (int i = 0; i < model.input_count(); ++i) {
    zeros.emplace_back(static_cast<size_t>(model.input_numel(i)), 0.0f);
    inputs.push_back(zeros.back().data());
  }
  return model.run_inputs(inputs);
}

int last_load_status() { return g_last_load_status; }

int set_runtime_threads(int threads) {
  auto* pool = executorch::extension::threadpool::get_threadpool();
  if (pool == nullptr) return 0;
  pool->_unsafe_reset_threadpool(static_cast<uint32_t>(threads));
  return static_cast<int>(pool->get_thread_count());
}

}  // namespace kdo
