package org.kdoffload.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import org.json.JSONObject;
import org.junit.Test;

/**
 * The delay model, Greedy and the task executor against vectors model/delay.py,
 * model/policies.py and scheduler/executor.py wrote (android_demo/host/write_vectors.py).
 */
public class PythonVectorsTest {
  private static final double REL = 1e-9;

  private static JSONObject vectors(String profile) throws Exception {
    return Vectors.read(Vectors.folder("kdoffload.vectors").resolve(profile + ".json"));
  }

  private static Profile profile(JSONObject v) throws Exception {
    return Profile.fromJson(v.getJSONObject("profile"));
  }

  private void delays(String name) throws Exception {
    JSONObject v = vectors(name);
    Profile p = profile(v);
    SystemState[] states = Vectors.states(v.getJSONArray("states"), p.n);
    int[][] placements = Vectors.placements(v.getJSONArray("placements"));
    double[] expected = Json.numbers(v.getJSONArray("delays_s"), states.length, "delays_s");
    assertTrue("at least 1000 states", states.length >= 1000);
    Schedule schedule = new Schedule(p);
    for (int k = 0; k < states.length; k++) {
      double got = schedule.delay(states[k], placements[k]);
      assertTrue(name + " state " + k + ": " + got + " vs " + expected[k], Vectors.relativeError(got, expected[k]) <= REL);
      // Alone on idle resources, the executor takes exactly the delay model's time.
      double alone = new TaskExecutor(p).run(0.0, states[k], placements[k]);
      assertTrue(name + " executor alone, state " + k, Vectors.relativeError(alone, expected[k]) <= REL);
    }
  }

  private void greedy(String name) throws Exception {
    JSONObject v = vectors(name);
    Profile p = profile(v);
    SystemState[] states = Vectors.states(v.getJSONArray("states"), p.n);
    int[][] expected = Vectors.placements(v.getJSONArray("greedy"));
    Greedy greedy = new Greedy(p);
    for (int k = 0; k < states.length; k++) assertArrayEquals(name + " state " + k, expected[k], greedy.decide(states[k]));
  }

  private void stream(String name) throws Exception {
    JSONObject v = vectors(name);
    Profile p = profile(v);
    JSONObject s = v.getJSONObject("stream");
    double[] arrivals = Json.numbers(s.getJSONArray("arrivals_s"), -1, "arrivals_s");
    assertTrue("at least 200 tasks", arrivals.length >= 200);
    SystemState[] states = Vectors.states(v.getJSONArray("states"), p.n);
    TaskStream.Result r = TaskStream.replay(p, arrivals, java.util.Arrays.copyOf(states, arrivals.length),
        Vectors.placements(s.getJSONArray("placements")), Json.numbers(s.getJSONArray("decision_s"), arrivals.length, "decision_s"));
    double[] done = Json.numbers(s.getJSONArray("done_s"), arrivals.length, "done_s");
    double[] start = Json.numbers(s.getJSONArray("start_s"), arrivals.length, "start_s");
    double[] decisionStart = Json.numbers(s.getJSONArray("decision_start_s"), arrivals.length, "decision_start_s");
    for (int k = 0; k < arrivals.length; k++) {
      assertTrue(name + " task " + k + " done " + r.doneS[k] + " vs " + done[k], Vectors.relativeError(r.doneS[k], done[k]) <= REL);
      assertTrue(name + " task " + k + " start", Vectors.relativeError(r.startS[k], start[k]) <= REL);
      assertTrue(name + " task " + k + " decision start", Vectors.relativeError(r.decisionStartS[k], decisionStart[k]) <= REL);
    }
  }

  /** Decoding only: the recipe is never used, so one feature will do. */
  private static Decider decider(Profile p, Decider.Decoder decoder, int topK, int oodTopK) throws Exception {
    return decider(p, decoder, topK, oodTopK, Decider.RateEstimate.CURRENT);
  }

  private static Decider decider(Profile p, Decider.Decoder decoder, int topK, int oodTopK,
                                 Decider.RateEstimate rateEstimate) throws Exception {
    JSONObject features = new JSONObject("{\"order\": [{\"field\": \"f_device\", \"index\": null, "
        + "\"transform\": \"log\"}], \"mean\": [0], \"std\": [1], \"support\": {\"min\": [0], \"max\": [1], "
        + "\"q001\": [0], \"q999\": [1]}}");
    Decider.Forward unused = input -> {
      throw new AssertionError("decode must not call the model");
    };
    return new Decider(p, FeatureRecipe.fromJson(features, p.n, "test"), unused, decoder, topK, oodTopK, rateEstimate);
  }

  private void decoders(String name) throws Exception {
    JSONObject v = vectors(name);
    Profile p = profile(v);
    SystemState[] states = Vectors.states(v.getJSONArray("states"), p.n);
    JSONObject d = v.getJSONObject("decoders");
    org.json.JSONArray logits = d.getJSONArray("logits");
    org.json.JSONArray flags = d.getJSONArray("out_of_support");
    for (Decider.Decoder decoder : Decider.Decoder.values()) {
      Decider decider = decider(p, decoder, d.getInt("top_k"), d.getInt("ood_top_k"));
      int[][] expected = Vectors.placements(d.getJSONArray(decoder.label()));
      for (int k = 0; k < states.length; k++) {
        float[] flat = new float[3 * p.n];
        for (int i = 0; i < p.n; i++) {
          for (int s = 0; s < 3; s++) flat[3 * i + s] = (float) logits.getJSONArray(k).getJSONArray(i).getDouble(s);
        }
        int[] got = decider.decode(states[k], flat, flags.getBoolean(k)).placement;
        assertArrayEquals(name + " " + decoder.label() + " state " + k, expected[k], got);
      }
    }
  }

  private static float[] flatLogits(org.json.JSONArray logits, int k, int n) throws Exception {
    float[] flat = new float[3 * n];
    for (int i = 0; i < n; i++) {
      for (int s = 0; s < 3; s++) flat[3 * i + s] = (float) logits.getJSONArray(k).getJSONArray(i).getDouble(s);
    }
    return flat;
  }

  // Top-K and guarded scoring from the observed backlogs (rate_estimate backlog): the same
  // placements as Python's, and on some states not the idle phone's choice.
  private void backlogDecoders(String name) throws Exception {
    JSONObject v = vectors(name);
    Profile p = profile(v);
    SystemState[] states = Vectors.states(v.getJSONArray("states"), p.n);
    JSONObject d = v.getJSONObject("decoders");
    JSONObject b = d.getJSONObject("backlog");
    org.json.JSONArray logits = d.getJSONArray("logits");
    org.json.JSONArray flags = d.getJSONArray("out_of_support");
    org.json.JSONArray seen = b.getJSONArray("observations");
    int idle = 0;
    for (Decider.Decoder decoder : new Decider.Decoder[] {Decider.Decoder.TOPK, Decider.Decoder.GUARDED}) {
      Decider backlog = decider(p, decoder, d.getInt("top_k"), d.getInt("ood_top_k"), Decider.RateEstimate.BACKLOG);
      Decider current = decider(p, decoder, d.getInt("top_k"), d.getInt("ood_top_k"));
      int[][] expected = Vectors.placements(b.getJSONArray(decoder.label()));
      int differ = 0;
      for (int k = 0; k < states.length; k++) {
        SystemState state = states[k].observing(Observation.fromJson(seen.getJSONObject(k), "observations[" + k + "]"));
        float[] flat = flatLogits(logits, k, p.n);
        int[] got = backlog.decode(state, flat, flags.getBoolean(k)).placement;
        assertArrayEquals(name + " " + decoder.label() + " backlog state " + k, expected[k], got);
        int[] plain = current.decode(state, flat, flags.getBoolean(k)).placement;
        if (!java.util.Arrays.equals(plain, got)) differ++;
        double[] busy = state.backlogs();
        if (busy[0] == 0.0 && busy[1] == 0.0 && busy[2] == 0.0) {
          idle++;
          assertArrayEquals(name + " nothing queued, state " + k, plain, got);
        }
      }
      assertTrue(name + " " + decoder.label() + ": backlogs changed no decision", differ > 0);
    }
    assertTrue(name + ": no state with nothing queued", idle > 0);
  }

  @Test public void chain6BacklogDecodersEqualPython() throws Exception { backlogDecoders("chain6"); }
  @Test public void dag10BacklogDecodersEqualPython() throws Exception { backlogDecoders("dag10"); }

  @Test
  public void noBacklogIsAnIdlePhoneToTheBit() throws Exception {
    JSONObject v = vectors("dag10");
    Profile p = profile(v);
    SystemState[] states = Vectors.states(v.getJSONArray("states"), p.n);
    int[][] placements = Vectors.placements(v.getJSONArray("placements"));
    Schedule schedule = new Schedule(p);
    for (int k = 0; k < 100; k++) {
      double idle = schedule.delay(states[k], placements[k]);
      assertEquals(idle, schedule.delay(states[k], placements[k], new double[3]), 0.0);
      // A queue can only delay: never earlier than from an idle phone.
      assertTrue(schedule.delay(states[k], placements[k], new double[] {0.5, 0.5, 0.5}) >= idle);
    }
  }

  @Test public void chain6DecodersEqualPython() throws Exception { decoders("chain6"); }
  @Test public void dag10DecodersEqualPython() throws Exception { decoders("dag10"); }
  @Test public void chain6DelaysEqualPython() throws Exception { delays("chain6"); }
  @Test public void dag10DelaysEqualPython() throws Exception { delays("dag10"); }
  @Test public void chain6GreedyEqualsPython() throws Exception { greedy("chain6"); }
  @Test public void dag10GreedyEqualsPython() throws Exception { greedy("dag10"); }
  @Test public void chain6StreamEqualsPythonExecutor() throws Exception { stream("chain6"); }
  @Test public void dag10StreamEqualsPythonExecutor() throws Exception { stream("dag10"); }

  @Test
  public void streamOfOneTaskTakesItsDelay() throws Exception {
    JSONObject v = vectors("dag10");
    Profile p = profile(v);
    SystemState[] states = Vectors.states(v.getJSONArray("states"), p.n);
    int[] placement = Vectors.placements(v.getJSONArray("placements"))[0];
    TaskStream.Result r = TaskStream.replay(p, new double[] {2.0}, new SystemState[] {states[0]},
        new int[][] {placement}, new double[] {0.5});
    assertEquals(2.5 + new Schedule(p).delay(states[0], placement), r.doneS[0], 1e-9);
  }
}
