#include "bound_transfers.hpp"

#include <algorithm>
#include <limits>

#include "solvers.hpp"

namespace kdo {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kSource = 0, kSink = 1;  // the device's side and the side off it
// The weightings tried, (device, uplink, downlink): each pair, then all three.
constexpr double kWeights[][3] = {{1, 1, 0}, {1, 0, 1}, {1, 1, 1}};
}  // namespace

int TransferCut::add_node() {
  if (static_cast<int>(out_.size()) <= nodes_) out_.emplace_back();
  out_[nodes_].clear();
  return nodes_++;
}

void TransferCut::add_arc(int from, int to, double cap) {
  out_[from].push_back(static_cast<int>(arcs_.size()));
  arcs_.push_back({to, cap});
  out_[to].push_back(static_cast<int>(arcs_.size()));
  arcs_.push_back({from, 0.0});
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
    add_arc(node(k), kSink, c.site[k] == 2 ? kInf : w_device * c.device_s[k]);
    const double off = w_up * c.entry_up_s[k] + w_down * c.exit_down_s[k];
    if (c.site[k] == 1 || off > 0.0) add_arc(kSource, node(k), c.site[k] == 1 ? kInf : off);
  }
  for (int d = 0; d < c.ups; ++d) {
    // Paid when the output is on the device's side and a reader is not.
    const TransferCosts::Datum& datum = c.up[d];
    const int sent = add_node();
    add_arc(datum.source < 0 ? kSource : node(datum.source), sent, w_up * datum.seconds);
    for (int r = 0; r < datum.readers; ++r) add_arc(sent, node(c.reader_index[datum.first_reader + r]), kInf);
  }
  for (int d = 0; d < c.downs; ++d) {
    // Paid when the output is off the device and a reader is on it.
    const TransferCosts::Datum& datum = c.down[d];
    const int sent = add_node();
    add_arc(sent, datum.source < 0 ? kSink : node(datum.source), w_down * datum.seconds);
    for (int r = 0; r < datum.readers; ++r) add_arc(node(c.reader_index[datum.first_reader + r]), sent, kInf);
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

bool TransferCut::exceeds(const TransferCosts& costs, double room_device, double room_up,
                          double room_down) {
  for (const auto& w : kWeights) {
    // Every flow is at most the least cut; the rooms' sums round in another order than the
    // schedule's, hence the load test's slack.
    const double rooms = w[0] * room_device + w[1] * room_up + w[2] * room_down;
    const double stop = rooms * (1.0 + BranchAndBound::kLoadSlack);
    build(costs, w[0], w[1], w[2]);
    if (max_flow(stop) > stop) return true;
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

}  // namespace kdo
