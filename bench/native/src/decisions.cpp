#include "decisions.hpp"

#include <stdexcept>

namespace kdo {

DecisionPaths::DecisionPaths(const Manifest& m)
    : m_(m), states_(m.golden.size()), placement_(m.profile.n), exact_(m.profile),
      greedy_(m.profile) {}

Decide DecisionPaths::scored(const Scorer& score, const std::string& decoder) {
  DecoderKind kind;
  try {
    kind = parse_decoder(decoder);
  } catch (const std::invalid_argument& err) {
    throw InputError(err.what());
  }
  deciders_.push_back(std::make_unique<Decider>(Decider::from_manifest(m_, score, kind)));
  Decider* decider = deciders_.back().get();
  return [this, decider](int i) {
    decider->decide(state(i), placement_.data());
    return digest();
  };
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
