package org.kdoffload.core;

import java.util.List;

/**
 * The guarded decision for a task graph given at run time (N <= 64), the port of
 * model/graph_decoding.py and native/src/graph_decoder.cpp, placement for placement: the K most
 * probable placements (K widened out of support), greedy, HEFT and the three single-site
 * placements; the fastest of them (ties to the lexicographically smallest); then a
 * first-improvement one-flip local search: flips in scan order (flip 2i + r moves subtask i to
 * the r-th of its two other sites, lower first), cyclically from the one after the last move,
 * the first strictly faster one taken, until 2N in a row lower nothing or passes * 2N are
 * scored; then (pairWork > 0) pair moves between one-flip searches: pair (i, j), i < j in scan
 * order, slot r puts i at its (r / 2)-th other site and j at its (r % 2)-th; eligible are the
 * exchange (i takes j's site, j takes i's) and, for an edge, both to one site neither is on; each
 * round takes the first strictly faster one and runs the one-flip search again, until a round
 * lowers nothing or pairWork / N pair moves are scored. Never worse than greedy, HEFT or any
 * single-site placement, by construction.
 */
public final class GraphDecoder {
  // The tail bound sums in another order than the schedule: it drops only flips it shows to be
  // slower by more than any rounding, so every flip it keeps is scored exactly.
  private static final double SLACK = 1.0 + 1e-9;

  private final Profile profile;
  private final int topK;
  private final int oodTopK;
  private final int passes;
  private final int pairWork;
  private final boolean[] linked; // [n * n]: an edge either way
  private final Greedy greedy;
  private final Heft heft;
  private final int[][] succs;
  private final Schedule scorer;
  private final Schedule work;
  private final Schedule[] snapshots; // [n + 1]: the schedule before each subtask
  private final double[] tail;

  public GraphDecoder(Profile profile, int topK, int oodTopK, int passes) {
    this(profile, topK, oodTopK, passes, 0);
  }

  /** pairWork / N bounds the pair moves scored a decision (0: none, the decoder before them). */
  public GraphDecoder(Profile profile, int topK, int oodTopK, int passes, int pairWork) {
    if (profile.n > 64) throw new IllegalArgumentException("profile " + profile.name + ": n must be <= 64");
    this.profile = profile;
    this.topK = topK;
    this.oodTopK = Math.max(topK, oodTopK); // DecoderConfig's widening rule
    this.passes = passes;
    this.pairWork = pairWork;
    this.linked = new boolean[profile.n * profile.n];
    for (int[] e : profile.edges) {
      linked[e[0] * profile.n + e[1]] = true;
      linked[e[1] * profile.n + e[0]] = true;
    }
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
    computeTails(state);
    snapshots[0].reset(state);
    rebuild(start.placement, 0);
    double cost = localSearch(start.placement, start.delayS);
    if (pairWork >= profile.n) cost = pairSearch(start.placement, cost);
    return new Decoding.Scored(start.placement, cost);
  }

  /** Rounds of the first faster pair move in scan order, each followed by the one-flip search. */
  private double pairSearch(int[] placement, double cost) {
    int n = profile.n;
    long left = pairWork / n;
    while (left > 0) {
      boolean moved = false;
      for (int i = 0; i + 1 < n && !moved && left > 0; i++) {
        for (int j = i + 1; j < n && !moved && left > 0; j++) {
          int xi = placement[i];
          int xj = placement[j];
          for (int r = 0; r < 4 && left > 0; r++) {
            int a = otherSite(xi, r / 2);
            int b = otherSite(xj, r % 2);
            if (!(a == xj && b == xi) && !(a == b && linked[i * n + j])) continue;
            left--;
            double delay = pairedDelay(placement, i, a, j, b, cost);
            if (delay < cost) {
              placement[i] = a;
              placement[j] = b;
              cost = delay;
              rebuild(placement, i);
              moved = true;
              break;
            }
          }
        }
      }
      if (!moved) break;
      cost = localSearch(placement, cost);
    }
    return cost;
  }

  /** T with subtasks i < j at siteI and siteJ, replayed from the snapshot before i; +inf once it cannot beat `beat`. */
  private double pairedDelay(int[] placement, int i, int siteI, int j, int siteJ, double beat) {
    double limit = beat * SLACK;
    work.copyFrom(snapshots[i]);
    if (work.place(i, siteI) + tail[i] >= limit) return Double.POSITIVE_INFINITY;
    for (int k = i + 1; k < profile.n; k++) {
      if (work.place(k, k == j ? siteJ : placement[k]) + tail[k] >= limit) return Double.POSITIVE_INFINITY;
    }
    return work.finish();
  }

  /** The one-flip search from the current placement (its snapshots built); returns its T. */
  private double localSearch(int[] placement, double cost) {
    int flips = 2 * profile.n;
    long budget = (long) passes * flips;
    int cursor = 0;
    int unimproved = 0;
    // First improvement: flips in cyclic scan order from the one after the last move.
    for (long scored = 0; scored < budget && unimproved < flips; scored++) {
      int i = cursor / 2;
      int site = otherSite(placement[i], cursor % 2);
      cursor = (cursor + 1) % flips;
      double delay = flippedDelay(placement, i, site, cost);
      if (delay < cost) { // strict: a flip that only ties moves nothing
        placement[i] = site;
        cost = delay;
        unimproved = 0;
        rebuild(placement, i); // the schedule before subtasks 0..i is unchanged
      } else {
        unimproved++;
      }
    }
    return cost;
  }

  /** The schedule before each subtask from `from` on: a flip at i replays only i..n-1. */
  private void rebuild(int[] placement, int from) {
    for (int i = from; i < profile.n; i++) {
      snapshots[i + 1].copyFrom(snapshots[i]);
      snapshots[i + 1].place(i, placement[i]);
    }
  }

  /** The r-th (r = 0, 1) of the two sites other than `site`, lower first: flip 2i + r of subtask i. */
  static int otherSite(int site, int r) {
    int a = (site + 1) % 3;
    int b = (site + 2) % 3;
    return r == 0 ? Math.min(a, b) : Math.max(a, b);
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
