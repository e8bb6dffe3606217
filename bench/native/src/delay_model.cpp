#include "delay_model.hpp"

#include <algorithm>
#include <limits>

namespace kdo {
namespace {
constexpr double kNever = std::numeric_limits<double>::infinity();
}

DelayModel::DelayModel(const Profile& profile)
    : profile_(profile), edge_free_(profile.edge_cores), outputs_(profile.n) {}

double DelayModel::hop(Link link, double data_ready, double bits) {
  // Grouped as in delay.py: start + (bits / rate + lat).
  const double end = std::max(data_ready, link_free_[link]) + (bits / rate_[link] + lat_[link]);
  link_free_[link] = end;
  return end;
}

double DelayModel::fetch(Copies& datum, int site, double bits) {
  if (datum.at[site] != kNever) return datum.at[site];
  if (site == kEdge) {
    // Not at the edge, so only at its origin.
    datum.at[kEdge] = datum.at[kDevice] != kNever ? hop(kUp, datum.at[kDevice], bits)
                                                  : hop(kBackhaulDown, datum.at[kCloud], bits);
    return datum.at[kEdge];
  }
  const bool to_device = site == kDevice;
  if (datum.at[kEdge] == kNever) {
    // Device <-> cloud is store-and-forward through the edge, which keeps the relayed copy.
    const int far = to_device ? kCloud : kDevice;
    datum.at[kEdge] = hop(to_device ? kBackhaulDown : kUp, datum.at[far], bits);
  }
  datum.at[site] = hop(to_device ? kDown : kBackhaulUp, datum.at[kEdge], bits);
  return datum.at[site];
}

double DelayModel::run_on_core(int site, double ready, double run_s) {
  if (site == kDevice) {
    device_free_ = std::max(ready, device_free_) + run_s;
    return device_free_;
  }
  if (site == kEdge) {
    // The core that frees first; min_element keeps the lowest index on a tie.
    auto core = std::min_element(edge_free_.begin(), edge_free_.end());
    *core = std::max(ready, *core) + run_s;
    return *core;
  }
  return ready + run_s;  // the cloud has a core for everyone
}

double DelayModel::delay(const SystemState& state, const int* placement) {
  rate_[kUp] = state.rate_up;
  rate_[kDown] = state.rate_down;
  rate_[kBackhaulUp] = rate_[kBackhaulDown] = state.rate_backhaul;
  lat_[kUp] = lat_[kDown] = state.lat_wireless;
  lat_[kBackhaulUp] = lat_[kBackhaulDown] = state.lat_backhaul;
  std::fill(std::begin(link_free_), std::end(link_free_), 0.0);
  device_free_ = 0.0;
  std::fill(edge_free_.begin(), edge_free_.end(), 0.0 + state.edge_wait);
  // delay.py multiplies by a precomputed reciprocal clock; so do we, for identical rounding.
  const double seconds_per_cycle[kSites] = {1.0 / state.f_device, 1.0 / state.f_edge,
                                            1.0 / state.f_cloud};

  size_t next_entry = 0;
  for (int i = 0; i < profile_.n; ++i) {
    const int site = placement[i];
    double ready = 0.0;
    if (next_entry < profile_.entries.size() && profile_.entries[next_entry] == i) {
      ++next_entry;
      Copies device_input{{0.0, kNever, kNever}};
      ready = std::max(ready, fetch(device_input, site, state.in_bits[i]));
    }
    for (int j : profile_.preds[i]) {
      ready = std::max(ready, fetch(outputs_[j], site, state.out_bits[j]));
    }
    const double finish = run_on_core(site, ready, state.cycles[i] * seconds_per_cycle[site]);
    outputs_[i] = Copies{{kNever, kNever, kNever}};
    outputs_[i].at[site] = finish;
  }
  double total = 0.0;
  for (int e : profile_.exits) {
    total = std::max(total, fetch(outputs_[e], kDevice, state.out_bits[e]));
  }
  return total;
}

}  // namespace kdo
