// The decision path, once (docs/formats.md): raw state -> features -> support check ->
// normalise -> forward -> decode. The C++ port of model/decider.py's Decider; the forward
// function is whatever scores a normalised feature vector (the .pte through ExecuTorch, or the
// manifest's weights as a plain loop).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "decoders.hpp"
#include "features.hpp"
#include "system.hpp"

namespace kdo {

struct Manifest;

// Feature vector [F] -> logits [N * 3]; the pointer stays valid until the next call.
using Scorer = std::function<const float*(const float*)>;

enum class DecoderKind { argmax, topk, guarded };

// What the top-K and guarded candidates are scored under: the state's own rates (the rate of
// the decision's moment) from an idle phone; or, for a state with an observation, the lower of
// that rate and the observed history's harmonic mean (model/observation.py's as_estimated); or
// the state's rates from the observed backlogs of the phone's core and links (QueuedDelay).
enum class RateEstimate { current, history, backlog };

// Throws std::invalid_argument naming the value if it is not current, history or backlog.
RateEstimate parse_rate_estimate(const std::string& name);

// Throws std::invalid_argument naming the value if it is not argmax, topk or guarded.
DecoderKind parse_decoder(const std::string& name);

// K and the widened K have no defaults here: they come from the manifest's decoder block,
// written from model/decider.py's DecoderConfig.
struct DecoderConfig {
  DecoderKind decoder;
  int top_k;
  int ood_top_k;  // K for a state out of the training support (guarded only), at least top_k
};

class Decider {
 public:
  Decider(const Profile& profile, const FeatureRecipe& recipe, Scorer forward,
          DecoderConfig config);
  // The manifest's profile, recipe and decoder settings (decoder.default unless given), with
  // its decoder.rate_estimate.
  static Decider from_manifest(const Manifest& m, Scorer forward);
  static Decider from_manifest(const Manifest& m, Scorer forward, DecoderKind decoder);

  // Writes the placement of one raw state. Not thread-safe (reuses scratch).
  void decide(const SystemState& state, int* placement);
  bool out_of_support(const SystemState& state) const { return recipe_.out_of_support(state); }
  void set_rate_estimate(RateEstimate estimate) { rate_estimate_ = estimate; }

 private:
  const Profile& profile_;
  const FeatureRecipe& recipe_;
  Scorer forward_;
  DecoderConfig config_;
  RateEstimate rate_estimate_ = RateEstimate::current;
  SystemState scored_;  // the state the candidates are scored on, when it is not the state
  std::vector<float> features_;
  TopKDecoder topk_;
  GuardedDecoder guarded_;

  const SystemState& scored(const SystemState& state);
  // The backlogs candidates start behind ({device, up, down}), or null: from an idle phone.
  const double* busy(const SystemState& state);
  double busy_[3] = {};
};

}  // namespace kdo
