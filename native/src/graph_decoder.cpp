#include "graph_decoder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace kdo {
namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
// The bounds sum in another order than the schedule, so they prune only flips they show to be
// slower by more than any rounding: a flip they keep is then scored exactly, as in Python.
constexpr double kSlack = 1.0 + 1e-9;
}

PlacementCode pack_placement(const int* placement, int n) {
  PlacementCode code = 0;
  for (int i = 0; i < n; ++i) code = (code << 2) | static_cast<PlacementCode>(placement[i]);
  return code;
}

void unpack_placement(PlacementCode code, int n, int* placement) {
  for (int i = n - 1; i >= 0; --i) {
    placement[i] = static_cast<int>(code & 3);
    code >>= 2;
  }
}

GraphDecoder::GraphDecoder(const Profile& profile, int top_k, int ood_top_k, int passes)
    : n_(profile.n), top_k_(top_k), ood_top_k_(std::max(top_k, ood_top_k)), passes_(passes),
      scheduler_(profile), greedy_(profile), heft_(profile), succs_(successors(profile)),
      is_exit_(profile.n, false), settled_(profile.n), live_(profile.n), tail_(profile.n),
      device_rest_(profile.n), edge_rest_(profile.n), snapshots_(profile.n + 1), scratch_(profile.n) {
  for (int e : profile.exits) is_exit_[e] = true;
  // settled_[i]: from which subtask on nothing reads i's output (n: i is an exit, read at the
  // end); live_[k]: the outputs some subtask after k, or the end, still reads.
  for (int i = 0; i < n_; ++i) {
    settled_[i] = is_exit_[i] ? n_ : (succs_[i].empty() ? i : succs_[i].back());
    for (int k = i; k < settled_[i] && k < n_; ++k) live_[k].push_back(i);
  }
  beam_.reserve(3 * ood_top_k_);
  grown_.reserve(3 * ood_top_k_);
  candidates_.reserve(ood_top_k_ + 5);
}

void GraphDecoder::offer_code(PlacementCode code) {
  if (std::find(candidates_.begin(), candidates_.end(), code) == candidates_.end()) {
    candidates_.push_back(code);
  }
}

void GraphDecoder::offer(const int* placement) { offer_code(pack_placement(placement, n_)); }

double GraphDecoder::decode(const float* logits, const SystemState& state, bool out_of_support,
                            int* placement) {
  beam_search(logits, n_, out_of_support ? ood_top_k_ : top_k_, beam_, grown_,
              [](PlacementCode code, uint32_t site) { return (code << 2) | site; });
  candidates_.clear();
  for (const Partial& p : beam_) offer_code(p.code);
  greedy_.decide(state, scratch_.data());
  offer(scratch_.data());
  heft_.decide(state, scratch_.data());
  offer(scratch_.data());
  for (int site = 0; site < kSites; ++site) {
    std::fill(scratch_.begin(), scratch_.end(), site);
    offer(scratch_.data());
  }
  scheduler_.set_state(state);
  double best = kNever;
  PlacementCode best_code = 0;
  for (PlacementCode code : candidates_) {
    unpack_placement(code, n_, scratch_.data());
    scheduler_.reset(work_);
    for (int i = 0; i < n_; ++i) scheduler_.place(work_, i, scratch_[i]);
    const double delay = scheduler_.finish(work_);
    if (delay < best || (delay == best && code < best_code)) {
      best = delay;
      best_code = code;
    }
  }
  unpack_placement(best_code, n_, placement);
  return local_search(placement, best);
}

void GraphDecoder::compute_moves() {
  const SystemState& s = scheduler_.state();
  for (int k = 0; k < n_; ++k) {
    const double bits = s.out_bits[k];
    const double up = bits / s.rate_up + s.lat_wireless, down = bits / s.rate_down + s.lat_wireless;
    const double backhaul = bits / s.rate_backhaul + s.lat_backhaul;
    const double hops[kSites][kSites] = {{0.0, up, up + backhaul}, {down, 0.0, backhaul},
                                         {backhaul + down, backhaul, 0.0}};
    std::copy(&hops[0][0], &hops[0][0] + kSites * kSites, &move_s_[k][0][0]);
  }
}

double GraphDecoder::tail_at(const int* placement, int k, int site) const {
  const auto& move = move_s_[k][site];
  double tail = is_exit_[k] ? move[kDevice] : 0.0;
  for (int j : succs_[k]) {
    const double path = move[placement[j]] + scheduler_.run_seconds(j, placement[j]) + tail_[j];
    tail = std::max(tail, path);
  }
  return tail;
}

void GraphDecoder::prepare(const int* placement, int from) {
  const int cores = scheduler_.profile().edge_cores;
  if (from == 0) scheduler_.reset(snapshots_[0]);
  for (int i = from; i < n_; ++i) {
    copy_schedule(snapshots_[i + 1], snapshots_[i], i, cores);
    scheduler_.place(snapshots_[i + 1], i, placement[i]);
  }
  double device = 0.0, edge = 0.0;
  for (int k = n_ - 1; k >= 0; --k) {
    tail_[k] = tail_at(placement, k, placement[k]);
    device_rest_[k] = device;
    edge_rest_[k] = edge;
    if (placement[k] == kDevice) device += scheduler_.run_seconds(k, kDevice);
    if (placement[k] == kEdge) edge += scheduler_.run_seconds(k, kEdge);
  }
}

bool GraphDecoder::bound_reaches(const ScheduleState& st, int k, double finish, double tail,
                                 double limit) const {
  if (finish + tail >= limit) return true;
  // The device's one core still runs device_rest_ after its free time; the edge's cores share
  // edge_rest_, so the last of them frees no earlier than their mean.
  if (st.device_free + device_rest_[k] >= limit) return true;
  const int cores = scheduler_.profile().edge_cores;
  double edge = edge_rest_[k];
  for (int c = 0; c < cores; ++c) edge += st.edge_free[c];
  return edge / cores >= limit;
}

bool GraphDecoder::no_earlier(const ScheduleState& st, int k) const {
  const ScheduleState& now = snapshots_[k + 1];
  for (int l = 0; l < 4; ++l) {
    if (st.link_free[l] < now.link_free[l]) return false;
  }
  if (st.device_free < now.device_free) return false;
  for (int c = 0; c < scheduler_.profile().edge_cores; ++c) {
    if (st.edge_free[c] < now.edge_free[c]) return false;
  }
  for (int j : live_[k]) {
    for (int site = 0; site < kSites; ++site) {
      const double a = st.outputs[j].at[site], b = now.outputs[j].at[site];
      if ((a == kNever) != (b == kNever) || a < b) return false;
    }
  }
  return true;
}

double GraphDecoder::flipped_delay(int* placement, int i, int site, double beat) {
  const int cores = scheduler_.profile().edge_cores;
  const double limit = beat * kSlack;
  const int current = placement[i];
  placement[i] = site;
  const double tail = tail_at(placement, i, site);
  placement[i] = current;
  copy_schedule(work_, snapshots_[i], i, cores);
  double finish = scheduler_.place(work_, i, site);
  if (bound_reaches(work_, i, finish, tail, limit)) return kNever;
  for (int k = i + 1; k < n_; ++k) {
    finish = scheduler_.place(work_, k, placement[k]);
    if (bound_reaches(work_, k, finish, tail_[k], limit)) return kNever;
    // Once nothing reads i's output, a frontier no earlier than the current placement's ends
    // no earlier: T >= cost >= beat.
    if (k >= settled_[i] && no_earlier(work_, k)) return kNever;
  }
  return scheduler_.finish(work_);
}

double GraphDecoder::local_search(int* placement, double cost) {
  // First improvement (model/graph_decoding.py): flips in cyclic scan order from the one after
  // the last move, at most passes * 2n of them scored, until 2n in a row do not lower T.
  const int flips = 2 * n_;
  const long budget = static_cast<long>(passes_) * flips;
  compute_moves();
  prepare(placement, 0);
  int cursor = 0, unimproved = 0;
  for (long scored = 0; scored < budget && unimproved < flips; ++scored) {
    const int i = cursor / 2;
    const int site = other_site(placement[i], cursor % 2);
    cursor = (cursor + 1) % flips;
    const double delay = flipped_delay(placement, i, site, cost);
    if (delay < cost) {
      placement[i] = site;
      cost = delay;
      unimproved = 0;
      prepare(placement, i);  // the schedule before subtasks 0..i is unchanged
    } else {
      ++unimproved;
    }
  }
  return cost;
}

int other_site(int site, int r) {
  const int a = (site + 1) % kSites, b = (site + 2) % kSites;
  return r == 0 ? std::min(a, b) : std::max(a, b);
}

void site_order_from_logits(const float* logits, int n, int8_t* order) {
  for (int i = 0; i < n; ++i) {
    const float* row = logits + 3 * i;
    int8_t* sites = order + 3 * i;
    sites[0] = 0, sites[1] = 1, sites[2] = 2;
    std::stable_sort(sites, sites + 3, [row](int8_t a, int8_t b) { return row[a] > row[b]; });
  }
}

GuidedSearch::GuidedSearch(const Profile& profile, int top_k, int ood_top_k, int passes)
    : n_(profile.n), decoder_(profile, top_k, ood_top_k, passes), solver_(profile),
      order_(3 * profile.n), incumbent_(profile.n), start_(profile.n) {}

double GuidedSearch::solve(const float* logits, const SystemState& state, bool out_of_support,
                           int* placement, SearchStats* stats, const SearchBudget& budget) {
  if (logits == nullptr) return solver_.solve(state, placement, stats, budget);
  decoder_.decode(logits, state, out_of_support, start_.data());
  std::copy(start_.begin(), start_.end(), incumbent_.begin());
  site_order_from_logits(logits, n_, order_.data());
  return solver_.solve(state, placement, stats, budget, SearchHints{order_.data(), incumbent_.data()});
}

}  // namespace kdo
