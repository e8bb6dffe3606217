// One ExecuTorch program's "forward", loaded from a .pte with the runtime the wheel ships, and
// called with a float input [1, F] and a float output.
#pragma once

#include <memory>
#include <string>

namespace kdo {

class EtModel {
 public:
  // Program load + method load (this is what the benchmark app reports as model load time).
  // Throws std::runtime_error with the runtime's error code on failure.
  static std::unique_ptr<EtModel> load(const std::string& pte_path);
  ~EtModel();

  int input_width() const;
  int output_numel() const;
  // Writes input_width() floats from `input` into the method (set_input copies: ExecuTorch
  // keeps planned inputs in its own arena), executes, and returns the output, valid until the
  // next call. Throws on a runtime error.
  const float* run(const float* input);

 private:
  struct Impl;
  explicit EtModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Initialises the runtime once, with a log sink that keeps errors and drops its info chatter
// (which would otherwise interleave with the runner's own output on every start).
void init_runtime();

// The runtime error code of the last failed load (0: none), for the record's load_status.
int last_load_status();

// Sets the shared thread pool XNNPACK runs on; returns the count it reports afterwards.
int set_runtime_threads(int threads);

}  // namespace kdo
