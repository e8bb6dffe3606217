// Timing one decision many times on a pinned core, and the summary the records carry.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace kdo {

struct LatencyStats {
  int iters = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0, min_us = 0;
  double mean_us = 0;
  double trimmean_us = 0;  // mean of the middle 80%, as ExecuTorch's benchmark app reports
};

// Percentiles interpolate linearly between order statistics (numpy's default), so the Python
// harness and this runner summarise identical samples identically.
LatencyStats summarize(std::vector<double> samples_us);

// Pins the calling thread, and the threads it starts later, to CPUs first..first+count-1
// (wrapping at the machine's CPU count); false if the kernel refused.
bool pin_to_cpus(int first_cpu, int count);

// Where timed loops leave their checksum; volatile so the compiler must compute it.
extern volatile uint64_t decision_sink;

// Runs decide(i) for `warmup` untimed then `iters` timed iterations, one steady_clock
// interval each. `decide` returns something derived from its decision so the work cannot be
// optimised away.
template <typename Decide>
std::vector<double> time_decisions(Decide&& decide, int warmup, int iters) {
  using Clock = std::chrono::steady_clock;
  uint64_t sink = 0;
  for (int i = 0; i < warmup; ++i) sink += decide(i);
  std::vector<double> samples_us(static_cast<size_t>(iters));
  for (int i = 0; i < iters; ++i) {
    const auto start = Clock::now();
    sink += decide(i);
    const auto stop = Clock::now();
    samples_us[i] = std::chrono::duration<double, std::micro>(stop - start).count();
  }
  decision_sink = sink;
  return samples_us;
}

}  // namespace kdo
