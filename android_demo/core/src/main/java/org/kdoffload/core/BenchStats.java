package org.kdoffload.core;

import java.util.Arrays;

/** Summary statistics of timings: p50 and p99 (numpy's linear interpolation), mean, trimmed mean. */
public final class BenchStats {
  public final int count;
  public final double p50;
  public final double p99;
  public final double mean;
  public final double trimmedMean; // the middle 80%: the benchmark app's trimmean
  private final double[] values;

  public BenchStats(double[] values) {
    if (values.length == 0) throw new IllegalArgumentException("no values");
    this.values = values.clone();
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    count = sorted.length;
    p50 = percentile(sorted, 50);
    p99 = percentile(sorted, 99);
    mean = mean(sorted, 0, count);
    int cut = (int) Math.floor(count * 0.1);
    trimmedMean = mean(sorted, cut, count - cut);
  }

  /** `call(k)` run `warmUp` times untimed, then `iters` times, each timed alone: microseconds. */
  static BenchStats timeUs(int warmUp, int iters, java.util.function.IntConsumer call) {
    for (int k = 0; k < warmUp; k++) call.accept(k);
    double[] us = new double[iters];
    for (int k = 0; k < iters; k++) {
      long t0 = System.nanoTime();
      call.accept(k);
      us[k] = (System.nanoTime() - t0) * 1e-3;
    }
    return new BenchStats(us);
  }

  /** The timings themselves, in the order they were taken (kept by timeUs). */
  public double[] values() {
    return values.clone();
  }

  static double percentile(double[] sorted, double q) {
    double rank = q / 100.0 * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
  }

  private static double mean(double[] sorted, int from, int to) {
    double sum = 0.0;
    for (int k = from; k < to; k++) sum += sorted[k];
    return sum / (to - from);
  }
}
