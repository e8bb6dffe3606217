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

namespace {

// What scheduling subtask i may change besides its own output: the links, the cores and the
// copies of its inputs. Trying a site and undoing it copies these few values, not the schedule.
struct Touched {
  double link_free[4];
  double device_free;
  double edge_free[kMaxEdgeCores];
  Copies inputs[kMaxSubtasks];
};

void save(const ScheduleState& st, const std::vector<int>& preds, int cores, Touched& t) {
  std::copy(std::begin(st.link_free), std::end(st.link_free), t.link_free);
  t.device_free = st.device_free;
  std::copy(st.edge_free, st.edge_free + cores, t.edge_free);
  for (size_t p = 0; p < preds.size(); ++p) t.inputs[p] = st.outputs[preds[p]];
}

void restore(ScheduleState& st, const std::vector<int>& preds, int cores, const Touched& t) {
  std::copy(std::begin(t.link_free), std::end(t.link_free), st.link_free);
  st.device_free = t.device_free;
  std::copy(t.edge_free, t.edge_free + cores, st.edge_free);
  for (size_t p = 0; p < preds.size(); ++p) st.outputs[preds[p]] = t.inputs[p];
}

}  // namespace

int earliest_site(const Scheduler& scheduler, ScheduleState& schedule, int i, bool is_exit) {
  const std::vector<int>& preds = scheduler.profile().preds[i];
  const int cores = scheduler.profile().edge_cores;
  Touched before;
  save(schedule, preds, cores, before);
  int best = 0;
  double best_done = 0.0;
  for (int site = 0; site < kSites; ++site) {
    if (site > 0) restore(schedule, preds, cores, before);
    double done = scheduler.place(schedule, i, site);
    if (is_exit) done = scheduler.exit_arrival(schedule, i);
    if (site == 0 || done < best_done) {  // strict: the lower site keeps a tie
      best = site;
      best_done = done;
    }
  }
  if (best != kSites - 1) {
    // place is a function of the schedule before it: placing again gives the same schedule.
    restore(schedule, preds, cores, before);
    scheduler.place(schedule, i, best);
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
    placement[i] = earliest_site(scheduler_, current_, i, is_exit);
  }
  return scheduler_.finish(current_);
}

}  // namespace kdo
