// The exits' ways home as a bound of the branch and bound (BranchAndBound::home_chain).
#include <algorithm>
#include <limits>

#include "solvers.hpp"

namespace kdo {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
// Free exits (device or home over the links) whose choices are enumerated; any beyond are left
// out, which only lowers the bound.
constexpr int kMaxFreeExits = 5;

enum class Way { kPlaced, kEdgeHome, kCloudHome, kDevice, kFree };
}  // namespace

struct BranchAndBound::ExitWay {
  int exit;
  Way way;
  Way off;         // for a free exit: how it comes home if not on the device
  double at_edge;  // kEdgeHome: when its output can be at the edge at the earliest
};

double BranchAndBound::home_chain(const ScheduleState& st, int next, const double (*finish)[kSites],
                                  double limit, double floor) const {
  // The exits' ways home come after everything else, one at a time in exit order on the
  // downlink (and the backhaul down). A placed exit's copies are final (an exit has no reader),
  // so its transfers are replayed exactly on the links as they stand, which later reservations
  // only delay. An unplaced exit's sites whose finish plus way home passes `limit` are ruled out
  // (with the load test's slack: the tails sum in another order); one that may still run on the
  // device or go home is free, and each choice of the free exits is replayed, the device taking
  // those on it in index order. The least replay is a bound on T, or T > limit everywhere.
  const double slack_limit = limit * (1.0 + kLoadSlack);
  ExitWay ways[kMaxSubtasks];
  int count = 0, free = 0;
  for (int e : scheduler_.profile().exits) {
    if (e < next) {
      ways[count++] = {e, Way::kPlaced, Way::kPlaced, 0.0};
      continue;
    }
    const bool device_ok = finish[e][kDevice] <= limit;
    const bool edge_ok = finish[e][kEdge] + tail_[e][kEdge] <= slack_limit;
    const bool cloud_ok = finish[e][kCloud] + tail_[e][kCloud] <= slack_limit;
    if (!device_ok && !edge_ok && !cloud_ok) return kInf;
    const Way off = !edge_ok && !cloud_ok ? Way::kDevice
                    : edge_ok            ? Way::kEdgeHome
                                         : Way::kCloudHome;
    const double at_edge =
        !cloud_ok ? finish[e][kEdge]
                  : std::min(edge_ok ? finish[e][kEdge] : kInf,
                             scheduler_.move_bound(st, finish[e][kCloud], kCloud, kEdge,
                                                   scheduler_.state().out_bits[e]));
    if (!device_ok || off == Way::kDevice) {
      ways[count++] = {e, device_ok ? Way::kDevice : off, off, at_edge};
    } else if (free < kMaxFreeExits) {
      ways[count++] = {e, Way::kFree, off, at_edge};
      ++free;
    }
  }
  double least = kInf;
  for (unsigned choice = 0; choice < (1u << free) && least > floor; ++choice) {
    least = std::min(least, replay_home(st, finish, ways, count, choice));
  }
  return least;
}

double BranchAndBound::replay_home(const ScheduleState& st, const double (*finish)[kSites],
                                   const ExitWay* ways, int count, unsigned on_device) const {
  const SystemState& s = scheduler_.state();
  double link_free[4];
  std::copy(std::begin(st.link_free), std::end(st.link_free), link_free);
  double device = st.device_free, total = 0.0;
  int free = 0;
  for (int w = 0; w < count; ++w) {
    const int e = ways[w].exit;
    Way way = ways[w].way;
    if (way == Way::kFree) way = (on_device >> free++) & 1u ? Way::kDevice : ways[w].off;
    if (way == Way::kPlaced) {
      Copies datum = st.outputs[e];
      total = std::max(total, scheduler_.fetch(link_free, datum, kDevice, s.out_bits[e]));
    } else if (way == Way::kCloudHome) {
      Copies datum{{kInf, kInf, finish[e][kCloud]}};
      total = std::max(total, scheduler_.fetch(link_free, datum, kDevice, s.out_bits[e]));
    } else if (way == Way::kEdgeHome) {
      // As Scheduler's hop: start + (bits / rate + latency).
      link_free[kDown] = std::max(ways[w].at_edge, link_free[kDown]) +
                         (s.out_bits[e] / s.rate_down + s.lat_wireless);
      total = std::max(total, link_free[kDown]);
    } else {
      // On the device, whose core runs them in index order: max(t + run, finish) rounds as
      // the schedule's max(ready, t) + run does.
      device = std::max(device + scheduler_.run_seconds(e, kDevice), finish[e][kDevice]);
      total = std::max(total, device);
    }
  }
  return total;
}

}  // namespace kdo
