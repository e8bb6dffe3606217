package org.kdoffload.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.Test;

/**
 * The graph student's inputs against model/graph_features.py (android_demo/host/write_vectors.py):
 * raw and normalised, on daggen graphs of 1 to 64 subtasks; padding rows and the adjacency from
 * the graph itself.
 */
public class GraphFeaturesTest {
  private static final double REL = 1e-6;

  private static void assertClose(String what, double expected, float got) {
    double scale = Math.max(Math.abs(expected), 1e-6);
    assertTrue(what + ": " + got + " vs " + expected, Math.abs(got - expected) / scale <= REL);
  }

  private static double[] numbers(JSONArray a) throws Exception {
    return Json.numbers(a, -1, "normalizer");
  }

  @Test
  public void inputsEqualPython() throws Exception {
    JSONArray all = Vectors.read(Vectors.folder("kdoffload.vectors").resolve("graphs.json")).getJSONArray("graphs");
    for (int g = 0; g < all.length(); g++) {
      JSONObject v = all.getJSONObject(g);
      Profile p = Profile.fromJson(v.getJSONObject("profile"));
      SystemState[] states = Vectors.states(v.getJSONArray("states"), p.n);
      JSONObject f = v.getJSONObject("features");
      JSONObject norm = f.getJSONObject("normalizer");
      double[] nodeMean = numbers(norm.getJSONObject("node").getJSONArray("mean"));
      double[] nodeStd = numbers(norm.getJSONObject("node").getJSONArray("std"));
      double[] scalarMean = numbers(norm.getJSONObject("scalar").getJSONArray("mean"));
      double[] scalarStd = numbers(norm.getJSONObject("scalar").getJSONArray("std"));
      GraphFeatures features = new GraphFeatures(p);
      for (int k = 0; k < states.length; k++) {
        GraphFeatures.Inputs raw = features.build(states[k]);
        GraphFeatures.Inputs net = GraphFeatures.normalised(raw, nodeMean, nodeStd, scalarMean, scalarStd);
        String where = p.name + " state " + k;
        for (int i = 0; i < p.n; i++) {
          for (int c = 0; c < GraphFeatures.NODE_FEATURES; c++) {
            int at = i * GraphFeatures.NODE_FEATURES + c;
            assertClose(where + " node " + i + "," + c, f.getJSONArray("nodes").getJSONArray(k).getJSONArray(i).getDouble(c), raw.nodes[at]);
            assertClose(where + " normalised " + i + "," + c,
                f.getJSONArray("normalised_nodes").getJSONArray(k).getJSONArray(i).getDouble(c), net.nodes[at]);
          }
        }
        for (int c = 0; c < GraphFeatures.SCALAR_FEATURES; c++) {
          assertClose(where + " scalar " + c, f.getJSONArray("scalars").getJSONArray(k).getDouble(c), raw.scalars[c]);
          assertClose(where + " normalised scalar " + c, f.getJSONArray("normalised_scalars").getJSONArray(k).getDouble(c), net.scalars[c]);
        }
        for (int at = p.n * GraphFeatures.NODE_FEATURES; at < net.nodes.length; at++) assertEquals(0.0f, net.nodes[at], 0.0f);
        float edges = 0;
        for (float a : raw.adjacency) edges += a;
        assertEquals(where + " edges", p.edges.length, edges, 0.0f);
        for (int[] e : p.edges) assertEquals(1.0f, raw.adjacency[e[1] * GraphFeatures.N_MAX + e[0]], 0.0f);
        for (int i = 0; i < GraphFeatures.N_MAX; i++) assertEquals(i < p.n ? 1.0f : 0.0f, raw.mask[i], 0.0f);
      }
    }
  }
}
