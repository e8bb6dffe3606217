package org.kdoffload.core;

/**
 * The graph student's inputs for a task graph given at run time (docs/formats.md "Graph
 * features", recipe version 1; model/graph_features.py, native/src/graph_features.cpp): nodes
 * [64][11], scalars [9], adjacency [64][64] (row: target, column: source), mask [64], float32
 * and flat, rows past n exactly 0. Raw values are computed in double and cast to float, then
 * normalised as (x - mean) / std (padding rows stay 0), as the Python recipe does.
 */
public final class GraphFeatures {
  public static final int N_MAX = 64;
  public static final int NODE_FEATURES = 11;
  public static final int SCALAR_FEATURES = 9;

  private final Profile profile;
  private final Heft heft;
  private final int[][] succs;
  private final int[] depth;
  private final int[] height;
  private final int longest;

  public GraphFeatures(Profile profile) {
    if (profile.n > N_MAX) throw new IllegalArgumentException("profile " + profile.name + ": n must be <= 64");
    this.profile = profile;
    this.heft = new Heft(profile);
    this.succs = Heft.successors(profile);
    // The graph's terms do not change from state to state: computed once.
    depth = new int[profile.n];
    height = new int[profile.n];
    int deepest = 0;
    for (int i = 0; i < profile.n; i++) {
      for (int j : profile.preds[i]) depth[i] = Math.max(depth[i], depth[j] + 1);
      deepest = Math.max(deepest, depth[i]);
    }
    for (int i = profile.n - 1; i >= 0; i--) {
      for (int k : succs[i]) height[i] = Math.max(height[i], height[k] + 1);
    }
    longest = Math.max(1, deepest);
  }

  /** The four raw inputs, unnormalised. */
  public Inputs build(SystemState s) {
    Inputs out = new Inputs();
    double[] rank = heft.upwardRanks(s);
    double topRank = 1e-300;
    for (double r : rank) topRank = Math.max(topRank, r);
    for (int i = 0; i < profile.n; i++) {
      boolean entry = profile.preds[i].length == 0;
      double[] row = {Math.log(s.cycles[i]), Math.log(s.outBits[i]), entry ? Math.log(s.inBits[i]) : 0.0,
          entry ? 1.0 : 0.0, succs[i].length == 0 ? 1.0 : 0.0, (double) depth[i] / longest,
          (double) height[i] / longest, profile.preds[i].length, succs[i].length, Math.log(rank[i]),
          rank[i] / topRank};
      for (int c = 0; c < NODE_FEATURES; c++) out.nodes[i * NODE_FEATURES + c] = (float) row[c];
      for (int j : profile.preds[i]) out.adjacency[i * N_MAX + j] = 1.0f;
      out.mask[i] = 1.0f;
    }
    double[] scalars = {Math.log(s.fDevice()), Math.log(s.fEdge()), Math.log(s.fCloud()), Math.log(s.rateUp()),
        Math.log(s.rateDown()), Math.log(s.rateBackhaul()), s.edgeWait(), s.latWireless(), s.latBackhaul()};
    for (int c = 0; c < SCALAR_FEATURES; c++) out.scalars[c] = (float) scalars[c];
    return out;
  }

  /** The network's inputs: (raw - mean) / std per node feature (real rows only) and per scalar. */
  public static Inputs normalised(Inputs raw, double[] nodeMean, double[] nodeStd, double[] scalarMean,
      double[] scalarStd) {
    Inputs out = new Inputs();
    for (int i = 0; i < N_MAX; i++) {
      if (raw.mask[i] == 0.0f) continue;
      for (int c = 0; c < NODE_FEATURES; c++) {
        int at = i * NODE_FEATURES + c;
        out.nodes[at] = (float) ((raw.nodes[at] - nodeMean[c]) / nodeStd[c]);
      }
    }
    for (int c = 0; c < SCALAR_FEATURES; c++) out.scalars[c] = (float) ((raw.scalars[c] - scalarMean[c]) / scalarStd[c]);
    System.arraycopy(raw.adjacency, 0, out.adjacency, 0, raw.adjacency.length);
    System.arraycopy(raw.mask, 0, out.mask, 0, raw.mask.length);
    return out;
  }

  /** nodes [64 * 11], scalars [9], adjacency [64 * 64], mask [64]. */
  public static final class Inputs {
    public final float[] nodes = new float[N_MAX * NODE_FEATURES];
    public final float[] scalars = new float[SCALAR_FEATURES];
    public final float[] adjacency = new float[N_MAX * N_MAX];
    public final float[] mask = new float[N_MAX];
  }
}
