package org.kdoffload.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertTrue;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.Test;

/**
 * HEFT and the guarded decision for a graph given at run time against the placements
 * model/graph_heuristics.py and model/graph_decoding.py wrote (android_demo/host/write_vectors.py):
 * daggen graphs of 1 to 64 subtasks, logits with ties, some states out of support.
 */
public class GraphDecoderTest {
  private static JSONArray graphs() throws Exception {
    return Vectors.read(Vectors.folder("kdoffload.vectors").resolve("graphs.json")).getJSONArray("graphs");
  }

  private static float[] flat(JSONArray rows, int n) throws Exception {
    float[] out = new float[3 * n];
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < 3; s++) out[3 * i + s] = (float) rows.getJSONArray(i).getDouble(s);
    }
    return out;
  }

  @Test
  public void heftEqualsPython() throws Exception {
    JSONArray all = graphs();
    for (int g = 0; g < all.length(); g++) {
      JSONObject v = all.getJSONObject(g);
      Profile p = Profile.fromJson(v.getJSONObject("profile"));
      SystemState[] states = Vectors.states(v.getJSONArray("states"), p.n);
      int[][] expected = Vectors.placements(v.getJSONArray("heft"));
      Heft heft = new Heft(p);
      for (int k = 0; k < states.length; k++) assertArrayEquals(p.name + " state " + k, expected[k], heft.decide(states[k]));
    }
  }

  @Test
  public void guardedDecisionEqualsPython() throws Exception {
    JSONArray all = graphs();
    assertTrue("graphs up to 64 subtasks", all.getJSONObject(all.length() - 1).getJSONObject("profile").getInt("n") == 64);
    for (int g = 0; g < all.length(); g++) {
      JSONObject v = all.getJSONObject(g);
      Profile p = Profile.fromJson(v.getJSONObject("profile"));
      SystemState[] states = Vectors.states(v.getJSONArray("states"), p.n);
      int[][] expected = Vectors.placements(v.getJSONArray("guarded"));
      GraphDecoder decoder = new GraphDecoder(p, v.getInt("top_k"), v.getInt("ood_top_k"), v.getInt("local_search_passes"),
          v.getInt("pair_work"));
      JSONArray logits = v.getJSONArray("logits");
      JSONArray flags = v.getJSONArray("out_of_support");
      for (int k = 0; k < states.length; k++) {
        Decoding.Scored got = decoder.decode(states[k], flat(logits.getJSONArray(k), p.n), flags.getBoolean(k));
        assertArrayEquals(p.name + " state " + k, expected[k], got.placement);
        double delay = new Schedule(p).delay(states[k], expected[k]);
        assertTrue(p.name + " delay " + k, Vectors.relativeError(got.delayS, delay) <= 1e-12);
        int[] greedy = new Greedy(p).decide(states[k]);
        assertTrue(p.name + " not above greedy " + k, got.delayS <= new Schedule(p).delay(states[k], greedy));
      }
    }
  }
}
