package org.kdoffload.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.Test;

/** The observation summary against model/observation.py's (android_demo/host/write_vectors.py). */
public class ObservationTest {
  @Test
  public void theSummaryIsPythonsToRounding() throws Exception {
    JSONObject v = Vectors.read(Vectors.folder("kdoffload.vectors").resolve("chain6.json")).getJSONObject("observations");
    JSONArray raw = v.getJSONArray("raw");
    JSONArray summary = v.getJSONArray("summary");
    assertTrue(raw.length() >= 100);
    for (int k = 0; k < raw.length(); k++) {
      double[] got = Observation.fromJson(raw.getJSONObject(k), "observations[" + k + "]").summary();
      double[] want = Json.numbers(summary.getJSONArray(k), Observation.FIELDS.length, "summary");
      for (int f = 0; f < want.length; f++) {
        assertEquals("observation " + k + " " + Observation.FIELDS[f], want[f], got[f], 1e-12 * Math.max(1.0, Math.abs(want[f])));
      }
    }
  }

  @Test
  public void aStateWithoutOneReadsAsHeldStill() {
    double[] scalars = {1e9, 8e9, 16e9, 0.01, 2e6, 6e6, 0.005, 1e8, 0.05};
    SystemState state = new SystemState(new double[] {1e8}, new double[] {1e5}, new double[] {1e5}, scalars);
    assertEquals(2e6, state.field("rate_up_hmean", -1), 0.0);
    assertEquals(6e6, state.field("rate_down_min", -1), 0.0);
    assertEquals(0.0, state.field("backlog_up", -1), 0.0);
    double[] up = new double[Observation.HISTORY];
    java.util.Arrays.fill(up, 3e6);
    SystemState seen = state.observing(new Observation(up, up.clone(), 0.5, 0.25, 0.0));
    assertEquals(3e6, seen.field("rate_up_hmean", -1), 0.0);
    assertEquals(0.0, seen.field("rate_up_spread", -1), 0.0);
    assertEquals(0.5, seen.field("backlog_device", -1), 0.0);
  }
}
