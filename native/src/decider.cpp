#include "decider.hpp"

#include <algorithm>
#include <stdexcept>

#include "manifest.hpp"

namespace kdo {

DecoderKind parse_decoder(const std::string& name) {
  if (name == "argmax") return DecoderKind::argmax;
  if (name == "topk") return DecoderKind::topk;
  if (name == "guarded") return DecoderKind::guarded;
  throw std::invalid_argument("decoder '" + name + "' is not argmax, topk or guarded");
}

RateEstimate parse_rate_estimate(const std::string& name) {
  if (name == "current") return RateEstimate::current;
  if (name == "history") return RateEstimate::history;
  if (name == "backlog") return RateEstimate::backlog;
  throw std::invalid_argument("rate estimate '" + name + "' is not current, history or backlog");
}

Decider::Decider(const Profile& profile, const FeatureRecipe& recipe, Scorer forward,
                 DecoderConfig config)
    : profile_(profile), recipe_(recipe), forward_(std::move(forward)), config_(config),
      features_(recipe.width()), topk_(profile, config.top_k),
      guarded_(profile, config.top_k, config.ood_top_k) {}

Decider Decider::from_manifest(const Manifest& m, Scorer forward) {
  return from_manifest(m, std::move(forward), parse_decoder(m.default_decoder));
}

Decider Decider::from_manifest(const Manifest& m, Scorer forward, DecoderKind decoder) {
  Decider decider(m.profile, m.recipe, std::move(forward), {decoder, m.top_k, m.ood_top_k});
  decider.set_rate_estimate(parse_rate_estimate(m.rate_estimate));
  return decider;
}

void Decider::decide(const SystemState& state, int* placement) {
  recipe_.build(state, features_.data());
  const float* logits = forward_(features_.data());
  switch (config_.decoder) {
    case DecoderKind::argmax:
      argmax_placement(logits, profile_.n, placement);
      return;
    case DecoderKind::topk:
      topk_.decode(logits, scored(state), placement, busy(state));
      return;
    case DecoderKind::guarded:
      // The support check belongs to the guarded decision: it widens K out of support.
      guarded_.decode(logits, scored(state), recipe_.out_of_support(state), placement, busy(state));
      return;
  }
}

const double* Decider::busy(const SystemState& state) {
  if (rate_estimate_ != RateEstimate::backlog || !state.observed.valid) return nullptr;
  busy_[0] = state.observed.backlog_device;
  busy_[1] = state.observed.backlog_up;
  busy_[2] = state.observed.backlog_down;
  return busy_;
}

const SystemState& Decider::scored(const SystemState& state) {
  if (rate_estimate_ != RateEstimate::history || !state.observed.valid) return state;
  scored_ = state;  // the vectors keep their capacity: no allocation after the first decision
  scored_.rate_up = std::min(state.rate_up, state.observed.rate_up_hmean);
  scored_.rate_down = std::min(state.rate_down, state.observed.rate_down_hmean);
  return scored_;
}

}  // namespace kdo
