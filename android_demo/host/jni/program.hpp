// One ExecuTorch program's "forward" from a .pte, through the native core's checked loader
// (native/src/et_model.cpp, the one kdo_bench and the load probe use): what the JNI Module needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "et_model.hpp"

namespace kdo_jni {

struct Program {
  std::unique_ptr<kdo::EtModel> model;
  std::vector<std::vector<int64_t>> input_sizes;  // per input, its static shape
  std::vector<int64_t> output_sizes;
  // Per input its buffer, built once (a call allocates nothing) and kept between calls: as in
  // the runtime, an input a call does not set keeps the value set last (0 until then).
  std::vector<std::vector<float>> inputs;
  std::vector<const float*> input_data;  // inputs[i].data(), what run_inputs takes
};

// The output of one call, valid until the next call.
struct Output {
  const float* data;
  size_t count;
  size_t numel() const { return count; }
  template <typename T>
  const T* const_data_ptr() const { return data; }
};

// Once, before anything else touches the runtime: a log sink that keeps errors and drops the
// info chatter the thread pool and cpuinfo print on start.
void init_runtime();

// Loads program and method; throws std::runtime_error naming the file and the runtime's code.
std::unique_ptr<Program> load_program(const std::string& path);

// Runs forward on p.inputs. Throws.
Output run(Program& p);

}  // namespace kdo_jni
