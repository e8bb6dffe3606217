#include "delay_model.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace kdo {
namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
}

Scheduler::Scheduler(const Profile& profile) : profile_(profile), is_entry_(profile.n, 0) {
  if (profile.n < 1 || profile.n > kMaxSubtasks) {
    throw std::invalid_argument("profile " + profile.name + ": n must be 1.." +
                                std::to_string(kMaxSubtasks));
  }
  if (profile.edge_cores < 1 || profile.edge_cores > kMaxEdgeCores) {
    throw std::invalid_argument("profile " + profile.name + ": edge_cores must be 1.." +
                                std::to_string(kMaxEdgeCores));
  }
  for (int e : profile.entries) is_entry_[e] = 1;
}

void Scheduler::set_state(const SystemState& state) {
  state_ = &state;
  rate_[kUp] = state.rate_up;
  rate_[kDown] = state.rate_down;
  rate_[kBackhaulUp] = rate_[kBackhaulDown] = state.rate_backhaul;
  lat_[kUp] = lat_[kDown] = state.lat_wireless;
  lat_[kBackhaulUp] = lat_[kBackhaulDown] = state.lat_backhaul;
  // delay.py multiplies by a precomputed reciprocal clock; so do we, for identical rounding.
  seconds_per_cycle_[kDevice] = 1.0 / state.f_device;
  seconds_per_cycle_[kEdge] = 1.0 / state.f_edge;
  seconds_per_cycle_[kCloud] = 1.0 / state.f_cloud;
}

void Scheduler::reset(ScheduleState& st) const {
  std::fill(std::begin(st.link_free), std::end(st.link_free), 0.0);
  st.device_free = 0.0;
  std::fill(st.edge_free, st.edge_free + profile_.edge_cores, 0.0 + state_->edge_wait);
}

double Scheduler::hop(double* link_free, Link link, double data_ready, double bits) const {
  // Grouped as in delay.py: start + (bits / rate + lat).
  const double end = std::max(data_ready, link_free[link]) + (bits / rate_[link] + lat_[link]);
  link_free[link] = end;
  return end;
}

double Scheduler::fetch(double* link_free, Copies& datum, int site, double bits) const {
  if (datum.at[site] != kNever) return datum.at[site];
  if (site == kEdge) {
    // Not at the edge, so only at its origin.
    datum.at[kEdge] = datum.at[kDevice] != kNever
                          ? hop(link_free, kUp, datum.at[kDevice], bits)
                          : hop(link_free, kBackhaulDown, datum.at[kCloud], bits);
    return datum.at[kEdge];
  }
  const bool to_device = site == kDevice;
  if (datum.at[kEdge] == kNever) {
    // Device <-> cloud is store-and-forward through the edge, which keeps the relayed copy.
    const int far = to_device ? kCloud : kDevice;
    datum.at[kEdge] = hop(link_free, to_device ? kBackhaulDown : kUp, datum.at[far], bits);
  }
  datum.at[site] = hop(link_free, to_device ? kDown : kBackhaulUp, datum.at[kEdge], bits);
  return datum.at[site];
}

double Scheduler::place(ScheduleState& st, int i, int site) const {
  double ready = 0.0;
  if (is_entry_[i]) {
    Copies device_input{{0.0, kNever, kNever}};
    ready = std::max(ready, fetch(st.link_free, device_input, site, state_->in_bits[i]));
  }
  for (int j : profile_.preds[i]) {
    ready = std::max(ready, fetch(st.link_free, st.outputs[j], site, state_->out_bits[j]));
  }
  const double run_s = run_seconds(i, site);
  double finish;
  if (site == kDevice) {
    finish = st.device_free = std::max(ready, st.device_free) + run_s;
  } else if (site == kEdge) {
    // The core that frees first; min_element keeps the lowest index on a tie (numpy's argmin).
    double* core = std::min_element(st.edge_free, st.edge_free + profile_.edge_cores);
    finish = *core = std::max(ready, *core) + run_s;
  } else {
    finish = ready + run_s;  // the cloud has a core for everyone
  }
  st.outputs[i] = Copies{{kNever, kNever, kNever}};
  st.outputs[i].at[site] = finish;
  return finish;
}

double Scheduler::finish(ScheduleState& st) const {
  double total = 0.0;
  for (int e : profile_.exits) {
    total = std::max(total, fetch(st.link_free, st.outputs[e], kDevice, state_->out_bits[e]));
  }
  return total;
}

double Scheduler::exit_arrival(const ScheduleState& st, int i) const {
  double link_free[4];
  std::copy(std::begin(st.link_free), std::end(st.link_free), link_free);
  Copies datum = st.outputs[i];
  return fetch(link_free, datum, kDevice, state_->out_bits[i]);
}

double Scheduler::move_bound(const ScheduleState& st, double t, int src, int dst,
                             double bits) const {
  static const Link kRoute[kSites][kSites][2] = {
      {{kUp, kUp}, {kUp, kUp}, {kUp, kBackhaulUp}},
      {{kDown, kDown}, {kUp, kUp}, {kBackhaulUp, kBackhaulUp}},
      {{kBackhaulDown, kDown}, {kBackhaulDown, kBackhaulDown}, {kUp, kUp}},
  };
  static const int kHops[kSites][kSites] = {{0, 1, 2}, {1, 0, 1}, {2, 1, 0}};
  for (int h = 0; h < kHops[src][dst]; ++h) {
    const Link link = kRoute[src][dst][h];
    t = std::max(t, st.link_free[link]) + (bits / rate_[link] + lat_[link]);
  }
  return t;
}

double DelayModel::delay(const SystemState& state, const int* placement) {
  scheduler_.set_state(state);
  scheduler_.reset(scratch_);
  for (int i = 0; i < scheduler_.profile().n; ++i) scheduler_.place(scratch_, i, placement[i]);
  return scheduler_.finish(scratch_);
}

}  // namespace kdo
