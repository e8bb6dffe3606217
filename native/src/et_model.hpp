// One ExecuTorch program's "forward", loaded from a .pte with the runtime the wheel ships, and
// called with a float input [1, F] and a float output. The one checked loader: kdo_bench, the
// load probe and the Java host's JNI all load through it.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace kdo {

// The program file itself is refused (bad input, not a fault of ours): one line naming it.
struct ProgramRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class EtModel {
 public:
  // Program load + method load (this is what the benchmark app reports as model load time).
  // Verifies the flatbuffer (InternalConsistency) and bounds what the file asks to allocate
  // before anything is allocated. Throws ProgramRefused naming the file and the runtime's code.
  // ExecuTorch does not verify a delegate's payload, so a file no check refuses can still crash
  // the runtime: load an untrusted file only after `probe` survived it.
  static std::unique_ptr<EtModel> load(const std::string& pte_path);
  // Loads and runs `pte_path` once in kdo_pte_probe, a child process beside the executable or
  // library that holds this code; throws ProgramRefused if the child refused it, crashed or hung.
  static void probe(const std::string& pte_path);
  ~EtModel();

  int input_width() const;
  int output_numel() const;
  const std::vector<int64_t>& input_sizes() const;
  const std::vector<int64_t>& output_sizes() const;
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
