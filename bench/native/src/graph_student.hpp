// The graph student on the native path: its manifest (mobile_export/graph_export.py, "kind":
// "graph-student"), and its decision for a graph given at run time: the features of
// native/src/graph_features.hpp, the manifest's normalisation, the .pte's forward over its four
// inputs, then argmax or the guarded decoder.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "et_model.hpp"
#include "graph_decoder.hpp"
#include "graph_features.hpp"
#include "manifest.hpp"

namespace kdo {

// One golden vector: a graph, its raw state, the normalised inputs and logits the exporter got
// from the program, and its decisions.
struct GraphGolden {
  Profile profile;
  SystemState state;
  std::vector<float> nodes, scalars;  // [n][11] and [9], normalised
  std::vector<float> logits;          // [n][3]
  Placement argmax_placement, guarded_placement;
  double guarded_delay_s = 0.0;
};

struct GraphStudentManifest {
  std::string path;
  ProgramFile pte;
  ExportInfo export_info;
  std::vector<std::vector<int64_t>> input_shapes;  // nodes, scalars, adjacency, mask
  std::vector<double> node_mean, node_std, scalar_mean, scalar_std;
  int top_k = 0, ood_top_k = 0, local_search_passes = 0, pair_work = 0;
  std::vector<GraphGolden> golden;
};

// Whether the JSON file at `path` is a graph student's manifest (false if it cannot tell).
bool is_graph_student_manifest(const std::string& path);

// Throws InputError naming the manifest and the key.
GraphStudentManifest load_graph_student_manifest(const std::string& path);

// The whole decision for one graph. The model and the manifest must outlive it.
class GraphStudent {
 public:
  GraphStudent(EtModel& model, const GraphStudentManifest& manifest, const Profile& profile);

  // Features, normalisation and forward: logits [64][3], valid until the next call.
  const float* forward(const SystemState& state);
  void argmax(const SystemState& state, int* placement);
  double guarded(const SystemState& state, int* placement);
  const GraphInputs& inputs() const { return inputs_; }

 private:
  EtModel& model_;
  const GraphStudentManifest& manifest_;
  std::unique_ptr<Profile> profile_;  // stable address: the features and decoder keep a reference
  GraphFeatures features_;
  GraphDecoder decoder_;
  GraphInputs inputs_;
};

// Runs the program on an input set as it stands (the forward alone, no features).
const float* run_graph_inputs(EtModel& model, const GraphInputs& inputs);

// The golden vectors reproduced natively: features, logits (within `logit_tolerance`) and both
// decisions. Prints one line on success; on failure up to 10 lines to stderr, returns false.
bool graph_golden_passes(EtModel& model, const GraphStudentManifest& manifest, double logit_tolerance);

}  // namespace kdo
