// The decision paths kdo_bench times and counts, each as one callable: decide(i) makes one
// decision on golden state i % G and returns something derived from it (so it cannot be
// optimised away). Scored paths: a kdo::Decider (features, support check, scorer, decoder);
// solver paths: the exact solver or greedy on the raw state.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "decider.hpp"
#include "manifest.hpp"
#include "solvers.hpp"

namespace kdo {

using Decide = std::function<uint64_t(int)>;

class DecisionPaths {
 public:
  explicit DecisionPaths(const Manifest& m);

  // decoder: "argmax", "topk" or "guarded".
  Decide scored(const Scorer& score, const std::string& decoder);
  Decide exact();   // the chain DP on chains, else branch and bound
  Decide greedy();

 private:
  const SystemState& state(int i) const { return m_.golden[static_cast<size_t>(i) % states_].state; }
  uint64_t digest() const { return static_cast<uint64_t>(placement_[0] + placement_.back()); }

  const Manifest& m_;
  size_t states_;
  std::vector<int> placement_;
  std::vector<std::unique_ptr<Decider>> deciders_;  // one per scored path, alive with the paths
  ExactSolver exact_;
  Greedy greedy_;
};

// The loop callgrind counts (--toggle-collect=kdo_counted_loop): `iters` decisions, nothing else.
uint64_t kdo_counted_loop(const Decide& decide, int iters);

}  // namespace kdo
