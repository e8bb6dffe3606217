package org.kdoffload.core;

import java.util.Arrays;
import java.util.Comparator;

/**
 * HEFT on three sites (model/graph_heuristics.py, native/src/heft.cpp): subtasks by decreasing
 * upward rank from mean costs over the sites (ties to the lower index), each to the site where
 * it finishes earliest in the list schedule of those taken before it (an exit: where its output
 * reaches the device earliest), ties to the lower site. Sums grouped as the Python and C++ ports
 * group them, so the ranks, and with them the order, agree to the last bit.
 */
public final class Heft {
  private final Profile profile;
  private final int[][] succs;
  private final boolean[] isExit;
  private final Greedy earliest;

  public Heft(Profile profile) {
    this.profile = profile;
    this.succs = successors(profile);
    this.isExit = new boolean[profile.n];
    for (int e : profile.exits) isExit[e] = true;
    this.earliest = new Greedy(profile);
  }

  static int[][] successors(Profile profile) {
    int[] count = new int[profile.n];
    for (int[] e : profile.edges) count[e[0]]++;
    int[][] out = new int[profile.n][];
    for (int i = 0; i < profile.n; i++) out[i] = new int[count[i]];
    int[] filled = new int[profile.n];
    for (int i = 0; i < profile.n; i++) {
      for (int j : profile.preds[i]) out[j][filled[j]++] = i;  // increasing i: sorted
    }
    return out;
  }

  /** rank(k) = mean run time + (an exit: mean way home; else max over successors of comm + rank). */
  double[] upwardRanks(SystemState s) {
    double[] rank = new double[profile.n];
    double[] secondsPerCycle = {1.0 / s.fDevice(), 1.0 / s.fEdge(), 1.0 / s.fCloud()};
    for (int k = profile.n - 1; k >= 0; k--) {
      double b = s.outBits[k];
      double up = b / s.rateUp() + s.latWireless();
      double down = b / s.rateDown() + s.latWireless();
      double bh = b / s.rateBackhaul() + s.latBackhaul();
      double work = (s.cycles[k] * secondsPerCycle[0] + s.cycles[k] * secondsPerCycle[1]
          + s.cycles[k] * secondsPerCycle[2]) / 3.0;
      double after = 0.0;
      if (isExit[k]) {
        after = (0.0 + down + (bh + down)) / 3.0;
      } else {
        double comm = (up + (up + bh) + down + bh + bh + (bh + down)) / 9.0;
        for (int i : succs[k]) after = Math.max(after, comm + rank[i]);
      }
      rank[k] = work + after;
    }
    return rank;
  }

  public int[] decide(SystemState state) {
    double[] rank = upwardRanks(state);
    Integer[] order = new Integer[profile.n];
    for (int i = 0; i < profile.n; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -rank[i]));  // stable: ties by index
    return earliest.decideInOrder(state, Arrays.stream(order).mapToInt(Integer::intValue).toArray());
  }
}
