#include "decoders.hpp"

#include <algorithm>
#include <cmath>

namespace kdo {

void argmax_placement(const float* logits, int n, int* placement) {
  for (int i = 0; i < n; ++i) {
    const float* row = logits + 3 * i;
    int best = 0;
    if (row[1] > row[best]) best = 1;
    if (row[2] > row[best]) best = 2;
    placement[i] = best;
  }
}

double QueuedDelay::delay(const SystemState& state, const int* placement, const double* busy) {
  scheduler_.set_state(state);
  scheduler_.reset(scratch_);
  if (busy != nullptr) {
    scratch_.device_free = busy[0];
    scratch_.link_free[kUp] = busy[1];
    scratch_.link_free[kDown] = busy[2];
  }
  for (int i = 0; i < scheduler_.profile().n; ++i) scheduler_.place(scratch_, i, placement[i]);
  return scheduler_.finish(scratch_);
}

TopKDecoder::TopKDecoder(const Profile& profile, int k)
    : n_(profile.n), k_(k), delay_model_(profile), scratch_placement_(profile.n) {
  beam_.reserve(3 * k);
  grown_.reserve(3 * k);
  codes_.reserve(k + 1);
}

void TopKDecoder::code_to_placement(uint32_t code, int n, int* placement) {
  for (int i = n - 1; i >= 0; --i) {
    placement[i] = static_cast<int>(code % 3);
    code /= 3;
  }
}

const std::vector<uint32_t>& TopKDecoder::most_probable(const float* logits) {
  beam_search(logits, n_, k_, beam_, grown_, [](uint32_t code, uint32_t site) { return code * 3 + site; });
  codes_.clear();
  for (const Partial& p : beam_) codes_.push_back(p.code);
  return codes_;
}

double TopKDecoder::decode(const float* logits, const SystemState& state, int* placement,
                           const double* busy) {
  most_probable(logits);
  // All-local is code 0; it is always a candidate so the policy is never worse than staying put.
  if (std::find(codes_.begin(), codes_.end(), 0u) == codes_.end()) codes_.push_back(0u);
  double best_delay = 0.0;
  uint32_t best_code = 0;
  bool first = true;
  for (uint32_t code : codes_) {
    code_to_placement(code, n_, scratch_placement_.data());
    const double delay = delay_model_.delay(state, scratch_placement_.data(), busy);
    if (first || delay < best_delay || (delay == best_delay && code < best_code)) {
      best_delay = delay;
      best_code = code;
      first = false;
    }
  }
  code_to_placement(best_code, n_, placement);
  return best_delay;
}

GuardedDecoder::GuardedDecoder(const Profile& profile, int top_k, int ood_top_k)
    : n_(profile.n), in_support_(profile, top_k),
      out_of_support_(profile, std::max(top_k, ood_top_k)), greedy_(profile),
      delay_model_(profile), scratch_placement_(profile.n) {
  candidates_.reserve(std::max(top_k, ood_top_k) + 4);
}

double GuardedDecoder::decode(const float* logits, const SystemState& state, bool out_of_support,
                              int* placement, const double* busy) {
  candidates_ = (out_of_support ? out_of_support_ : in_support_).most_probable(logits);
  greedy_.decide(state, scratch_placement_.data());
  uint32_t all_edge = 0;
  for (int i = 0; i < n_; ++i) all_edge = all_edge * 3 + 1;
  const uint32_t extra[4] = {static_cast<uint32_t>(placement_code(scratch_placement_.data(), n_)),
                             0u, all_edge, 2 * all_edge};
  for (uint32_t code : extra) {
    if (std::find(candidates_.begin(), candidates_.end(), code) == candidates_.end()) {
      candidates_.push_back(code);
    }
  }
  double best_delay = 0.0;
  uint32_t best_code = 0;
  bool first = true;
  for (uint32_t code : candidates_) {
    TopKDecoder::code_to_placement(code, n_, scratch_placement_.data());
    const double delay = delay_model_.delay(state, scratch_placement_.data(), busy);
    if (first || delay < best_delay || (delay == best_delay && code < best_code)) {
      best_delay = delay;
      best_code = code;
      first = false;
    }
  }
  TopKDecoder::code_to_placement(best_code, n_, placement);
  return best_delay;
}

}  // namespace kdo
