package org.kdoffload.core;

import java.util.List;

/**
 * The guarded decision for a task graph given at run time (N <= 64), the port of
 * model/graph_decoding.py and native/src/graph_decoder.cpp, placement for placement: the K most
 * probable placements (K widened out of support), greedy, HEFT and the three single-site
 * placements; the fastest of them (ties to the lexicographically smallest); then at most
 * `passes` passes of best-improvement one-flip local search (equal flips: the first in scan
 * order, subtask ascending, then site ascending; a pass must lower T strictly). Never worse
 * than greedy, HEFT or any single-site placement, by construction.
 */
public final class GraphDecoder {
  // The tail bound sums in another order than the schedule: it drops only flips it shows to be
  // slower by more than any rounding, so every flip it keeps is scored exactly.
  private static final double SLACK = 1.0 + 1e-9;

  private final Profile profile;
  private final int topK;
  private final int oodTopK;
  private final int passes;
  private final Greedy greedy;
  private final Heft heft;
  private final int[][] succs;
  private final Schedule scorer;
  private final Schedule work;
  private final Schedule[] snapshots; // [n + 1]: the schedule before each subtask
  private final double[] tail;

  public GraphDecoder(Profile profile, int topK, int oodTopK, int passes) {
    if (profile.n > 64) throw new IllegalArgumentException("profile " + profile.name + ": n must be <= 64");
    this.profile = profile;
    this.topK = topK;
    this.oodTopK = Math.max(topK, oodTopK); // DecoderConfig's widening rule
    this.passes = passes;
    this.greedy = new Greedy(profile);
    this.heft = new Heft(profile);
    this.succs = Heft.successors(profile);
    this.scorer = new Schedule(profile);
    this.work = new Schedule(profile);
    this.snapshots = new Schedule[profile.n + 1];
    for (int i = 0; i <= profile.n; i++) snapshots[i] = new Schedule(profile);
    this.tail = new double[profile.n];
  }

  /** logits [N][3] flat, row-major. */
  public Decoding.Scored decode(SystemState state, float[] logits, boolean outOfSupport) {
    List<int[]> candidates = Decoding.mostProbable(logits, profile.n, outOfSupport ? oodTopK : topK);
    candidates.add(greedy.decide(state));
    candidates.add(heft.decide(state));
    for (int site = 0; site < 3; site++) candidates.add(Decoding.everywhere(profile.n, site));
    Decoding.Scored start = Decoding.fastest(candidates, state, scorer);
    return localSearch(state, start.placement, start.delayS);
  }

  private Decoding.Scored localSearch(SystemState state, int[] placement, double cost) {
    computeTails(state);
    for (int pass = 0; pass < passes; pass++) {
      snapshots[0].reset(state);
      for (int i = 0; i < profile.n; i++) {
        snapshots[i + 1].copyFrom(snapshots[i]);
        snapshots[i + 1].place(i, placement[i]);
      }
      double best = cost;
      int bestSubtask = -1;
      int bestSite = 0;
      for (int i = 0; i < profile.n; i++) {
        for (int site = 0; site < 3; site++) {
          if (site == placement[i]) continue;
          double delay = flippedDelay(placement, i, site, best);
          if (delay < best) { // strict: the first flip in scan order keeps a tie
            best = delay;
            bestSubtask = i;
            bestSite = site;
          }
        }
      }
      if (bestSubtask < 0) break;
      placement[bestSubtask] = bestSite;
      cost = best;
    }
    return new Decoding.Scored(placement, cost);
  }

  /** T with subtask i moved to `site`, replayed from the snapshot before i; +inf once it cannot beat `beat`. */
  private double flippedDelay(int[] placement, int i, int site, double beat) {
    double limit = beat * SLACK;
    work.copyFrom(snapshots[i]);
    if (work.place(i, site) + tail[i] >= limit) return Double.POSITIVE_INFINITY;
    for (int k = i + 1; k < profile.n; k++) {
      if (work.place(k, placement[k]) + tail[k] >= limit) return Double.POSITIVE_INFINITY;
    }
    return work.finish();
  }

  /** Per subtask the least time from its finish to T: successors' fastest runs along the longest path. */
  private void computeTails(SystemState s) {
    for (int k = profile.n - 1; k >= 0; k--) {
      double longest = 0.0;
      for (int j : succs[k]) {
        double fastest = Math.min(s.cycles[j] / s.fDevice(), Math.min(s.cycles[j] / s.fEdge(), s.cycles[j] / s.fCloud()));
        longest = Math.max(longest, fastest + tail[j]);
      }
      tail[k] = longest;
    }
  }
}
