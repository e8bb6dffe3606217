#include "bound_transfers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "solvers.hpp"

namespace kdo {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kSource = 0, kSink = 1;  // the device's side and the side off it
// The weightings tried first, (device, uplink, downlink): each pair, then all three; then a few
// steps from (1, 1, 1) toward the resources the least cut overloads.
constexpr double kWeights[][3] = {{1, 1, 0}, {1, 0, 1}, {1, 1, 1}};
constexpr int kAscentSteps = 8;
constexpr double kAscentRate = 2.0;
}  // namespace

int TransferCut::add_node() {
  if (static_cast<int>(out_.size()) <= nodes_) out_.emplace_back();
  out_[nodes_].clear();
  return nodes_++;
}

void TransferCut::add_arc(int from, int to, double cap, int resource, double seconds) {
  out_[from].push_back(static_cast<int>(arcs_.size()));
  arcs_.push_back({to, cap, resource, seconds});
  out_[to].push_back(static_cast<int>(arcs_.size()));
  arcs_.push_back({from, 0.0, -1, 0.0});
}

void TransferCut::build(const TransferCosts& c, double w_device, double w_up, double w_down) {
  arcs_.clear();
  nodes_ = 0;
  add_node();
  add_node();
  for (int k = 0; k < c.count; ++k) add_node();
  const auto node = [](int k) { return 2 + k; };
  for (int k = 0; k < c.count; ++k) {
    // An arc from the device's side to the other is paid when it is cut.
    add_arc(node(k), kSink, c.site[k] == 2 ? kInf : w_device * c.device_s[k], 0, c.device_s[k]);
    if (c.site[k] == 1) {
      add_arc(kSource, node(k), kInf, -1, 0.0);
      continue;
    }
    // Off the device: an entry's input up, an exit's output home, an arc for each.
    if (c.entry_up_s[k] > 0.0) add_arc(kSource, node(k), w_up * c.entry_up_s[k], 1, c.entry_up_s[k]);
    if (c.exit_down_s[k] > 0.0) add_arc(kSource, node(k), w_down * c.exit_down_s[k], 2, c.exit_down_s[k]);
  }
  for (int d = 0; d < c.ups; ++d) {
    // Paid when the output is on the device's side and a reader is not.
    const TransferCosts::Datum& datum = c.up[d];
    const int sent = add_node();
    add_arc(datum.source < 0 ? kSource : node(datum.source), sent, w_up * datum.seconds, 1, datum.seconds);
    for (int r = 0; r < datum.readers; ++r) {
      add_arc(sent, node(c.reader_index[datum.first_reader + r]), kInf, -1, 0.0);
    }
  }
  for (int d = 0; d < c.downs; ++d) {
    // Paid when the output is off the device and a reader is on it.
    const TransferCosts::Datum& datum = c.down[d];
    const int sent = add_node();
    add_arc(sent, datum.source < 0 ? kSink : node(datum.source), w_down * datum.seconds, 2, datum.seconds);
    for (int r = 0; r < datum.readers; ++r) {
      add_arc(node(c.reader_index[datum.first_reader + r]), sent, kInf, -1, 0.0);
    }
  }
}

double TransferCut::max_flow(double stop) {
  // Edmonds-Karp: shortest augmenting paths; the graphs have at most a few hundred arcs.
  double flow = 0.0;
  parent_arc_.resize(nodes_);
  while (flow <= stop) {
    std::fill(parent_arc_.begin(), parent_arc_.end(), -1);
    queue_.assign(1, kSource);
    for (size_t head = 0; head < queue_.size() && parent_arc_[kSink] < 0; ++head) {
      for (int a : out_[queue_[head]]) {
        const int to = arcs_[a].to;
        if (to != kSource && parent_arc_[to] < 0 && arcs_[a].cap > 0.0) {
          parent_arc_[to] = a;
          queue_.push_back(to);
        }
      }
    }
    if (parent_arc_[kSink] < 0) break;
    double push = kInf;
    for (int v = kSink; v != kSource; v = arcs_[parent_arc_[v] ^ 1].to) push = std::min(push, arcs_[parent_arc_[v]].cap);
    if (push == kInf) return kInf;
    for (int v = kSink; v != kSource; v = arcs_[parent_arc_[v] ^ 1].to) {
      arcs_[parent_arc_[v]].cap -= push;
      arcs_[parent_arc_[v] ^ 1].cap += push;
    }
    flow += push;
  }
  return flow;
}

void TransferCut::cut_loads(double* load) {
  // The least cut's side of the device: what the source still reaches in the residual graph.
  std::fill(load, load + 3, 0.0);
  reached_.assign(nodes_, 0);
  queue_.assign(1, kSource);
  reached_[kSource] = 1;
  for (size_t head = 0; head < queue_.size(); ++head) {
    for (int a : out_[queue_[head]]) {
      const int to = arcs_[a].to;
      if (!reached_[to] && arcs_[a].cap > 0.0) {
        reached_[to] = 1;
        queue_.push_back(to);
      }
    }
  }
  for (size_t a = 0; a < arcs_.size(); a += 2) {
    const int from = arcs_[a ^ 1].to;
    if (arcs_[a].resource >= 0 && reached_[from] && !reached_[arcs_[a].to]) {
      load[arcs_[a].resource] += arcs_[a].seconds;
    }
  }
}

bool TransferCut::exceeds(const TransferCosts& costs, double room_device, double room_up,
                          double room_down) {
  const double rooms[3] = {room_device, room_up, room_down};
  const auto refuted = [&](const double* w) {
    // Every flow is at most the least cut; the rooms' sums round in another order than the
    // schedule's, hence the load test's slack.
    const double stop =
        (w[0] * rooms[0] + w[1] * rooms[1] + w[2] * rooms[2]) * (1.0 + BranchAndBound::kLoadSlack);
    build(costs, w[0], w[1], w[2]);
    return max_flow(stop) > stop;
  };
  for (const auto& w : kWeights) {
    if (refuted(w)) return true;
  }
  // Any weights make a valid test: a few multiplicative steps toward the resources that the least
  // cut of the last weights loads past their rooms (the subgradient of cut less rooms).
  double w[3] = {1.0, 1.0, 1.0};
  const double scale = std::max({rooms[0], rooms[1], rooms[2], 1e-12});
  for (int step = 0; step < kAscentSteps; ++step) {
    double load[3];
    cut_loads(load);
    for (int r = 0; r < 3; ++r) {
      w[r] *= std::exp(std::clamp(kAscentRate * (load[r] - rooms[r]) / scale, -8.0, 8.0));
    }
    if (refuted(w)) return true;
  }
  return false;
}

bool BranchAndBound::transfers_exceed(const ScheduleState& st, int next,
                                      const bool (*allowed)[kSites], double room_device,
                                      double room_up, double room_down) const {
  const SystemState& s = scheduler_.state();
  const auto up = [&](double bits) { return bits / s.rate_up + s.lat_wireless; };
  const auto down = [&](double bits) { return bits / s.rate_down + s.lat_wireless; };
  const int count = n_ - next;
  double device_s[kMaxSubtasks], entry_up_s[kMaxSubtasks], exit_down_s[kMaxSubtasks];
  signed char site[kMaxSubtasks];
  for (int k = next; k < n_; ++k) {
    const bool* ok = allowed[k];
    const int r = k - next;
    device_s[r] = scheduler_.run_seconds(k, kDevice);
    entry_up_s[r] = scheduler_.is_entry(k) ? up(s.in_bits[k]) : 0.0;
    exit_down_s[r] = is_exit_[k] ? down(s.out_bits[k]) : 0.0;
    site[r] = !ok[kDevice] ? 2 : (!ok[kEdge] && !ok[kCloud]) ? 1 : 0;
  }
  TransferCosts::Datum ups[kMaxSubtasks], downs[kMaxSubtasks];
  int reader_index[kMaxSubtasks * kMaxSubtasks];
  int up_count = 0, down_count = 0, readers = 0;
  for (int j = 0; j < n_; ++j) {
    const auto first = std::lower_bound(succs_[j].begin(), succs_[j].end(), next);
    const int count_readers = static_cast<int>(succs_[j].end() - first);
    if (count_readers == 0) continue;
    const bool placed = j < next;
    const Copies& copy = st.outputs[j];
    const bool may_go_up = !placed || (copy.at[kDevice] != kInf && copy.at[kEdge] == kInf);
    const bool may_come_down = !placed || copy.at[kDevice] == kInf;
    if (!may_go_up && !may_come_down) continue;
    const int from = readers;
    for (auto i = first; i != succs_[j].end(); ++i) reader_index[readers++] = *i - next;
    const int source = placed ? -1 : j - next;
    if (may_go_up) ups[up_count++] = {source, up(s.out_bits[j]), from, count_readers};
    if (may_come_down) downs[down_count++] = {source, down(s.out_bits[j]), from, count_readers};
  }
  const TransferCosts costs{count, device_s, entry_up_s, exit_down_s, site,
                            ups, up_count, downs, down_count, reader_index};
  return transfer_cut_.exceeds(costs, std::max(room_device, 0.0), std::max(room_up, 0.0),
                               std::max(room_down, 0.0));
}

bool BranchAndBound::cloud_transfers_exceed(const ScheduleState& st, int next,
                                            const bool (*allowed)[kSites], double room_compute,
                                            double room_bh_up, double room_bh_down) const {
  // The same cut with the cloud as the far side: off the cloud a subtask takes the device's core
  // or an edge core (at least the faster of its two runs, against both rooms together); an output
  // off the cloud that a subtask in it reads (an entry's input, for an entry in it) crosses the
  // backhaul up once, one in the cloud that a subtask off it reads (an exit's, for an exit in it)
  // the backhaul down once.
  const SystemState& s = scheduler_.state();
  const auto hop = [&](double bits) { return bits / s.rate_backhaul + s.lat_backhaul; };
  const int count = n_ - next;
  double compute_s[kMaxSubtasks], entry_up_s[kMaxSubtasks], exit_down_s[kMaxSubtasks];
  signed char site[kMaxSubtasks];
  for (int k = next; k < n_; ++k) {
    const bool* ok = allowed[k];
    const int r = k - next;
    compute_s[r] = std::min(ok[kDevice] ? scheduler_.run_seconds(k, kDevice) : kInf,
                            ok[kEdge] ? scheduler_.run_seconds(k, kEdge) : kInf);
    entry_up_s[r] = scheduler_.is_entry(k) ? hop(s.in_bits[k]) : 0.0;
    exit_down_s[r] = is_exit_[k] ? hop(s.out_bits[k]) : 0.0;
    site[r] = !ok[kDevice] && !ok[kEdge] ? 2 : !ok[kCloud] ? 1 : 0;
  }
  TransferCosts::Datum ups[kMaxSubtasks], downs[kMaxSubtasks];
  int reader_index[kMaxSubtasks * kMaxSubtasks];
  int up_count = 0, down_count = 0, readers = 0;
  for (int j = 0; j < n_; ++j) {
    const auto first = std::lower_bound(succs_[j].begin(), succs_[j].end(), next);
    const int count_readers = static_cast<int>(succs_[j].end() - first);
    if (count_readers == 0) continue;
    const bool placed = j < next;
    const Copies& copy = st.outputs[j];
    const bool may_go_up = !placed || copy.at[kCloud] == kInf;
    const bool may_come_down = !placed || (copy.at[kCloud] != kInf && copy.at[kEdge] == kInf);
    if (!may_go_up && !may_come_down) continue;
    const int from = readers;
    for (auto i = first; i != succs_[j].end(); ++i) reader_index[readers++] = *i - next;
    const int source = placed ? -1 : j - next;
    if (may_go_up) ups[up_count++] = {source, hop(s.out_bits[j]), from, count_readers};
    if (may_come_down) downs[down_count++] = {source, hop(s.out_bits[j]), from, count_readers};
  }
  const TransferCosts costs{count, compute_s, entry_up_s, exit_down_s, site,
                            ups, up_count, downs, down_count, reader_index};
  return transfer_cut_.exceeds(costs, std::max(room_compute, 0.0), std::max(room_bh_up, 0.0),
                               std::max(room_bh_down, 0.0));
}

}  // namespace kdo
