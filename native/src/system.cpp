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
  }
  return 0.0;
}

}  // namespace kdo
