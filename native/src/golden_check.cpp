#include "golden_check.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "decoders.hpp"

namespace kdo {
namespace {

constexpr double kFeatureTol = 1e-5;
// The client's bound, not the file's: the golden logits are the program's own outputs, so a
// faithful runtime reproduces them to rounding, and a manifest's logit_tolerance is not read
// (Python's checks.py and Java's GoldenCheck apply the same number).
constexpr double kLogitTol = 1e-4;
constexpr double kDelayRelTol = 1e-9;

std::string placement_text(const int* placement, int n) {
  std::ostringstream out;
  out << "[";
  for (int i = 0; i < n; ++i) out << (i ? "," : "") << placement[i];
  out << "]";
  return out.str();
}

std::string seconds_text(double seconds) {
  std::ostringstream out;
  out.precision(17);
  out << seconds << " s";
  return out.str();
}

// One golden vector's checks, sharing the decoders and scratch across vectors.
class GoldenChecker {
 public:
  GoldenChecker(const Manifest& m, GoldenReport& report)
      : m_(m), n_(m.profile.n), topk_(m.profile, m.top_k),
        guarded_(m.profile, m.top_k, m.ood_top_k), greedy_(m.profile), delay_model_(m.profile),
        features_(m.recipe.width()), placement_(m.profile.n), report_(report) {}

  void check(const GoldenVector& golden, const std::string& where, const Scorer& score) {
    where_ = where;
    check_decider(golden, score);
    check_features(golden);
    // Score the stored features, not ours, so a feature bug is not reported twice.
    const float* logits = score(golden.features.data());
    check_logits(golden, logits);
    argmax_placement(logits, n_, placement_.data());
    check_placement("argmax placement", golden.argmax_placement);
    // The delay model alone, on the stored placement, isolates it from the scorer.
    check_delay("delay model on the stored top-K placement",
                delay_model_.delay(golden.state, golden.topk_placement.data(), busy(golden)), golden.topk_delay_s);
    const double delay = topk_.decode(logits, golden.state, placement_.data(), busy(golden));
    check_placement("top-" + std::to_string(m_.top_k) + " placement", golden.topk_placement);
    check_delay("top-" + std::to_string(m_.top_k) + " delay", delay, golden.topk_delay_s);
    check_guarded(golden, logits);
  }

 private:
  // The whole path from the raw state, as a client runs it: kdo::Decider with guarded decoding.
  void check_decider(const GoldenVector& golden, const Scorer& score) {
    Decider::from_manifest(m_, score, DecoderKind::guarded).decide(golden.state, placement_.data());
    check_placement("decider (guarded) placement", golden.guarded_placement);
  }

  void check_guarded(const GoldenVector& golden, const float* logits) {
    const bool out = m_.recipe.out_of_support(golden.state);
    if (out != golden.out_of_support) {
      fail(std::string("out_of_support is ") + (out ? "true" : "false") + ", expected " +
           (golden.out_of_support ? "true" : "false"));
    }
    greedy_.decide(golden.state, placement_.data());
    check_placement("greedy placement", golden.greedy_placement);
    const double delay = guarded_.decode(logits, golden.state, out, placement_.data(), busy(golden));
    check_placement("guarded placement", golden.guarded_placement);
    check_delay("guarded delay", delay, golden.guarded_delay_s);
  }

  // The backlogs the manifest's decoder scores candidates behind (decoder.rate_estimate
  // backlog, a vector with an observation), or null: an idle phone.
  const double* busy(const GoldenVector& golden) {
    if (m_.rate_estimate != "backlog" || !golden.state.observed.valid) return nullptr;
    busy_[0] = golden.state.observed.backlog_device;
    busy_[1] = golden.state.observed.backlog_up;
    busy_[2] = golden.state.observed.backlog_down;
    return busy_;
  }

  void check_features(const GoldenVector& golden) {
    m_.recipe.build(golden.state, features_.data());
    for (int k = 0; k < m_.recipe.width(); ++k) {
      const double expected = golden.features[k];
      const double error = std::fabs(double(features_[k]) - expected);
      report_.max_feature_error = std::max(report_.max_feature_error, error);
      if (!(error <= kFeatureTol + kFeatureTol * std::fabs(expected))) {  // NaN fails too
        fail("feature " + std::to_string(k) + " is " + std::to_string(features_[k]) +
             ", expected " + std::to_string(expected));
      }
    }
  }

  void check_logits(const GoldenVector& golden, const float* logits) {
    for (int k = 0; k < 3 * n_; ++k) {
      const double error = std::fabs(double(logits[k]) - golden.logits[k]);
      report_.max_logit_error = std::max(report_.max_logit_error, error);
      if (!(error <= kLogitTol)) {  // NaN fails too
        fail("logit [" + std::to_string(k / 3) + "][" + std::to_string(k % 3) + "] is " +
             std::to_string(logits[k]) + ", expected " + std::to_string(golden.logits[k]));
      }
    }
  }

  void check_placement(const std::string& what, const Placement& expected) {
    if (!std::equal(placement_.begin(), placement_.end(), expected.begin())) {
      fail(what + " " + placement_text(placement_.data(), n_) + ", expected " +
           placement_text(expected.data(), n_));
    }
  }

  void check_delay(const std::string& what, double delay, double expected) {
    const double rel = std::fabs(delay - expected) / std::fabs(expected);
    report_.max_delay_rel_error = std::max(report_.max_delay_rel_error, rel);
    if (!(rel <= kDelayRelTol)) {
      fail(what + " " + seconds_text(delay) + ", expected " + seconds_text(expected));
    }
  }

  void fail(const std::string& line) { report_.failures.push_back(where_ + line); }

  const Manifest& m_;
  const int n_;
  TopKDecoder topk_;
  GuardedDecoder guarded_;
  Greedy greedy_;
  QueuedDelay delay_model_;
  double busy_[3] = {};
  std::vector<float> features_;
  std::vector<int> placement_;
  GoldenReport& report_;
  std::string where_;
};

}  // namespace

GoldenReport check_golden(const Manifest& manifest, const std::string& scorer_name,
                          const Scorer& score) {
  GoldenReport report;
  GoldenChecker checker(manifest, report);
  for (size_t g = 0; g < manifest.golden.size(); ++g) {
    checker.check(manifest.golden[g], scorer_name + " golden[" + std::to_string(g) + "]: ",
                  score);
    ++report.vectors;
  }
  return report;
}

}  // namespace kdo
