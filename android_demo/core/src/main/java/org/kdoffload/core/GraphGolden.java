package org.kdoffload.core;

import org.json.JSONException;
import org.json.JSONObject;

/**
 * One golden vector of the graph student's manifest: a task graph, a raw state, and what every
 * client must make of them (normalised node rows [n][11] and scalars [9], the program's logits
 * [n][3], the argmax and guarded placements, the guarded placement's delay).
 */
public final class GraphGolden {
  public final Profile graph;
  public final SystemState state;
  public final float[] nodes; // [n][11] flat, normalised
  public final float[] scalars; // [9], normalised
  public final float[] logits; // [n][3] flat
  public final int[] argmaxPlacement;
  public final int[] guardedPlacement;
  public final double guardedDelayS;

  GraphGolden(JSONObject o, String name, String where) {
    JSONObject g = Json.object(o, "graph", where);
    try {
      graph = Profile.fromJson(new JSONObject().put("name", name).put("n", Json.integer(g, "n", where + ".graph"))
          .put("edges", Json.list(g, "edges", where + ".graph")));
    } catch (JSONException | IllegalArgumentException e) {
      throw new RefusedException(where + ".graph: " + e.getMessage());
    }
    int n = graph.n;
    if (n > GraphFeatures.N_MAX) throw new RefusedException(where + ".graph.n: " + n + " is more than " + GraphFeatures.N_MAX);
    state = SystemState.fromJson(Json.object(o, "state", where), n, where + ".state");
    nodes = GoldenRecord.rows(o, "nodes", n, GraphFeatures.NODE_FEATURES, where);
    scalars = GoldenRecord.floats(Json.numbers(o.optJSONArray("scalars"), GraphFeatures.SCALAR_FEATURES, where + ".scalars"));
    logits = GoldenRecord.rows(o, "logits", n, 3, where);
    argmaxPlacement = GoldenRecord.placement(o, "argmax_placement", n, where);
    guardedPlacement = GoldenRecord.placement(o, "guarded_placement", n, where);
    guardedDelayS = GoldenRecord.delay(o, "guarded_delay_s", where);
  }
}
