// One ExecuTorch program's "forward", loaded from a .pte with the runtime the wheel ships, and
// called with float inputs (one [1, F], as a single-graph student takes, or several of any
// static shape, as the graph student's four) and one float output. The one checked loader:
// kdo_bench, the load probe and the Java host's JNI all load through it.
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

  // A program of one input takes [1, F]; one of several takes each of any static float shape.
  int input_count() const;
  const std::vector<int64_t>& input_sizes(int i) const;
  int64_t input_numel(int i) const;
  // F of a one-input program; input 0's sizes (the calls a one-input client makes).
  int input_width() const;
  const std::vector<int64_t>& input_sizes() const;
  int output_numel() const;
  const std::vector<int64_t>& output_sizes() const;
  // Refuses (ProgramRefused, one line naming the file and the input) a program whose inputs are
  // not `expected` in number and sizes: what a manifest says the program takes.
  void require_input_sizes(const std::vector<std::vector<int64_t>>& expected) const;
  // Writes input_width() floats from `input` into a one-input program's method (set_input
  // copies: ExecuTorch keeps planned inputs in its own arena), executes, and returns the
  // output, valid until the next call. Throws on a runtime error.
  const float* run(const float* input);
  // The same for every input: inputs[i] holds input_numel(i) floats, contiguous.
  const float* run_inputs(const std::vector<const float*>& inputs);

 private:
  struct Impl;
  explicit EtModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Runs forward once with every input 0 (the load probe's and the fuzzer's smoke run).
const float* run_on_zeros(EtModel& model);

// Initialises the runtime once, with a log sink that keeps errors and drops its info chatter
// (which would otherwise interleave with the runner's own output on every start).
void init_runtime();

// The runtime error code of the last failed load (0: none), for the record's load_status.
int last_load_status();

// Sets the shared thread pool XNNPACK runs on; returns the count it reports afterwards.
int set_runtime_threads(int threads);

}  // namespace kdo
