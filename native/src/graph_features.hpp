// The graph student's inputs for a graph given at run time: the port of model/graph_features.py
// (docs/formats.md "Graph features", recipe version 1), padded to kMaxSubtasks rows with a mask.
#pragma once

#include <vector>

#include "system.hpp"

namespace kdo {

constexpr int kGraphNodeFeatures = 11;
constexpr int kGraphScalarFeatures = 9;

// HEFT's upward rank of every subtask (seconds): mean run time over the sites, plus for an exit
// its mean way home, else the largest mean transfer of its output plus a successor's rank.
// Sums grouped as model/graph_heuristics.py groups them. succs: successors per subtask.
void upward_ranks(const Profile& profile, const std::vector<std::vector<int>>& succs,
                  const std::vector<bool>& is_exit, const SystemState& state, double* rank);

// The four raw (unnormalised) inputs, float32, row i subtask i, rows past n exactly 0:
// nodes [64][11], scalars [9], adjacency [64][64] (row: target, column: source), mask [64].
struct GraphInputs {
  std::vector<float> nodes, scalars, adjacency, mask;
};

class GraphFeatures {
 public:
  explicit GraphFeatures(const Profile& profile);

  void build(const SystemState& state, GraphInputs& out);

 private:
  const Profile& profile_;
  std::vector<std::vector<int>> succs_;
  std::vector<bool> is_exit_;
  std::vector<int> depth_, height_;
  int longest_ = 1;  // edges on the longest path, taken as 1 when it is 0
  std::vector<double> rank_;
};

}  // namespace kdo
