// The chain DP, transcribed from model/oracle.py's _chain_one: the same operations in the same
// order, so T* and the tie-broken placement are bit-identical to the Python oracle's.
#include <algorithm>
#include <limits>

#include "solvers.hpp"

namespace kdo {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Per-state constants of the chain: each hop's cost and each run time, precomputed once with
// the expressions the Python step evaluates (a pure function of the inputs, so the same bits).
class Chain {
 public:
  Chain(const SystemState& s, int n) : n_(n) {
    const double rate[4] = {s.rate_up, s.rate_down, s.rate_backhaul, s.rate_backhaul};
    const double lat[4] = {s.lat_wireless, s.lat_wireless, s.lat_backhaul, s.lat_backhaul};
    const double seconds_per_cycle[kSites] = {1.0 / s.f_device, 1.0 / s.f_edge, 1.0 / s.f_cloud};
    for (int i = 0; i <= n; ++i) {
      // Input of subtask i (i == n: the last output, going home).
      const double bits = i == 0 ? s.in_bits[0] : s.out_bits[i - 1];
      for (int link = 0; link < 4; ++link) hop_[i][link] = bits / rate[link] + lat[link];
      for (int site = 0; site < kSites && i < n; ++site) {
        run_[i][site] = s.cycles[i] * seconds_per_cycle[site];
      }
    }
    edge_wait_ = s.edge_wait;
  }

  // Arrival at dst of subtask i's input, sent from src at t.
  double move(int i, int src, int dst, double t) const {
    static const int kRoute[kSites][kSites][2] = {
        {{-1, -1}, {kUp, -1}, {kUp, kBackhaulUp}},
        {{kDown, -1}, {-1, -1}, {kBackhaulUp, -1}},
        {{kBackhaulDown, kDown}, {kBackhaulDown, -1}, {-1, -1}},
    };
    for (int link : kRoute[src][dst]) {
      if (link >= 0) t = t + hop_[i][link];
    }
    return t;
  }

  // Finish of subtask i at dst when its input was ready at t on src.
  double step(int i, int src, int dst, double t) const {
    t = move(i, src, dst, t);
    // An earlier edge subtask has finished before this one's input is ready.
    if (dst == kEdge) t = std::max(t, edge_wait_);
    return t + run_[i][dst];
  }

  // min T over completions of subtask i finishing at t on `site`; infinity as soon as every
  // partial finish is past `cutoff` (T is never earlier than a finish on its path, in floating
  // point too: every step adds a non-negative amount or takes a max).
  double best_from(int i, int site, double t, double cutoff = kInf) const {
    double finish[kSites] = {kInf, kInf, kInf};
    finish[site] = t;
    for (int j = i + 1; j < n_; ++j) {
      double next[kSites];
      for (int dst = 0; dst < kSites; ++dst) {
        double best = kInf;
        for (int src = 0; src < kSites; ++src) {
          if (finish[src] != kInf) best = std::min(best, step(j, src, dst, finish[src]));
        }
        next[dst] = best;
      }
      if (std::min({next[0], next[1], next[2]}) > cutoff) return kInf;
      std::copy(next, next + kSites, finish);
    }
    double best = kInf;
    for (int src = 0; src < kSites; ++src) {
      if (finish[src] != kInf) best = std::min(best, move(n_, src, kDevice, finish[src]));
    }
    return best;
  }

 private:
  int n_;
  double hop_[kMaxSubtasks + 1][4];
  double run_[kMaxSubtasks][kSites];
  double edge_wait_ = 0;
};

}  // namespace

bool is_chain(const Profile& profile) {
  for (int i = 0; i < profile.n; ++i) {
    const auto& preds = profile.preds[i];
    if (i == 0 ? !preds.empty() : (preds.size() != 1 || preds[0] != i - 1)) return false;
  }
  return true;
}

double chain_dp(const Profile& profile, const SystemState& state, int* placement) {
  const int n = profile.n;
  const Chain chain(state, n);
  double optimal = kInf;
  for (int dst = 0; dst < kSites; ++dst) {
    optimal = std::min(optimal, chain.best_from(0, dst, chain.step(0, kDevice, dst, 0.0)));
  }
  double t = 0.0;
  int site = kDevice;
  for (int i = 0; i < n; ++i) {
    for (int v = 0; v < kSites; ++v) {
      const double t_v = chain.step(i, site, v, t);
      if (v == kCloud || chain.best_from(i, v, t_v, optimal) == optimal) {
        placement[i] = v;
        t = t_v;
        site = v;
        break;
      }
    }
  }
  return optimal;
}

}  // namespace kdo
