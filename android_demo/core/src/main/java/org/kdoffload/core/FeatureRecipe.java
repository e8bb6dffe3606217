package org.kdoffload.core;

import org.json.JSONArray;
import org.json.JSONObject;

/**
 * State -> model input, as model/features.py builds it: each recipe item is `log` or
 * `identity` of one state field, taken in float64 and stored as float32; normalised as
 * (x - mean) / std in float64, then float32. The support is the training set's raw [min, max]
 * per feature: a state outside it is one the model never saw.
 */
public final class FeatureRecipe {
  final String[] fields;
  final int[] indices; // -1 for per-state fields
  final boolean[] log;
  final double[] mean;
  final double[] std;
  final double[] supportMin;
  final double[] supportMax;

  private FeatureRecipe(int width) {
    fields = new String[width];
    indices = new int[width];
    log = new boolean[width];
    mean = new double[width];
    std = new double[width];
    supportMin = new double[width];
    supportMax = new double[width];
  }

  public int width() {
    return fields.length;
  }

  /** The manifest's `features` object, checked against a profile of n subtasks. */
  static FeatureRecipe fromJson(JSONObject features, int n, String where) {
    JSONArray order = Json.list(features, "order", where + ": features");
    FeatureRecipe r = new FeatureRecipe(order.length());
    for (int k = 0; k < order.length(); k++) {
      String at = where + ": features.order[" + k + "]";
      JSONObject item = order.optJSONObject(k);
      if (item == null) throw new RefusedException(at + ": not an object");
      r.fields[k] = Json.string(item, "field", at);
      if (!SystemState.isField(r.fields[k])) throw new RefusedException(at + ".field: unknown state field " + r.fields[k]);
      boolean perSubtask = SystemState.isSubtaskField(r.fields[k]);
      r.indices[k] = item.isNull("index") ? -1 : Json.integer(item, "index", at);
      if (perSubtask != (r.indices[k] >= 0) || r.indices[k] >= n) {
        throw new RefusedException(at + ".index: " + item.opt("index") + " does not fit field " + r.fields[k]);
      }
      String transform = Json.string(item, "transform", at);
      if (!transform.equals("log") && !transform.equals("identity")) {
        throw new RefusedException(at + ".transform: expected log or identity, got " + transform);
      }
      r.log[k] = transform.equals("log");
    }
    int width = r.width();
    copy(Json.numbers(features.optJSONArray("mean"), width, where + ": features.mean"), r.mean);
    copy(Json.numbers(features.optJSONArray("std"), width, where + ": features.std"), r.std);
    for (int k = 0; k < width; k++) {
      if (!(r.std[k] > 0)) throw new RefusedException(where + ": features.std[" + k + "]: must be > 0, got " + r.std[k]);
    }
    JSONObject support = Json.object(features, "support", where + ": features");
    copy(Json.numbers(support.optJSONArray("min"), width, where + ": features.support.min"), r.supportMin);
    copy(Json.numbers(support.optJSONArray("max"), width, where + ": features.support.max"), r.supportMax);
    // The quantiles are not used for the decision, but a manifest with broken ones is broken.
    Json.numbers(support.optJSONArray("q001"), width, where + ": features.support.q001");
    Json.numbers(support.optJSONArray("q999"), width, where + ": features.support.q999");
    return r;
  }

  private static void copy(double[] from, double[] to) {
    System.arraycopy(from, 0, to, 0, to.length);
  }

  /** Raw (unnormalised) features into `raw`. */
  public void raw(SystemState state, float[] raw) {
    for (int k = 0; k < raw.length; k++) {
      double value = state.field(fields[k], indices[k]);
      raw[k] = (float) (log[k] ? Math.log(value) : value);
    }
  }

  /** Any raw feature outside the training [min, max]. */
  public boolean outOfSupport(float[] raw) {
    for (int k = 0; k < raw.length; k++) {
      if (raw[k] < supportMin[k] || raw[k] > supportMax[k]) return true;
    }
    return false;
  }

  /** (raw - mean) / std into `input`. */
  public void normalise(float[] raw, float[] input) {
    for (int k = 0; k < raw.length; k++) input[k] = (float) (((double) raw[k] - mean[k]) / std[k]);
  }
}
