package org.kdoffload.core;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class BenchStatsTest {
  @Test
  public void percentilesInterpolateAsNumpy() {
    // numpy.percentile([1..10], 50) = 5.5, (.., 99) = 9.91
    double[] values = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
    BenchStats s = new BenchStats(values);
    assertEquals(5.5, s.p50, 1e-12);
    assertEquals(9.91, s.p99, 1e-12);
    assertEquals(5.5, s.mean, 1e-12);
  }

  @Test
  public void trimmedMeanDropsTheOuterTenthEachSide() {
    double[] values = new double[20];
    for (int k = 0; k < 20; k++) values[k] = k;
    values[19] = 1e9; // one outlier: dropped
    BenchStats s = new BenchStats(values);
    // middle 80%: 2..17
    assertEquals(9.5, s.trimmedMean, 1e-12);
  }
}
