#include <algorithm>
#include <iterator>

#include "solvers.hpp"

namespace kdo {

void copy_schedule(ScheduleState& to, const ScheduleState& from, int outputs, int edge_cores) {
  std::copy(std::begin(from.link_free), std::end(from.link_free), to.link_free);
  to.device_free = from.device_free;
  std::copy(from.edge_free, from.edge_free + edge_cores, to.edge_free);
  std::copy(from.outputs, from.outputs + outputs, to.outputs);
}

int earliest_site(const Scheduler& scheduler, const ScheduleState& current, int i, bool is_exit,
                  ScheduleState* option) {
  int best = 0;
  double best_done = 0.0;
  for (int site = 0; site < kSites; ++site) {
    copy_schedule(option[site], current, scheduler.profile().n, scheduler.profile().edge_cores);
    double done = scheduler.place(option[site], i, site);
    if (is_exit) done = scheduler.exit_arrival(option[site], i);
    if (site == 0 || done < best_done) {  // strict: the lower site keeps a tie
      best = site;
      best_done = done;
    }
  }
  return best;
}

double Greedy::decide(const SystemState& state, int* placement) {
  const Profile& p = scheduler_.profile();
  scheduler_.set_state(state);
  scheduler_.reset(current_);
  size_t next_exit = 0;
  for (int i = 0; i < p.n; ++i) {
    const bool is_exit = next_exit < p.exits.size() && p.exits[next_exit] == i;
    next_exit += is_exit;
    const int best = earliest_site(scheduler_, current_, i, is_exit, option_);
    placement[i] = best;
    copy_schedule(current_, option_[best], p.n, p.edge_cores);
  }
  return scheduler_.finish(current_);
}

}  // namespace kdo
