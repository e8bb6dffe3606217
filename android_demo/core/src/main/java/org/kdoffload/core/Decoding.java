package org.kdoffload.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * From logits [N][3] (flat, row-major) to placements: argmax, the K most probable placements,
 * and the fastest of a candidate set under the delay model (model/decoding.py, docs/formats.md).
 */
public final class Decoding {
  private Decoding() {}

  /** Per subtask the most likely site; the first on a tie. */
  public static int[] argmax(float[] logits, int n) {
    int[] placement = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      if (logits[3 * i + 1] > logits[3 * i + best]) best = 1;
      if (logits[3 * i + 2] > logits[3 * i + best]) best = 2;
      placement[i] = best;
    }
    return placement;
  }

  /**
   * The k most probable placements under the product of per-subtask softmaxes, most probable
   * first. A beam of width k is exact: log-probabilities add over subtasks, so a prefix with k
   * better prefixes ahead of it has k better completions too. Equal scores keep the earlier
   * beam entry, then the lower site (a stable sort of parent-major, site-minor expansions).
   */
  public static List<int[]> mostProbable(float[] logits, int n, int k) {
    int width = (int) Math.min(k, Math.pow(3, n));
    double[] scores = {0.0};
    int[][] beams = {new int[0]};
    for (int i = 0; i < n; i++) {
      // log-softmax associated as numpy does it: (l - max) - log(sum(exp(l - max))).
      double top = Math.max(logits[3 * i], Math.max(logits[3 * i + 1], logits[3 * i + 2]));
      double[] shifted = new double[3];
      for (int s = 0; s < 3; s++) shifted[s] = (double) logits[3 * i + s] - top;
      double logSum = Math.log(Math.exp(shifted[0]) + Math.exp(shifted[1]) + Math.exp(shifted[2]));
      int grown = scores.length * 3;
      int[] order = new int[grown];
      double[] expanded = new double[grown];
      for (int p = 0; p < scores.length; p++) {
        for (int s = 0; s < 3; s++) expanded[3 * p + s] = scores[p] + (shifted[s] - logSum);
      }
      // Insertion sort by descending score: stable, and at most 3K entries.
      for (int c = 0; c < grown; c++) {
        int at = c;
        while (at > 0 && expanded[order[at - 1]] < expanded[c]) {
          order[at] = order[at - 1];
          at--;
        }
        order[at] = c;
      }
      int keep = Math.min(width, grown);
      double[] nextScores = new double[keep];
      int[][] nextBeams = new int[keep][];
      for (int r = 0; r < keep; r++) {
        int code = order[r];
        nextScores[r] = expanded[code];
        nextBeams[r] = Arrays.copyOf(beams[code / 3], i + 1);
        nextBeams[r][i] = code % 3;
      }
      scores = nextScores;
      beams = nextBeams;
    }
    return new ArrayList<>(Arrays.asList(beams));
  }

  /** All subtasks on one site. */
  public static int[] everywhere(int n, int site) {
    int[] placement = new int[n];
    Arrays.fill(placement, site);
    return placement;
  }

  /** The fastest candidate under the delay model; ties to the lexicographically smallest. */
  public static Scored fastest(List<int[]> candidates, SystemState state, Schedule schedule) {
    return fastest(candidates, state, schedule, null);
  }

  /**
   * As {@link #fastest(List, SystemState, Schedule)}, every candidate scored from the phone's
   * queues: its core, uplink and downlink free only after busy = {device, up, down} seconds
   * (null: an idle phone).
   */
  public static Scored fastest(List<int[]> candidates, SystemState state, Schedule schedule, double[] busy) {
    int[] best = null;
    double bestDelay = 0.0;
    for (int[] candidate : candidates) {
      double delay = schedule.delay(state, candidate, busy);
      if (best == null || delay < bestDelay
          || (delay == bestDelay && lexicographicallyBefore(candidate, best))) {
        best = candidate;
        bestDelay = delay;
      }
    }
    return new Scored(best.clone(), bestDelay);
  }

  // Arrays.compare(int[], int[]) is API 33; the app's floor is 28.
  static boolean lexicographicallyBefore(int[] a, int[] b) {
    for (int i = 0; i < a.length; i++) if (a[i] != b[i]) return a[i] < b[i];
    return false;
  }

  /** A placement and its delay T in seconds. */
  public static final class Scored {
    public final int[] placement;
    public final double delayS;

    Scored(int[] placement, double delayS) {
      this.placement = placement;
      this.delayS = delayS;
    }
  }
}
