#include "system.hpp"

#include <stdexcept>

namespace kdo {

StateField parse_state_field(const std::string& name) {
  static const std::pair<const char*, StateField> kNames[] = {
      {"cycles", StateField::cycles},       {"out_bits", StateField::out_bits},
      {"in_bits", StateField::in_bits},     {"f_device", StateField::f_device},
      {"f_edge", StateField::f_edge},       {"f_cloud", StateField::f_cloud},
      {"edge_wait", StateField::edge_wait}, {"rate_up", StateField::rate_up},
      {"rate_down", StateField::rate_down}, {"lat_wireless", StateField::lat_wireless},
      {"rate_backhaul", StateField::rate_backhaul},
      {"lat_backhaul", StateField::lat_backhaul},
      {"rate_up_hmean", StateField::rate_up_hmean}, {"rate_up_min", StateField::rate_up_min},
      {"rate_up_spread", StateField::rate_up_spread},
      {"rate_down_hmean", StateField::rate_down_hmean},
      {"rate_down_min", StateField::rate_down_min},
      {"rate_down_spread", StateField::rate_down_spread},
      {"backlog_device", StateField::backlog_device}, {"backlog_up", StateField::backlog_up},
      {"backlog_down", StateField::backlog_down},
  };
  for (const auto& [known, field] : kNames) {
    if (name == known) return field;
  }
  throw std::runtime_error("feature field '" + name + "' is not a state field");
}

bool is_per_subtask(StateField field) {
  return field == StateField::cycles || field == StateField::out_bits ||
         field == StateField::in_bits;
}

static double observed_value(const SystemState& s, StateField field);

double SystemState::value(StateField field, int index) const {
  switch (field) {
    case StateField::cycles: return cycles[index];
    case StateField::out_bits: return out_bits[index];
    case StateField::in_bits: return in_bits[index];
    case StateField::f_device: return f_device;
    case StateField::f_edge: return f_edge;
    case StateField::f_cloud: return f_cloud;
    case StateField::edge_wait: return edge_wait;
    case StateField::rate_up: return rate_up;
    case StateField::rate_down: return rate_down;
    case StateField::lat_wireless: return lat_wireless;
    case StateField::rate_backhaul: return rate_backhaul;
    case StateField::lat_backhaul: return lat_backhaul;
    default: return observed_value(*this, field);
  }
}

// Without an observation the network held still at the state's rates, nothing queued
// (model/observation.py's still_observation, whose summary this is).
static double observed_value(const SystemState& s, StateField field) {
  const ObservationSummary& o = s.observed;
  switch (field) {
    case StateField::rate_up_hmean: return o.valid ? o.rate_up_hmean : s.rate_up;
    case StateField::rate_up_min: return o.valid ? o.rate_up_min : s.rate_up;
    case StateField::rate_down_hmean: return o.valid ? o.rate_down_hmean : s.rate_down;
    case StateField::rate_down_min: return o.valid ? o.rate_down_min : s.rate_down;
    case StateField::rate_up_spread: return o.rate_up_spread;
    case StateField::rate_down_spread: return o.rate_down_spread;
    case StateField::backlog_device: return o.backlog_device;
    case StateField::backlog_up: return o.backlog_up;
    case StateField::backlog_down: return o.backlog_down;
    default: break;
  }
  return 0.0;
}

}  // namespace kdo
