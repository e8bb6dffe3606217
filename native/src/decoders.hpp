// Logits [N, 3] -> placement, the three decoders of docs/formats.md. Argmax per subtask; the
// verified top-K: the K most probable placements under the product of per-subtask softmaxes,
// plus all-local, each scored with the delay model, the fastest kept; guarded: top-K plus the
// greedy placement and the three single-site placements, K widened out of support.
#pragma once

#include <cstdint>
#include <vector>

#include "delay_model.hpp"
#include "solvers.hpp"
#include "system.hpp"

namespace kdo {

// Per subtask the highest logit; the lowest site wins a tie (numpy's argmax).
void argmax_placement(const float* logits, int n, int* placement);

class TopKDecoder {
 public:
  TopKDecoder(const Profile& profile, int k);

  // Writes the chosen placement and returns its delay. Ties on delay go to the
  // lexicographically smallest placement.
  double decode(const float* logits, const SystemState& state, int* placement);

  // The K most probable placements, most probable first, as base-3 codes whose most
  // significant digit is subtask 0 (numeric order is lexicographic order). Equal scores keep
  // the earlier beam entry, then the lower site, as model/decoding.py's stable sort does.
  // Valid until the next call.
  const std::vector<uint32_t>& most_probable(const float* logits);

  static void code_to_placement(uint32_t code, int n, int* placement);

  int k() const { return k_; }

 private:
  struct Partial {
    double log_prob;
    uint32_t code;
    uint32_t position;  // parent's beam index * 3 + site: the tie-break
  };

  int n_, k_;
  DelayModel delay_model_;
  std::vector<Partial> beam_, grown_;
  std::vector<uint32_t> codes_;
  std::vector<int> scratch_placement_;
};

// Never worse than greedy or any single-site placement, by construction: those are candidates.
class GuardedDecoder {
 public:
  // Out of support the beam is max(top_k, ood_top_k) wide: the widening rule of
  // model/decider.py's DecoderConfig, so a larger K never narrows the out-of-support search.
  GuardedDecoder(const Profile& profile, int top_k, int ood_top_k);

  // Writes the chosen placement and returns its delay; ties to the smallest placement.
  double decode(const float* logits, const SystemState& state, bool out_of_support,
                int* placement);

 private:
  int n_;
  TopKDecoder in_support_, out_of_support_;  // only their beams are used
  Greedy greedy_;
  DelayModel delay_model_;
  std::vector<uint32_t> candidates_;
  std::vector<int> scratch_placement_;
};

}  // namespace kdo
