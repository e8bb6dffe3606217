#include "timing.hpp"

#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kdo {

volatile uint64_t decision_sink = 0;

namespace {

double percentile(const std::vector<double>& sorted, double q) {
  const double rank = q * static_cast<double>(sorted.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(rank));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] + (rank - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

}  // namespace

LatencyStats summarize(std::vector<double> samples_us) {
  LatencyStats stats;
  stats.iters = static_cast<int>(samples_us.size());
  if (samples_us.empty()) return stats;
  std::sort(samples_us.begin(), samples_us.end());
  stats.min_us = samples_us.front();
  stats.max_us = samples_us.back();
  stats.p50_us = percentile(samples_us, 0.50);
  stats.p90_us = percentile(samples_us, 0.90);
  stats.p99_us = percentile(samples_us, 0.99);
  stats.mean_us = std::accumulate(samples_us.begin(), samples_us.end(), 0.0) / samples_us.size();
  const size_t cut = samples_us.size() / 10;
  const auto first = samples_us.begin() + cut, last = samples_us.end() - cut;
  stats.trimmean_us = std::accumulate(first, last, 0.0) / static_cast<double>(last - first);
  return stats;
}

bool pin_to_cpus(int first_cpu, int count) {
  const long online = std::max(1L, sysconf(_SC_NPROCESSORS_ONLN));
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int k = 0; k < count; ++k) CPU_SET(static_cast<int>((first_cpu + k) % online), &set);
  return sched_setaffinity(0, sizeof set, &set) == 0;
}

}  // namespace kdo
