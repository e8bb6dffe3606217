#include "replay_scorer.hpp"

#include <algorithm>
#include <iterator>
#include <limits>

#include "solvers.hpp"

namespace kdo {
namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
// The tail and core bounds sum in another order than the schedule, so they end a replay only
// when they pass `beat` by more than any rounding: a placement they keep is scored exactly.
// A finish time, an exit's arrival home and the frontier comparison are the schedule's own
// values (rounding is monotone), so they need no slack.
constexpr double kSlack = 1.0 + 1e-9;
}  // namespace

ReplayScorer::ReplayScorer(const Profile& profile)
    : n_(profile.n), cores_(profile.edge_cores), scheduler_(profile), succs_(successors(profile)),
      is_exit_(profile.n, 0), settled_(profile.n), live_(profile.n + 1), first_live_(profile.n + 1),
      tail_(profile.n), device_chain_(profile.n), edge_rest_(profile.n), later_sites_(profile.n),
      pair_tail_(profile.n), pair_device_(profile.n), pair_edge_(profile.n),
      placed_(profile.n, -1), snapshots_(profile.n + 1) {
  for (int e : profile.exits) is_exit_[e] = 1;
  // settled_[i]: from which subtask on nothing reads i's output (n: i is an exit, read by T);
  // live_[k]: the outputs of subtasks before k that subtask k, a later one or T still reads.
  for (int i = 0; i < n_; ++i) {
    settled_[i] = is_exit_[i] ? n_ : (succs_[i].empty() ? i : succs_[i].back());
    for (int k = i + 1; k <= settled_[i]; ++k) live_[k].push_back(i);
  }
  for (int k = 0; k <= n_; ++k) first_live_[k] = live_[k].empty() ? k : live_[k].front();
}

void ReplayScorer::set_state(const SystemState& state) {
  scheduler_.set_state(state);
  scheduler_.reset(snapshots_[0]);
  compute_moves();
  valid_ = 0;
}

void ReplayScorer::carry(ScheduleState& to, const ScheduleState& from, int k) const {
  std::copy(std::begin(from.link_free), std::end(from.link_free), to.link_free);
  to.device_free = from.device_free;
  std::copy(from.edge_free, from.edge_free + cores_, to.edge_free);
  // One block from the first output still read: a copy of a few hundred bytes is cheaper
  // than picking the live ones out.
  std::copy(from.outputs + first_live_[k], from.outputs + k, to.outputs + first_live_[k]);
}

double ReplayScorer::advance(int k) {
  carry(snapshots_[k + 1], snapshots_[k], k);
  return scheduler_.place(snapshots_[k + 1], k, placed_[k]);
}

void ReplayScorer::make_current(int from) {
  for (int k = from; k < n_; ++k) advance(k);
  valid_ = n_;
  bound_tails(placed_.data());
  carry(work_, snapshots_[n_], n_);
  current_delay_ = scheduler_.finish(work_);
}

int ReplayScorer::departure(const int* placement) const {
  int i = 0;
  while (i < n_ && placement[i] == placed_[i]) ++i;
  return i;
}

void ReplayScorer::compute_moves() {
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

double ReplayScorer::tail_at(const int* placement, int k, int site) const {
  const auto& move = move_s_[k][site];
  double tail = is_exit_[k] ? move[kDevice] : 0.0;
  for (int j : succs_[k]) {
    const double path = move[placement[j]] + scheduler_.run_seconds(j, placement[j]) + tail_[j];
    tail = std::max(tail, path);
  }
  return tail;
}

void ReplayScorer::bound_tails(const int* placement) {
  double device = 0.0, edge = 0.0;
  uint8_t later = 0;
  for (int k = n_ - 1; k >= 0; --k) {
    tail_[k] = tail_at(placement, k, placement[k]);
    device_chain_[k] = device;
    edge_rest_[k] = edge;
    later_sites_[k] = later;
    later |= uint8_t(1u << placement[k]);
    // The device's core runs its subtasks one at a time in index order, each then still at
    // least its tail from T.
    if (placement[k] == kDevice) device = scheduler_.run_seconds(k, kDevice) + std::max(tail_[k], device);
    if (placement[k] == kEdge) edge += scheduler_.run_seconds(k, kEdge);
  }
}

bool ReplayScorer::bound_reaches(const ScheduleState& st, int k, double finish, double tail,
                                 double limit) const {
  return reaches(st, finish, tail, device_chain_[k], edge_rest_[k], limit);
}

bool ReplayScorer::reaches(const ScheduleState& st, double finish, double tail, double device_chain,
                           double edge_rest, double limit) const {
  if (finish + tail >= limit) return true;
  // The device's one core still runs device_chain after its free time. The edge's cores share
  // edge_rest, so the last of them frees no earlier than their mean; only with edge work
  // still to come is that a finish (an idle core's free time is edge_wait, which T need not
  // reach).
  if (st.device_free + device_chain >= limit) return true;
  if (edge_rest <= 0.0) return false;
  double edge = edge_rest;
  for (int c = 0; c < cores_; ++c) edge += st.edge_free[c];
  return edge / cores_ >= limit;
}

void ReplayScorer::pair_bounds(int i, int j) {
  // bound_tails' recurrences from j down to i, for placed_ as the pair move leaves it; after j
  // the current placement's values hold (the sites there are unchanged).
  double device = device_chain_[j], edge = edge_rest_[j];
  for (int k = j; k >= i; --k) {
    const auto& move = move_s_[k][placed_[k]];
    double tail = is_exit_[k] ? move[kDevice] : 0.0;
    for (int s : succs_[k]) {
      const double after = s > j ? tail_[s] : pair_tail_[s];
      tail = std::max(tail, move[placed_[s]] + scheduler_.run_seconds(s, placed_[s]) + after);
    }
    pair_tail_[k] = tail;
    pair_device_[k] = device;
    pair_edge_[k] = edge;
    if (placed_[k] == kDevice) device = scheduler_.run_seconds(k, kDevice) + std::max(tail, device);
    if (placed_[k] == kEdge) edge += scheduler_.run_seconds(k, kEdge);
  }
}

bool ReplayScorer::cores_no_earlier(const double* a, const double* b) const {
  // The cores are interchangeable (each step takes the one that frees first), so their free
  // times compare sorted.
  if (cores_ == 1) return a[0] >= b[0];
  if (cores_ == 2) {
    return std::min(a[0], a[1]) >= std::min(b[0], b[1]) && std::max(a[0], a[1]) >= std::max(b[0], b[1]);
  }
  double x[kMaxEdgeCores], y[kMaxEdgeCores];
  for (int c = 0; c < cores_; ++c) {
    int p = c, q = c;
    for (; p > 0 && x[p - 1] > a[c]; --p) x[p] = x[p - 1];
    for (; q > 0 && y[q - 1] > b[c]; --q) y[q] = y[q - 1];
    x[p] = a[c];
    y[q] = b[c];
  }
  for (int c = 0; c < cores_; ++c) {
    if (x[c] < y[c]) return false;
  }
  return true;
}

bool ReplayScorer::no_earlier(const ScheduleState& st, int k) const {
  // Only what a later step can use is compared: the uplink carries data only to the edge or
  // the cloud, the edge-to-cloud link only to the cloud, a core only runs what is placed on it
  // (subtasks after k are at the same sites in both); the links home serve T.
  const ScheduleState& now = snapshots_[k + 1];
  const uint8_t later = later_sites_[k];
  if ((later & (kOnEdge | kOnCloud)) && st.link_free[kUp] < now.link_free[kUp]) return false;
  if ((later & kOnCloud) && st.link_free[kBackhaulUp] < now.link_free[kBackhaulUp]) return false;
  if (st.link_free[kDown] < now.link_free[kDown]) return false;
  if (st.link_free[kBackhaulDown] < now.link_free[kBackhaulDown]) return false;
  if ((later & kOnDevice) && st.device_free < now.device_free) return false;
  if ((later & kOnEdge) && !cores_no_earlier(st.edge_free, now.edge_free)) return false;
  for (int j : live_[k + 1]) {
    for (int site = 0; site < kSites; ++site) {
      const double a = st.outputs[j].at[site], b = now.outputs[j].at[site];
      if ((a == kNever) != (b == kNever) || a < b) return false;
    }
  }
  return true;
}

double ReplayScorer::score(const int* placement, double beat) {
  const int start = std::min(departure(placement), valid_);
  std::copy(placement + start, placement + n_, placed_.begin() + start);
  valid_ = start;
  bound_tails(placement);
  const double limit = beat * kSlack;
  for (int k = start; k < n_; ++k) {
    const double finish = advance(k);
    valid_ = k + 1;
    if (bound_reaches(snapshots_[k + 1], k, finish, tail_[k], limit)) return kNever;
  }
  carry(work_, snapshots_[n_], n_);
  return scheduler_.finish(work_);
}

void ReplayScorer::reset(const int* placement) {
  const int start = std::min(departure(placement), valid_);
  std::copy(placement + start, placement + n_, placed_.begin() + start);
  make_current(start);
}

void ReplayScorer::move(int i, int site) {
  placed_[i] = site;
  make_current(std::min(valid_, i));
}

void ReplayScorer::move_pair(int i, int site_i, int j, int site_j) {
  placed_[i] = site_i;
  placed_[j] = site_j;
  make_current(std::min(valid_, i));
}

double ReplayScorer::paired(int i, int site_i, int j, int site_j, double beat) {
  const double limit = beat * kSlack;
  const int current_i = placed_[i], current_j = placed_[j];
  placed_[i] = site_i;
  placed_[j] = site_j;
  pair_bounds(i, j);
  const bool dominance = beat <= current_delay_;
  const int settled = std::max(j, std::max(settled_[i], settled_[j]));
  carry(work_, snapshots_[i], i);
  double delay = kNever;
  for (int k = i;; ++k) {
    const double finish = scheduler_.place(work_, k, placed_[k]);
    if (finish >= beat || (is_exit_[k] && scheduler_.exit_arrival(work_, k) >= beat)) break;
    if (k <= j ? reaches(work_, finish, pair_tail_[k], pair_device_[k], pair_edge_[k], limit)
               : bound_reaches(work_, k, finish, tail_[k], limit)) {
      break;
    }
    // flipped's frontier test, once nothing reads i's or j's output and the sites after agree.
    if (dominance && k >= settled && (k - settled) % 4 == 0 && no_earlier(work_, k)) break;
    if (k + 1 == n_) {
      delay = scheduler_.finish(work_);
      break;
    }
  }
  placed_[i] = current_i;
  placed_[j] = current_j;
  return delay;
}

double ReplayScorer::flipped(int i, int site, double beat) {
  const double limit = beat * kSlack;
  const int current = placed_[i];
  placed_[i] = site;
  const double tail = tail_at(placed_.data(), i, site);
  placed_[i] = current;
  carry(work_, snapshots_[i], i);
  double finish = scheduler_.place(work_, i, site);
  const bool dominance = beat <= current_delay_;
  for (int k = i;;) {
    // T >= every finish, and >= an exit's arrival home over the links as they are now.
    if (finish >= beat || bound_reaches(work_, k, finish, k == i ? tail : tail_[k], limit)) {
      return kNever;
    }
    if (is_exit_[k] && scheduler_.exit_arrival(work_, k) >= beat) return kNever;
    // Once nothing reads i's output, a frontier no earlier than the current placement's ends
    // no earlier: T >= the current T. Tested every fourth step: most tests fail, and one costs
    // about a step's replay.
    if (dominance && k >= settled_[i] && (k - settled_[i]) % 4 == 0 && no_earlier(work_, k)) {
      return kNever;
    }
    if (++k == n_) break;
    finish = scheduler_.place(work_, k, placed_[k]);
  }
  return scheduler_.finish(work_);
}

}  // namespace kdo
