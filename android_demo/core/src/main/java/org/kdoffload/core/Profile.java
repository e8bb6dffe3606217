package org.kdoffload.core;

import java.util.ArrayList;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/** One app's task graph: subtasks 0..n-1 in topological order, edges j -> i with j < i. */
public final class Profile {
  public final String name;
  public final int n;
  public final int[][] edges;
  public final int edgeCores;
  public final int[] entries; // subtasks with no predecessor: they read the device's input
  public final int[] exits; // subtasks with no successor: their output goes to the device
  public final int[][] preds; // per subtask, its predecessors in increasing order

  public Profile(String name, int n, int[][] edges, int edgeCores) {
    if (n < 1) throw new IllegalArgumentException("profile " + name + ": n must be >= 1");
    if (edgeCores < 1) throw new IllegalArgumentException("profile " + name + ": edge_cores must be >= 1");
    this.name = name;
    this.n = n;
    this.edges = edges;
    this.edgeCores = edgeCores;
    boolean[] hasPred = new boolean[n];
    boolean[] hasSucc = new boolean[n];
    List<List<Integer>> predLists = new ArrayList<>();
    for (int i = 0; i < n; i++) predLists.add(new ArrayList<>());
    for (int[] e : edges) {
      if (e.length != 2 || e[0] < 0 || e[1] >= n || e[0] >= e[1]) {
        throw new IllegalArgumentException("profile " + name + ": edge must be [j, i] with 0 <= j < i < n");
      }
      hasSucc[e[0]] = true;
      hasPred[e[1]] = true;
      predLists.get(e[1]).add(e[0]);
    }
    entries = indicesWhere(hasPred, false);
    exits = indicesWhere(hasSucc, false);
    preds = new int[n][];
    for (int i = 0; i < n; i++) {
      preds[i] = predLists.get(i).stream().mapToInt(Integer::intValue).sorted().toArray();
    }
  }

  private static int[] indicesWhere(boolean[] flags, boolean value) {
    int count = 0;
    for (boolean f : flags) if (f == value) count++;
    int[] out = new int[count];
    for (int i = 0, k = 0; i < flags.length; i++) if (flags[i] == value) out[k++] = i;
    return out;
  }

  /** The manifest's `profile` object: name, n, edges, edge_cores (entries/exits are derived). */
  public static Profile fromJson(JSONObject o) throws JSONException {
    JSONArray raw = o.getJSONArray("edges");
    int[][] edges = new int[raw.length()][];
    for (int k = 0; k < raw.length(); k++) {
      JSONArray e = raw.getJSONArray(k);
      edges[k] = new int[e.length()];
      for (int c = 0; c < e.length(); c++) edges[k][c] = e.getInt(c);
    }
    return new Profile(o.getString("name"), o.getInt("n"), edges, o.optInt("edge_cores", 2));
  }
}
