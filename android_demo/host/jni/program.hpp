// One ExecuTorch program's "forward" from a .pte, with the runtime the executorch pip wheel
// ships: what the JNI Module and the load probe share.
#pragma once

#include <executorch/extension/data_loader/file_data_loader.h>
#include <executorch/extension/memory_allocator/malloc_memory_allocator.h>
#include <executorch/runtime/core/evalue.h>
#include <executorch/runtime/core/hierarchical_allocator.h>
#include <executorch/runtime/executor/memory_manager.h>
#include <executorch/runtime/executor/method.h>
#include <executorch/runtime/executor/program.h>
#include <executorch/runtime/platform/platform.h>
#include <executorch/runtime/platform/runtime.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace kdo_jni {

namespace et = executorch::runtime;
using executorch::aten::TensorImpl;

struct Program {
  // Declared in dependency order: the method points into everything above it.
  std::optional<executorch::extension::FileDataLoader> loader;
  std::optional<et::Program> program;
  executorch::extension::MallocMemoryAllocator method_allocator;
  executorch::extension::MallocMemoryAllocator temp_allocator;
  std::vector<std::vector<uint8_t>> planned_buffers;
  std::vector<et::Span<uint8_t>> planned_spans;
  std::optional<et::HierarchicalAllocator> planned_memory;
  std::optional<et::MemoryManager> memory_manager;
  std::optional<et::Method> method;
  std::vector<int64_t> input_sizes;
  std::vector<int64_t> output_sizes;
  // The input tensor's contiguous layout (Method::execute ignores strides) and its buffer,
  // built once: a call then allocates nothing.
  std::vector<TensorImpl::SizesType> sizes;
  std::vector<TensorImpl::DimOrderType> dim_order;
  std::vector<TensorImpl::StridesType> strides;
  std::vector<float> input;
};

// Once, before anything else touches the runtime: a log sink that keeps errors and drops the
// info chatter the thread pool and cpuinfo print on start.
void init_runtime();

// Loads program and method; throws std::runtime_error naming the file and the runtime's code.
std::unique_ptr<Program> load_program(const std::string& path);

// Runs forward on p.input; returns the output tensor, valid until the next call. Throws.
executorch::aten::Tensor run(Program& p);

}  // namespace kdo_jni
