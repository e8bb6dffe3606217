#include "decisions.hpp"

namespace kdo {

DecisionPaths::DecisionPaths(const Manifest& m)
    : m_(m), states_(m.golden.size()), features_(m.recipe.width()), placement_(m.profile.n),
      topk_(m.profile, m.top_k), guarded_(m.profile, m.top_k, m.ood_top_k), exact_(m.profile),
      greedy_(m.profile) {}

Decide DecisionPaths::scored(const Scorer& score, const std::string& decoder) {
  const int n = m_.profile.n;
  if (decoder == "argmax") {
    return [this, score, n](int i) {
      m_.recipe.build(state(i), features_.data());
      argmax_placement(score(features_.data()), n, placement_.data());
      return digest();
    };
  }
  if (decoder == "topk") {
    return [this, score](int i) {
      m_.recipe.build(state(i), features_.data());
      topk_.decode(score(features_.data()), state(i), placement_.data());
      return digest();
    };
  }
  if (decoder == "guarded") {
    // The support check is part of the guarded decision: it runs on every call.
    return [this, score](int i) {
      const SystemState& s = state(i);
      m_.recipe.build(s, features_.data());
      guarded_.decode(score(features_.data()), s, m_.recipe.out_of_support(s), placement_.data());
      return digest();
    };
  }
  throw InputError("decoder: '" + decoder + "' is not argmax, topk or guarded");
}

Decide DecisionPaths::exact() {
  return [this](int i) {
    exact_.solve(state(i), placement_.data());
    return digest();
  };
}

Decide DecisionPaths::greedy() {
  return [this](int i) {
    greedy_.decide(state(i), placement_.data());
    return digest();
  };
}

__attribute__((noinline)) uint64_t kdo_counted_loop(const Decide& decide, int iters) {
  uint64_t sink = 0;
  for (int i = 0; i < iters; ++i) sink += decide(i);
  return sink;
}

}  // namespace kdo
