#include "dominance.hpp"

#include <algorithm>
#include <limits>

namespace kdo {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
// Frontiers kept per depth: buckets by copy sites, a few ways each, the oldest replaced; the
// buckets per depth as many as fit kMaxDoubles over all depths (about 32 MB), 16 to 1024.
constexpr int kWays = 4;
constexpr size_t kMaxDoubles = size_t{1} << 22;
constexpr int kResources = 5;  // four links and the device's core, before the edge's cores
}  // namespace

DominanceTable::DominanceTable(const Profile& profile, const std::vector<std::vector<int>>& succs,
                               const std::vector<bool>& is_exit)
    : n_(profile.n), cores_(profile.edge_cores), levels_(profile.n), profile_(profile) {
  size_t widest = 0;
  for (int d = 0; d < n_; ++d) {
    Level& level = levels_[d];
    for (int j = 0; j <= d; ++j) {
      if (is_exit[j]) {
        level.exits.push_back(j);
      } else if (succs[j].back() > d) {
        level.live.push_back(j);
      }
    }
    level.stride = kResources + cores_ + kSites * static_cast<int>(level.live.size() + level.exits.size());
    widest = std::max(widest, static_cast<size_t>(level.stride));
    const size_t fit = kMaxDoubles / (static_cast<size_t>(n_) * kWays * level.stride);
    level.buckets = 16;
    while (level.buckets < 1024 && static_cast<size_t>(level.buckets) * 2 <= fit) level.buckets *= 2;
  }
  widest_ = widest;
  keys_.resize(widest * kSites * static_cast<size_t>(n_));
  hashes_.resize(kSites * static_cast<size_t>(n_));
}

void DominanceTable::reset(const SystemState& state) {
  ++generation_;
  // As Scheduler::run_seconds rounds, so the least of them is no more than the one run.
  const double per_cycle[kSites] = {1.0 / state.f_device, 1.0 / state.f_edge, 1.0 / state.f_cloud};
  for (int k = 0; k < n_; ++k) {
    least_run_s_[k] = std::min({state.cycles[k] * per_cycle[0], state.cycles[k] * per_cycle[1],
                                state.cycles[k] * per_cycle[2]});
  }
  for (int e : profile_.exits) {
    down_s_[e] = state.out_bits[e] / state.rate_down + state.lat_wireless;
    backhaul_s_[e] = state.out_bits[e] / state.rate_backhaul + state.lat_backhaul;
  }
}

void DominanceTable::allocate(Level& level, int depth) {
  // Only depths the search reaches often get here, so small searches allocate little.
  level.times.reset(new double[static_cast<size_t>(level.buckets) * kWays * level.stride]);
  level.prefixes.reset(new int8_t[static_cast<size_t>(level.buckets) * kWays * (depth + 1)]);
  level.stamp.reset(new uint32_t[level.buckets]());
  level.fill.reset(new uint8_t[level.buckets]());
}

void DominanceTable::releases(const ScheduleState& st, int depth, double* link, double* core) const {
  // No later use of a resource starts before what it serves is ready: a link carries a copy
  // from where one is (or an output still to come), a core runs a subtask once its inputs are
  // in. Lower bounds on those: a placed output is ready at its earliest copy, one still to come
  // no earlier than its inputs plus its least run.
  std::fill(link, link + 4, kInf);
  *core = kInf;
  const auto earliest = [](const Copies& c) { return std::min({c.at[kDevice], c.at[kEdge], c.at[kCloud]}); };
  const auto placed = [&](const Copies& c) {
    if (c.at[kDevice] != kInf && c.at[kEdge] == kInf) link[kUp] = std::min(link[kUp], c.at[kDevice]);
    if (c.at[kCloud] == kInf) link[kBackhaulUp] = std::min(link[kBackhaulUp], earliest(c));
    if (c.at[kCloud] != kInf && c.at[kEdge] == kInf) link[kBackhaulDown] = std::min(link[kBackhaulDown], c.at[kCloud]);
    if (c.at[kDevice] == kInf) link[kDown] = std::min(link[kDown], earliest(c));
  };
  const Level& level = levels_[depth];
  for (int j : level.live) placed(st.outputs[j]);
  for (int e : level.exits) placed(st.outputs[e]);
  double ready[kMaxSubtasks];
  for (int k = depth + 1; k < n_; ++k) {
    double r = 0.0;
    for (int j : profile_.preds[k]) r = std::max(r, j <= depth ? earliest(st.outputs[j]) : ready[j] + least_run_s_[j]);
    ready[k] = r;
    *core = std::min(*core, r);
    for (int l = 0; l < 4; ++l) link[l] = std::min(link[l], r + least_run_s_[k]);
    if (profile_.preds[k].empty()) link[kUp] = link[kBackhaulUp] = 0.0;  // its device input
  }
}

uint64_t DominanceTable::frontier(const ScheduleState& st, int depth, double* key) const {
  const Level& level = levels_[depth];
  // A free time before the resource's next possible use is as good as that use's time: every
  // use starts at max(ready, free).
  double link[4], core;
  releases(st, depth, link, &core);
  for (int l = 0; l < 4; ++l) key[l] = std::max(st.link_free[l], link[l]);
  key[4] = std::max(st.device_free, core);
  // The edge's cores are interchangeable: the schedule takes the one that frees first, and the
  // sorted free times evolve the same whichever index it has.
  for (int c = 0; c < cores_; ++c) key[kResources + c] = std::max(st.edge_free[c], core);
  std::sort(key + kResources, key + kResources + cores_);
  double* copies = key + kResources + cores_;
  uint64_t sites = 0x9e3779b97f4a7c15ULL;
  for (int j : level.live) {
    for (int s = 0; s < kSites; ++s) {
      *copies++ = st.outputs[j].at[s];
      sites = (sites ^ (st.outputs[j].at[s] != kInf)) * 0x100000001b3ULL;
    }
  }
  for (int e : level.exits) copies = std::copy(st.outputs[e].at, st.outputs[e].at + kSites, copies);
  return sites ^ (sites >> 29);
}

bool DominanceTable::no_later(const Level& level, const double* a, const double* b) const {
  const int resources = kResources + cores_;
  for (int k = 0; k < resources; ++k) {
    if (a[k] > b[k]) return false;
  }
  // The copy rule chooses a route by which sites hold a copy: those must be the same.
  const int live_end = resources + kSites * static_cast<int>(level.live.size());
  for (int k = resources; k < live_end; ++k) {
    if (a[k] > b[k] || ((a[k] == kInf) != (b[k] == kInf))) return false;
  }
  // An exit has one copy and only goes home: one nearer home, no later than the other could
  // get there, only spares links (its arrival is max(ready, link) + hop, at least ready + hop).
  const double* ea = a + live_end;
  const double* eb = b + live_end;
  for (int e : level.exits) {
    const int sa = ea[kDevice] != kInf ? kDevice : ea[kEdge] != kInf ? kEdge : kCloud;
    const int sb = eb[kDevice] != kInf ? kDevice : eb[kEdge] != kInf ? kEdge : kCloud;
    if (sa > sb) return false;
    double reach = eb[sb];
    if (sb == kCloud && sa != kCloud) reach = reach + backhaul_s_[e];
    if (sb != kDevice && sa == kDevice) reach = reach + down_s_[e];
    if (ea[sa] > reach) return false;
    ea += kSites;
    eb += kSites;
  }
  return true;
}

double* DominanceTable::key(int depth, int site) {
  return keys_.data() + (static_cast<size_t>(depth) * kSites + site) * widest_;
}

bool DominanceTable::dominated(const ScheduleState& st, int depth, const int* path) {
  Level& level = levels_[depth];
  double* own = key(depth, path[depth]);
  uint64_t& hash = hashes_[static_cast<size_t>(depth) * kSites + path[depth]];
  hash = frontier(st, depth, own);
  const int bucket = static_cast<int>(hash % level.buckets);
  if (!level.stamp || level.stamp[bucket] != generation_) return false;
  const int held = std::min<int>(level.fill[bucket], kWays);
  for (int w = 0; w < held; ++w) {
    const size_t slot = static_cast<size_t>(bucket) * kWays + w;
    const int8_t* prefix = level.prefixes.get() + slot * (depth + 1);
    const bool before = std::lexicographical_compare(prefix, prefix + depth + 1, path, path + depth + 1);
    if (before && no_later(level, level.times.get() + slot * level.stride, own)) return true;
  }
  return false;
}

void DominanceTable::insert(int depth, const int* path) {
  Level& level = levels_[depth];
  if (!level.stamp) allocate(level, depth);
  const int bucket = static_cast<int>(hashes_[static_cast<size_t>(depth) * kSites + path[depth]] % level.buckets);
  if (level.stamp[bucket] != generation_) {
    level.stamp[bucket] = generation_;
    level.fill[bucket] = 0;
  }
  // Once full, fill runs over kWays..2 kWays - 1: the slot it names is the oldest.
  uint8_t& fill = level.fill[bucket];
  const size_t slot = static_cast<size_t>(bucket) * kWays + fill % kWays;
  fill = fill + 1 == 2 * kWays ? kWays : fill + 1;
  const double* own = key(depth, path[depth]);
  std::copy(own, own + level.stride, level.times.get() + slot * level.stride);
  std::copy(path, path + depth + 1, level.prefixes.get() + slot * (depth + 1));
}

}  // namespace kdo
