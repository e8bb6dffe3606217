// Logits [N, 3] -> placement, the three decoders of docs/formats.md. Argmax per subtask; the
// verified top-K: the K most probable placements under the product of per-subtask softmaxes,
// plus all-local, each scored with the delay model, the fastest kept; guarded: top-K plus the
// greedy placement and the three single-site placements, K widened out of support.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "delay_model.hpp"
#include "solvers.hpp"
#include "system.hpp"

namespace kdo {

// A partial placement of the beam: its log-probability, its code, and its place in the
// expansion (parent's beam index * 3 + site), the tie-break of numpy's stable sort.
template <typename Code>
struct BeamEntry {
  double log_prob;
  Code code;
  uint32_t position;
};

// The k most probable placements, most probable first, into `beam` (`grown` is scratch), as
// model/decoding.topk_placements finds them. A beam of width k is exact here: log-probabilities
// add over subtasks, so a prefix with k better prefixes ahead of it has k better completions
// too. extend(code, site) appends a site to a code; the placement code is the caller's.
template <typename Code, typename Extend>
void beam_search(const float* logits, int n, int k, std::vector<BeamEntry<Code>>& beam,
                 std::vector<BeamEntry<Code>>& grown, Extend extend) {
  using Entry = BeamEntry<Code>;
  const auto better = [](const Entry& a, const Entry& b) {
    return a.log_prob != b.log_prob ? a.log_prob > b.log_prob : a.position < b.position;
  };
  beam.assign(1, Entry{0.0, Code(0), 0});
  for (int i = 0; i < n; ++i) {
    // log-softmax associated as in model/decoding.py: (l - max) - log(sum(exp(l - max))).
    const float* row = logits + 3 * i;
    const double top = std::max({double(row[0]), double(row[1]), double(row[2])});
    const double shifted[3] = {row[0] - top, row[1] - top, row[2] - top};
    const double log_sum =
        std::log(std::exp(shifted[0]) + std::exp(shifted[1]) + std::exp(shifted[2]));
    // The k best children, kept sorted as they come: the order is total (positions differ), so
    // this is the partial sort's result, for a few comparisons per child instead of a heap.
    const size_t keep = std::min(3 * beam.size(), static_cast<size_t>(k));
    grown.clear();
    for (size_t parent = 0; parent < beam.size(); ++parent) {
      for (uint32_t site = 0; site < 3; ++site) {
        const Entry child{beam[parent].log_prob + (shifted[site] - log_sum),
                          extend(beam[parent].code, site), static_cast<uint32_t>(parent * 3 + site)};
        if (grown.size() == keep && !better(child, grown.back())) continue;
        grown.insert(std::upper_bound(grown.begin(), grown.end(), child, better), child);
        if (grown.size() > keep) grown.pop_back();
      }
    }
    beam.swap(grown);
  }
}

// Per subtask the highest logit; the lowest site wins a tie (numpy's argmax).
void argmax_placement(const float* logits, int n, int* placement);

// The delay model's T(placement; state) from the phone's queues: its core, uplink and downlink
// free only after busy = {device, up, down} seconds (an observation's backlogs), as
// model/delay.py's delays with busy; busy null: from an idle phone, DelayModel's delay exactly.
class QueuedDelay {
 public:
  explicit QueuedDelay(const Profile& profile) : scheduler_(profile) {}
  double delay(const SystemState& state, const int* placement, const double* busy);

 private:
  Scheduler scheduler_;
  ScheduleState scratch_;
};

class TopKDecoder {
 public:
  TopKDecoder(const Profile& profile, int k);

  // Writes the chosen placement and returns its delay. Ties on delay go to the
  // lexicographically smallest placement. busy: see QueuedDelay (null: an idle phone).
  double decode(const float* logits, const SystemState& state, int* placement,
                const double* busy = nullptr);

  // The K most probable placements, most probable first, as base-3 codes whose most
  // significant digit is subtask 0 (numeric order is lexicographic order). Equal scores keep
  // the earlier beam entry, then the lower site, as model/decoding.py's stable sort does.
  // Valid until the next call.
  const std::vector<uint32_t>& most_probable(const float* logits);

  static void code_to_placement(uint32_t code, int n, int* placement);

  int k() const { return k_; }

 private:
  using Partial = BeamEntry<uint32_t>;

  int n_, k_;
  QueuedDelay delay_model_;
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
  // busy: see QueuedDelay (null: an idle phone).
  double decode(const float* logits, const SystemState& state, bool out_of_support,
                int* placement, const double* busy = nullptr);

 private:
  int n_;
  TopKDecoder in_support_, out_of_support_;  // only their beams are used
  Greedy greedy_;
  QueuedDelay delay_model_;
  std::vector<uint32_t> candidates_;
  std::vector<int> scratch_placement_;
};

}  // namespace kdo
