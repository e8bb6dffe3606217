// The model manifest (format version 2, docs/formats.md) as typed data.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "features.hpp"
#include "reference_mlp.hpp"
#include "system.hpp"

namespace kdo {

constexpr int kManifestFormatVersion = 2;

// Input the user got wrong (a bad flag, a manifest that does not match its file): the runner
// prints the message as one line and exits 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct GoldenVector {
  SystemState state;
  std::vector<float> features;
  std::vector<float> logits;  // [N * 3], subtask-major
  Placement argmax_placement;
  Placement topk_placement;
  double topk_delay_s = 0.0;
  bool out_of_support = false;
  Placement guarded_placement;
  double guarded_delay_s = 0.0;
  Placement greedy_placement;
};

struct ExportInfo {
  std::string model, backend, quantization, executorch_version, torch_version;
};

// A program file as the manifest names it ("pte", "floor"): checked before it is loaded.
struct ProgramFile {
  std::string key, file, sha256;
  uint64_t size_bytes = 0;
};

struct Manifest {
  std::string path;
  int format_version = 0;
  Profile profile;
  FeatureRecipe recipe;
  std::vector<int64_t> input_shape, output_shape;
  std::vector<std::string> labels;
  ProgramFile pte;
  ProgramFile floor;  // floor.file empty: the manifest names no floor program
  ExportInfo export_info;
  std::string default_decoder = "guarded";  // decoder.default
  int top_k = 0;                            // decoder.top_k (required)
  int ood_top_k = 0;                        // decoder.ood_top_k: K out of support (required)
  // decoder.rate_estimate: what top-K and guarded candidates are scored under (current,
  // history or backlog; absent: current).
  std::string rate_estimate = "current";
  std::vector<GoldenVector> golden;
  std::vector<DenseLayer> reference_weights;  // empty when the manifest carries none
};

// Throws InputError naming the manifest and the offending key.
Manifest load_manifest(const std::string& path);

// One line per difference between a program file on disk and what the manifest promises of it
// (`expected` is manifest.pte or manifest.floor); empty if none.
std::vector<std::string> file_mismatches(const Manifest& manifest, const ProgramFile& expected,
                                         const std::string& path);

}  // namespace kdo
