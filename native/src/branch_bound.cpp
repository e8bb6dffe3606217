#include <time.h>

#include <algorithm>
#include <limits>

#include "solvers.hpp"

namespace kdo {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
// Small graphs (the shipped profiles) mostly finish in fewer nodes than polishing the
// incumbent would cost; larger ones polish it first.
constexpr uint64_t kPolishAfter = 4096;
constexpr int kPolishFirstAbove = 16;
constexpr uint64_t kDominanceAfter = 256;

// The CPU time the calling thread has used, in seconds: what a time budget counts, so that on a
// shared machine it measures the search, not the other processes.
double thread_cpu_seconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}


// One remaining subtask as two resources see it: its cost on each, and whether it may use each.
struct Claim {
  double a, b;
  bool on_a, on_b;
};

// Whether the claims cannot fit two resources with rooms room_a and room_b (negative: closed to
// every claim), those that may use either split fractionally, the first resource taking first
// what would cost the second most per second of its own. A relaxation: true is a proof.
bool overflows(double room_a, double room_b, Claim* claims, int count) {
  const bool open_a = room_a >= 0.0, open_b = room_b >= 0.0;
  int flexible = 0;
  for (int c = 0; c < count; ++c) {
    const bool a = open_a && claims[c].on_a, b = open_b && claims[c].on_b;
    if (a && b) {
      claims[flexible++] = claims[c];
    } else if (a) {
      room_a -= claims[c].a;
    } else if (b) {
      room_b -= claims[c].b;
    } else {
      return true;
    }
  }
  if ((open_a && room_a < 0.0) || (open_b && room_b < 0.0)) return true;
  std::sort(claims, claims + flexible, [](const Claim& x, const Claim& y) { return x.b * y.a > y.b * x.a; });
  for (int f = 0; f < flexible; ++f) {
    const double share = std::min(1.0, room_a / claims[f].a);
    room_a -= share * claims[f].a;
    room_b -= (1.0 - share) * claims[f].b;
  }
  return open_b && room_b < 0.0;
}
}  // namespace

uint64_t placement_code(const int* placement, int n) {
  uint64_t code = 0;
  for (int i = 0; i < n; ++i) code = code * 3 + static_cast<uint64_t>(placement[i]);
  return code;
}

BranchAndBound::BranchAndBound(const Profile& profile, bool prune)
    : scheduler_(profile), greedy_(profile), heft_(profile), delay_model_(profile), prune_(prune),
      n_(profile.n),
      succs_(successors(profile)), is_exit_(exit_flags(profile)),
      children_(static_cast<size_t>(profile.n) * kSites),
      dominance_(profile, succs_, is_exit_), path_(profile.n), best_(profile.n),
      scratch_(profile.n) {}

void BranchAndBound::compute_tails() {
  // tail(k, s): k's output must still reach an exit's way home (or, for an exit, the device);
  // durations on idle links and cores only, so a lower bound on T - finish(k).
  const SystemState& s = scheduler_.state();
  ScheduleState idle;
  scheduler_.reset(idle);
  std::fill(std::begin(idle.link_free), std::end(idle.link_free), 0.0);
  for (int k = n_ - 1; k >= 0; --k) {
    for (int site = 0; site < kSites; ++site) {
      const double b = s.out_bits[k];
      double tail = 0.0;
      if (is_exit_[k]) tail = scheduler_.move_bound(idle, 0.0, site, kDevice, b);
      for (int i : succs_[k]) {
        double best = kInf;
        for (int to = 0; to < kSites; ++to) {
          best = std::min(best, scheduler_.move_bound(idle, 0.0, site, to, b) +
                                    scheduler_.run_seconds(i, to) + tail_[i][to]);
        }
        tail = std::max(tail, best);
      }
      tail_[k][site] = tail;
    }
  }
}

double BranchAndBound::lower_bound(const ScheduleState& st, int next, bool* beyond_incumbent) const {
  double finish[kMaxSubtasks][kSites];
  const double path = critical_path(st, next, finish);
  *beyond_incumbent = false;
  if (!prune_) return path;
  // Valid as a bound while it stays within the incumbent (see home_chain); past it, every
  // completion is slower than the incumbent.
  const double home = home_chain(st, next, finish, best_delay_, path);
  if (home > best_delay_) {
    *beyond_incumbent = true;
    return best_delay_;
  }
  const double total = std::max(path, home);
  *beyond_incumbent = total <= best_delay_ && load_exceeds(st, next, finish, best_delay_);
  return total;
}

// Each placed input of a subtask not yet at its site still needs a transfer of its own into it,
// on one link (into the device: the downlink; the cloud: the backhaul up; the edge: the uplink
// or the backhaul down, by where the datum is), whoever makes it, no earlier than the link is
// free and the datum is at the link's start. Earliest release first is the least time such a
// set of transfers can end on one link. Its sums run in another order than the schedule's: less
// the load test's slack.
void BranchAndBound::InputsIn::push(int lane, double release, double seconds) {
  int c = count[lane]++;
  // Insertion by release: the inputs are few.
  while (c > 0 && release_[lane][c - 1] > release) {
    release_[lane][c] = release_[lane][c - 1];
    seconds_[lane][c] = seconds_[lane][c - 1];
    --c;
  }
  release_[lane][c] = release;
  seconds_[lane][c] = seconds;
}

void BranchAndBound::InputsIn::add_entry(const BranchAndBound& bb, const ScheduleState& st, int site,
                                         double bits) {
  const SystemState& s = bb.scheduler_.state();
  if (site == kEdge) {
    push(0, 0.0, bits / s.rate_up + s.lat_wireless);
  } else {
    push(0, bb.scheduler_.move_bound(st, 0.0, kDevice, kEdge, bits), bits / s.rate_backhaul + s.lat_backhaul);
  }
}

void BranchAndBound::InputsIn::add(const SystemState& s, int site, const Copies& copy, double at_edge,
                                   double bits) {
  if (site == kDevice) {
    push(0, at_edge, bits / s.rate_down + s.lat_wireless);
  } else if (site == kCloud) {
    push(0, at_edge, bits / s.rate_backhaul + s.lat_backhaul);
  } else if (copy.at[kDevice] != kInf) {
    push(0, copy.at[kDevice], bits / s.rate_up + s.lat_wireless);
  } else {
    push(1, copy.at[kCloud], bits / s.rate_backhaul + s.lat_backhaul);
  }
}

double BranchAndBound::InputsIn::end(const ScheduleState& st, int site) const {
  static const Link kInto[kSites][2] = {{kDown, kDown}, {kUp, kBackhaulDown}, {kBackhaulUp, kBackhaulUp}};
  double ready = 0.0;
  for (int lane = 0; lane < 2; ++lane) {
    if (count[lane] < 2) continue;  // one transfer alone: the fetches bound it already
    double t = st.link_free[kInto[site][lane]];
    for (int c = 0; c < count[lane]; ++c) t = std::max(t, release_[lane][c]) + seconds_[lane][c];
    ready = std::max(ready, t * (1.0 - kLoadSlack));
  }
  return ready;
}

bool BranchAndBound::refutes(const ScheduleState& st, int next, const double (*finish)[kSites],
                             double limit) const {
  return home_chain(st, next, finish, limit, limit) > limit || load_exceeds(st, next, finish, limit, true);
}

double BranchAndBound::critical_path(const ScheduleState& st, int next,
                                     double (*finish)[kSites]) const {
  const Profile& p = scheduler_.profile();
  const SystemState& s = scheduler_.state();
  const double edge_free = *std::min_element(st.edge_free, st.edge_free + p.edge_cores);
  // read[j]: a placed output already read by a remaining subtask before the current one, which
  // may have copied it elsewhere meanwhile.
  bool read[kMaxSubtasks], routed[kMaxSubtasks];
  std::fill(read, read + next, false);
  std::fill(routed, routed + next, false);
  double arrive[kMaxSubtasks][kSites];
  for (int k = next; k < p.n; ++k) {
    for (int site = 0; site < kSites; ++site) {
      // The inputs no remaining subtask before k reads are fetched as k's placement will fetch
      // them, in order on the links as they stand: later reservations and the fetches left out
      // (each bounded alone below) only delay them.
      double links[4];
      std::copy(std::begin(st.link_free), std::end(st.link_free), links);
      InputsIn inputs;
      double ready = 0.0;
      if (scheduler_.is_entry(k)) {
        Copies input{{0.0, kInf, kInf}};
        ready = scheduler_.fetch(links, input, site, s.in_bits[k]);
        if (site != kDevice) inputs.add_entry(*this, st, site, s.in_bits[k]);
      }
      for (int j : p.preds[k]) {
        double arrival = kInf;
        if (j >= next) {
          arrival = arrive[j][site];
        } else if (st.outputs[j].at[site] != kInf) {
          arrival = st.outputs[j].at[site];
        } else {
          // Its copies are known; the cheapest is one route away from one of them (the same for
          // every reader: kept from the first).
          if (!routed[j]) {
            routed[j] = true;
            for (int to = 0; to < kSites; ++to) {
              arrive[j][to] = kInf;
              for (int from = 0; from < kSites; ++from) {
                if (st.outputs[j].at[from] != kInf) {
                  arrive[j][to] = std::min(arrive[j][to], scheduler_.move_bound(st, st.outputs[j].at[from],
                                                                                from, to, s.out_bits[j]));
                }
              }
            }
          }
          inputs.add(s, site, st.outputs[j], arrive[j][kEdge], s.out_bits[j]);
          if (!read[j]) {
            Copies datum = st.outputs[j];
            arrival = scheduler_.fetch(links, datum, site, s.out_bits[j]);
          } else {
            arrival = arrive[j][site];
          }
        }
        ready = std::max(ready, arrival);
      }
      ready = std::max(ready, inputs.end(st, site));
      const double start = site == kDevice ? std::max(ready, st.device_free)
                           : site == kEdge ? std::max(ready, edge_free)
                                           : ready;
      finish[k][site] = start + scheduler_.run_seconds(k, site);
    }
    for (int j : p.preds[k]) {
      if (j < next) read[j] = true;
    }
    // k's output at each site at the earliest, from wherever it runs: what its readers wait for.
    if (!succs_[k].empty()) {
      for (int to = 0; to < kSites; ++to) {
        arrive[k][to] = kInf;
        for (int from = 0; from < kSites; ++from) {
          arrive[k][to] = std::min(arrive[k][to], scheduler_.move_bound(st, finish[k][from], from, to,
                                                                        s.out_bits[k]));
        }
      }
    }
  }
  double total = 0.0;
  for (int e : p.exits) {
    double home = kInf;
    for (int from = 0; from < kSites; ++from) {
      const double t = e < next ? st.outputs[e].at[from] : finish[e][from];
      if (t != kInf) home = std::min(home, scheduler_.move_bound(st, t, from, kDevice, s.out_bits[e]));
    }
    total = std::max(total, home);
  }
  return total;
}

double BranchAndBound::refuted_bound(const ScheduleState& st, int next, double known, double cap) const {
  // The load test refutes "a completion has T <= limit" for every limit below some threshold:
  // bisect for it between the bound already known and `cap` (refuted at cap: at least cap).
  // Its sums round in another order than the schedule's, hence the slack off the result.
  if (!prune_) return known;
  double finish[kMaxSubtasks][kSites];
  critical_path(st, next, finish);
  if (refutes(st, next, finish, cap)) return std::max(known, cap * (1.0 - kLoadSlack));
  double lo = known, hi = cap;
  for (int step = 0; step < 24 && hi - lo > 1e-6 * hi; ++step) {
    const double mid = 0.5 * (lo + hi);
    (refutes(st, next, finish, mid) ? lo : hi) = mid;
  }
  return std::max(known, lo * (1.0 - kLoadSlack));
}

double BranchAndBound::charge_transfers(const ScheduleState& st, int next, double* uplink,
                                        double* ready) const {
  const SystemState& s = scheduler_.state();
  const auto up = [&](double bits) { return bits / s.rate_up + s.lat_wireless; };
  for (int k = next; k < n_; ++k) {
    uplink[k] = scheduler_.is_entry(k) ? up(s.in_bits[k]) : 0.0;
    ready[k] = scheduler_.is_entry(k) ? 0.0 : kInf;
  }
  // A placed output on the device alone crosses the uplink if its first remaining reader is off
  // the device: charged to that reader, so each output counts at most once.
  double home_pending = 0.0;
  for (int j = 0; j < next; ++j) {
    const Copies& copy = st.outputs[j];
    if (is_exit_[j] && copy.at[kDevice] == kInf) {
      home_pending += s.out_bits[j] / s.rate_down + s.lat_wireless;
    }
    if (copy.at[kDevice] == kInf || copy.at[kEdge] != kInf) continue;
    const auto reader = std::lower_bound(succs_[j].begin(), succs_[j].end(), next);
    if (reader != succs_[j].end()) {
      uplink[*reader] += up(s.out_bits[j]);
      ready[*reader] = std::min(ready[*reader], copy.at[kDevice]);
    }
  }
  return home_pending;
}

bool BranchAndBound::load_exceeds(const ScheduleState& st, int next, const double (*finish)[kSites],
                                  double incumbent, bool with_cuts) const {
  const SystemState& s = scheduler_.state();
  const int cores = scheduler_.profile().edge_cores;
  const double limit = incumbent * (1.0 + kLoadSlack);
  double uplink[kMaxSubtasks], up_ready[kMaxSubtasks];
  const double home_pending = charge_transfers(st, next, uplink, up_ready);
  Claim edge[kMaxSubtasks], up[kMaxSubtasks], down[kMaxSubtasks];
  int edges = 0, ups = 0, downs = 0;
  bool allowed[kMaxSubtasks][kSites];
  // Each resource serves its claims no earlier than the earliest of them can use it (head) and
  // its last one still has its tail to go: the least of both over the claims that may use it.
  double head_device = kInf, tail_device = kInf, head_edge = kInf, tail_edge = kInf;
  double head_uplink = kInf, tail_uplink = kInf, tail_any_uplink = kInf;
  for (int k = next; k < n_; ++k) {
    tail_any_uplink = std::min({tail_any_uplink, scheduler_.run_seconds(k, kEdge) + tail_[k][kEdge],
                                scheduler_.run_seconds(k, kCloud) + tail_[k][kCloud]});
    bool* ok = allowed[k];
    for (int site = 0; site < kSites; ++site) ok[site] = finish[k][site] + tail_[k][site] <= limit;
    if (!ok[kDevice] && !ok[kEdge] && !ok[kCloud]) return true;
    const double on_device = scheduler_.run_seconds(k, kDevice);
    const double on_edge = scheduler_.run_seconds(k, kEdge);
    const bool off = ok[kEdge] || ok[kCloud];
    if (ok[kDevice]) {
      head_device = std::min(head_device, finish[k][kDevice] - on_device);
      tail_device = std::min(tail_device, tail_[k][kDevice]);
    }
    if (!ok[kCloud]) {
      edge[edges++] = {on_device, on_edge, ok[kDevice], ok[kEdge]};
      if (ok[kEdge]) {
        head_edge = std::min(head_edge, finish[k][kEdge] - on_edge);
        tail_edge = std::min(tail_edge, tail_[k][kEdge]);
      }
    }
    if (!off || uplink[k] > 0.0) {
      up[ups++] = {on_device, uplink[k], ok[kDevice], off};
      if (off) {
        // After its input is at the edge: its run there, or the backhaul up and its run in the cloud.
        head_uplink = std::min(head_uplink, up_ready[k]);
        tail_uplink = std::min({tail_uplink, ok[kEdge] ? on_edge + tail_[k][kEdge] : kInf,
                                ok[kCloud] ? s.lat_backhaul + scheduler_.run_seconds(k, kCloud) +
                                                 tail_[k][kCloud]
                                           : kInf});
      }
    }
    if (!off || is_exit_[k]) {
      const double home = is_exit_[k] ? s.out_bits[k] / s.rate_down + s.lat_wireless : 0.0;
      down[downs++] = {on_device, home, ok[kDevice], off};
    }
  }
  // Room left on each resource; the edge's summed over its cores, each from when it is free.
  // Each relaxation pits the device against one other resource and leaves out a subtask with a
  // way out that costs neither.
  const double room_device = limit - tail_device - std::max(st.device_free, head_device);
  double room_edge = 0.0;
  bool edge_open = false;
  for (int c = 0; c < cores; ++c) {
    const double room = limit - tail_edge - std::max(st.edge_free[c], head_edge);
    if (room >= 0.0) {
      room_edge += room;
      edge_open = true;
    }
  }
  if (!edge_open) room_edge = -1.0;
  const double room_uplink = limit - tail_uplink - std::max(st.link_free[kUp], head_uplink);
  const double room_downlink = limit - home_pending - st.link_free[kDown];
  // The cuts charge transfers any remaining subtask may read: the uplink's room without the claims'
  // head and tail.
  return forced_chains_exceed(st, next, finish, allowed, limit) ||
         overflows(room_device, room_edge, edge, edges) ||
         overflows(room_device, room_uplink, up, ups) ||
         overflows(room_device, room_downlink, down, downs) ||
         (with_cuts && (transfers_exceed(st, next, allowed, room_device,
                                         limit - tail_any_uplink - st.link_free[kUp], room_downlink) ||
                        cloud_exceeds(st, next, finish, allowed, limit, room_device)));
}

bool BranchAndBound::cloud_exceeds(const ScheduleState& st, int next, const double (*finish)[kSites],
                                   const bool (*allowed)[kSites], double limit, double room_device) const {
  // Each transfer into the cloud is followed by a run there and its tail; out of it, the placed
  // exits in the cloud alone still come down. Off it, the device's room and the edge's, the
  // edge's over every subtask that may run there, each core from when it is free.
  const SystemState& s = scheduler_.state();
  double tail_cloud = kInf, head_edge = kInf, tail_edge = kInf, pending = 0.0;
  for (int k = next; k < n_; ++k) {
    if (allowed[k][kCloud]) {
      tail_cloud = std::min(tail_cloud, scheduler_.run_seconds(k, kCloud) + tail_[k][kCloud]);
    }
    if (allowed[k][kEdge]) {
      head_edge = std::min(head_edge, finish[k][kEdge] - scheduler_.run_seconds(k, kEdge));
      tail_edge = std::min(tail_edge, tail_[k][kEdge]);
    }
  }
  if (tail_cloud == kInf) return false;
  double room_compute = std::max(room_device, 0.0);
  for (int c = 0; c < scheduler_.profile().edge_cores; ++c) {
    room_compute += std::max(limit - tail_edge - std::max(st.edge_free[c], head_edge), 0.0);
  }
  for (int e : scheduler_.profile().exits) {
    const Copies& copy = st.outputs[e];
    if (e < next && copy.at[kCloud] != kInf && copy.at[kEdge] == kInf) {
      pending += s.out_bits[e] / s.rate_backhaul + s.lat_backhaul;
    }
  }
  return cloud_transfers_exceed(st, next, allowed, room_compute,
                                limit - tail_cloud - st.link_free[kBackhaulUp],
                                limit - pending - st.link_free[kBackhaulDown]);
}

bool BranchAndBound::forced_chains_exceed(const ScheduleState& st, int next,
                                          const double (*finish)[kSites],
                                          const bool (*allowed)[kSites], double limit) const {
  // A subtask left with one site runs there; the device's core, the edge's cores and the
  // uplink serve in index order. Replaying only the forced subtasks on them (each no earlier
  // than its critical-path finish) leaves out work that could only delay the rest, so each
  // finish, plus its tail, is a bound on T. max(t + run, finish) rounds as the schedule does.
  const SystemState& s = scheduler_.state();
  const int cores = scheduler_.profile().edge_cores;
  double device = st.device_free, uplink = st.link_free[kUp];
  double edge[kMaxEdgeCores];
  std::copy(st.edge_free, st.edge_free + cores, edge);
  for (int k = next; k < n_; ++k) {
    const bool* ok = allowed[k];
    if (ok[kDevice] && !ok[kEdge] && !ok[kCloud]) {
      device = std::max(device + scheduler_.run_seconds(k, kDevice), finish[k][kDevice]);
      if (device + tail_[k][kDevice] > limit) return true;
    } else if (ok[kEdge] && !ok[kDevice] && !ok[kCloud]) {
      double* core = std::min_element(edge, edge + cores);
      *core = std::max(*core + scheduler_.run_seconds(k, kEdge), finish[k][kEdge]);
      if (*core + tail_[k][kEdge] > limit) return true;
    }
    if (!ok[kDevice] && scheduler_.is_entry(k)) {
      // Off the device, an entry's input is the first thing it sends up.
      uplink = std::max(uplink, 0.0) + (s.in_bits[k] / s.rate_up + s.lat_wireless);
      const double edge_way = uplink + scheduler_.run_seconds(k, kEdge) + tail_[k][kEdge];
      const double cloud_way = scheduler_.move_bound(st, uplink, kEdge, kCloud, s.in_bits[k]) +
                               scheduler_.run_seconds(k, kCloud) + tail_[k][kCloud];
      if ((!ok[kEdge] || edge_way > limit) && (!ok[kCloud] || cloud_way > limit)) return true;
    }
  }
  return false;
}

bool BranchAndBound::prefix_after_incumbent(int depth) const {
  for (int k = 0; k <= depth; ++k) {
    if (path_[k] != best_[k]) return path_[k] > best_[k];
  }
  return false;
}

bool BranchAndBound::path_before_incumbent() const {
  return std::lexicographical_compare(path_.begin(), path_.end(), best_.begin(), best_.end());
}

bool BranchAndBound::out_of_budget() {
  if (stopped_) return true;
  if (budget_.max_nodes != 0 && nodes_ >= budget_.max_nodes) stopped_ = true;
  // The clock only every 256 nodes: reading it costs about as much as a node.
  if (budget_.max_seconds > 0.0 && (nodes_ & 255) < kSites && thread_cpu_seconds() >= deadline_) {
    stopped_ = true;
  }
  return stopped_;
}

void BranchAndBound::visit(const ScheduleState& st, int i, double node_bound) {
  if (prune_ && !polished_ && nodes_ >= polish_after_) polish_incumbent();
  if (out_of_budget()) {
    // Only the few subtrees open when the budget ran out get here: worth a stronger bound.
    // Only the least of their bounds is reported: past the least so far, none needs bisecting.
    if (node_bound < open_bound_) {
      const double cap = std::min(open_bound_, best_delay_);
      open_bound_ = std::min(open_bound_, refuted_bound(st, i, node_bound, cap));
    }
    return;
  }
  ScheduleState* child = &children_[static_cast<size_t>(i) * kSites];
  double bound[kSites];
  bool beyond[kSites] = {false, false, false}, dominated[kSites] = {false, false, false};
  for (int site = 0; site < kSites; ++site) {
    // A child needs only the outputs placed so far (place() writes outputs[i] whole).
    copy_schedule(child[site], st, i, scheduler_.profile().edge_cores);
    scheduler_.place(child[site], i, site);
    ++nodes_;
    if (i == n_ - 1) {
      const double total = scheduler_.finish(child[site]);
      path_[i] = site;
      if (total < best_delay_ || (total == best_delay_ && path_before_incumbent())) {
        best_delay_ = total;
        best_ = path_;
      }
    } else if (prune_) {
      path_[i] = site;
      // The bound first: most children it prunes need no frontier, and a child is visited only
      // if neither cuts it, whichever is asked first.
      bound[site] = lower_bound(child[site], i + 1, &beyond[site]);
      const bool pruned = beyond[site] || bound[site] > best_delay_ ||
                          (bound[site] == best_delay_ && prefix_after_incumbent(i));
      dominated[site] = !pruned && dominance_.dominated(child[site], i, path_.data());
      if (dominated[site]) bound[site] = kInf;
    } else {
      bound[site] = 0.0;
    }
  }
  if (i == n_ - 1) return;
  // Most promising first: a good incumbent early prunes more. The prefix test keeps tied
  // placements that come earlier alive, so the order cannot change the answer.
  int order[kSites] = {0, 1, 2};
  if (site_order_) {
    std::copy(site_order_ + i * kSites, site_order_ + (i + 1) * kSites, order);
  } else {
    std::stable_sort(order, order + kSites, [&](int a, int b) { return bound[a] < bound[b]; });
  }
  for (int site : order) {
    path_[i] = site;
    if (!prune_) {
      visit(child[site], i + 1, bound[site]);
      continue;
    }
    if (dominated[site]) continue;
    if (beyond[site] || bound[site] > best_delay_ ||
        (bound[site] == best_delay_ && prefix_after_incumbent(i))) {
      continue;
    }
    // Only visited frontiers are kept: the pruned ones, far more, would crowd them out of the
    // table and cut fewer nodes (measured at N = 30). A small search keeps none: the table's
    // memory would cost it more than the nodes it saves.
    if (nodes_ >= kDominanceAfter) dominance_.insert(i, path_.data());
    visit(child[site], i + 1, bound[site]);
  }
}

void BranchAndBound::take_incumbent(const SystemState& state, const int8_t* hint) {
  best_delay_ = greedy_.decide(state, best_.data());
  if (!hint) return;
  std::copy(hint, hint + n_, scratch_.begin());
  offer_incumbent(delay_model_.delay(state, scratch_.data()), scratch_);
}

void BranchAndBound::offer_incumbent(double delay, const std::vector<int>& placement) {
  if (delay < best_delay_ || (delay == best_delay_ &&
                              std::lexicographical_compare(placement.begin(), placement.end(),
                                                           best_.begin(), best_.end()))) {
    best_delay_ = delay;
    best_ = placement;
  }
}

double BranchAndBound::solve(const SystemState& state, int* placement, SearchStats* stats,
                             const SearchBudget& budget, const SearchHints& hints) {
  scheduler_.set_state(state);
  nodes_ = 0;
  budget_ = budget;
  site_order_ = hints.site_order;
  deadline_ = thread_cpu_seconds() + budget.max_seconds;
  stopped_ = false;
  polished_ = false;
  polish_after_ = n_ > kPolishFirstAbove ? 0 : kPolishAfter;
  open_bound_ = kInf;
  if (prune_) {
    dominance_.reset(state);
    take_incumbent(state, hints.incumbent);
    compute_tails();
  } else {
    best_delay_ = kInf;
    std::fill(best_.begin(), best_.end(), 0);
  }
  ScheduleState root;
  scheduler_.reset(root);
  bool unused;
  visit(root, 0, prune_ ? lower_bound(root, 0, &unused) : 0.0);
  std::copy(best_.begin(), best_.end(), placement);
  if (stats) {
    stats->nodes = nodes_;
    stats->certified = !stopped_;
    stats->lower_bound = stopped_ ? std::min(open_bound_, best_delay_) : best_delay_;
  }
  return best_delay_;
}

ExactSolver::ExactSolver(const Profile& profile)
    : profile_(profile), chain_(is_chain(profile)), search_(profile) {}

double ExactSolver::solve(const SystemState& state, int* placement, SearchStats* stats,
                          const SearchBudget& budget, const SearchHints& hints) {
  if (chain_) {
    const double optimal = chain_dp(profile_, state, placement);
    if (stats) *stats = SearchStats{0, optimal, true};
    return optimal;
  }
  return search_.solve(state, placement, stats, budget, hints);
}

}  // namespace kdo
