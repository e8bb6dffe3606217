package org.kdoffload.core;

import org.json.JSONArray;
import org.json.JSONObject;

/** One golden vector of the manifest: a raw state and what every client must make of it. */
public final class GoldenRecord {
  public final SystemState state;
  public final float[] features; // normalised, as the model takes them
  public final float[] logits; // [N][3], flat
  public final boolean outOfSupport;
  public final int[] argmaxPlacement;
  public final int[] topkPlacement;
  public final double topkDelayS;
  public final int[] guardedPlacement;
  public final double guardedDelayS;
  public final int[] greedyPlacement;

  GoldenRecord(JSONObject o, int n, int width, String where) {
    JSONObject rawState = o.optJSONObject("state");
    if (rawState == null) throw new RefusedException(where + ".state: missing or not an object");
    SystemState raw = SystemState.fromJson(rawState, n, where + ".state");
    JSONObject observation = o.optJSONObject("observation");
    state = observation == null ? raw : raw.observing(Observation.fromJson(observation, where + ".observation"));
    features = floats(Json.numbers(o.optJSONArray("features"), width, where + ".features"));
    logits = rows(o, "logits", n, 3, where);
    Object flag = o.opt("out_of_support");
    if (!(flag instanceof Boolean)) throw new RefusedException(where + ".out_of_support: missing or not a bool");
    outOfSupport = (Boolean) flag;
    argmaxPlacement = placement(o, "argmax_placement", n, where);
    topkPlacement = placement(o, "topk_placement", n, where);
    topkDelayS = delay(o, "topk_delay_s", where);
    guardedPlacement = placement(o, "guarded_placement", n, where);
    guardedDelayS = delay(o, "guarded_delay_s", where);
    greedyPlacement = placement(o, "greedy_placement", n, where);
  }

  /** `key` as n rows of `width` numbers, flat, row-major. */
  static float[] rows(JSONObject o, String key, int n, int width, String where) {
    JSONArray rows = o.optJSONArray(key);
    if (rows == null || rows.length() != n) throw new RefusedException(where + "." + key + ": expected " + n + " rows of " + width);
    float[] out = new float[n * width];
    for (int i = 0; i < n; i++) {
      double[] row = Json.numbers(rows.optJSONArray(i), width, where + "." + key + "[" + i + "]");
      for (int c = 0; c < width; c++) out[i * width + c] = (float) row[c];
    }
    return out;
  }

  static float[] floats(double[] values) {
    float[] out = new float[values.length];
    for (int k = 0; k < out.length; k++) out[k] = (float) values[k];
    return out;
  }

  static int[] placement(JSONObject o, String key, int n, String where) {
    int[] p = Json.integers(o.optJSONArray(key), n, where + "." + key);
    for (int s : p) if (s < 0 || s > 2) throw new RefusedException(where + "." + key + ": sites are 0, 1, 2");
    return p;
  }

  static double delay(JSONObject o, String key, String where) {
    double v = o.optDouble(key, Double.NaN);
    if (!(v > 0) || Double.isInfinite(v)) throw new RefusedException(where + "." + key + ": missing or not a delay > 0");
    return v;
  }
}
