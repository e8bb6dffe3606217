package org.kdoffload.core;

import org.json.JSONArray;
import org.json.JSONObject;

/**
 * What the phone observed of its network when it decides (model/observation.py): the rates it
 * probed per wireless direction, oldest first, and the seconds queued on its core and links.
 * {@link #summary()} is the nine fields the feature recipe reads, computed as the Python
 * reference and the C++ core (kdo::summarise) compute them: relative to one probe, summed in order.
 */
public final class Observation {
  public static final int HISTORY = 8;
  public static final String[] FIELDS = {
    "rate_up_hmean", "rate_up_min", "rate_up_spread", "rate_down_hmean", "rate_down_min",
    "rate_down_spread", "backlog_device", "backlog_up", "backlog_down"
  };

  final double[] rateUpHistory;
  final double[] rateDownHistory;
  final double backlogDevice;
  final double backlogUp;
  final double backlogDown;

  public Observation(double[] rateUpHistory, double[] rateDownHistory, double backlogDevice,
                     double backlogUp, double backlogDown) {
    if (rateUpHistory.length != HISTORY || rateDownHistory.length != HISTORY) {
      throw new IllegalArgumentException("a rate history holds " + HISTORY + " probes");
    }
    this.rateUpHistory = rateUpHistory;
    this.rateDownHistory = rateDownHistory;
    this.backlogDevice = backlogDevice;
    this.backlogUp = backlogUp;
    this.backlogDown = backlogDown;
  }

  /** The nine summary fields, in FIELDS order. */
  public double[] summary() {
    double[] out = new double[FIELDS.length];
    rates(rateUpHistory, out, 0);
    rates(rateDownHistory, out, 3);
    out[6] = backlogDevice;
    out[7] = backlogUp;
    out[8] = backlogDown;
    return out;
  }

  // Harmonic mean relative to the last probe, spread relative to the first: a history that
  // holds still gives its rate and a spread of exactly 0.
  private static void rates(double[] history, double[] out, int at) {
    double last = history[HISTORY - 1];
    double firstLog = Math.log(history[0]);
    double ratio = 0, shift = 0, square = 0, low = history[0];
    for (int k = 0; k < HISTORY; k++) {
      ratio += last / history[k];
      double d = Math.log(history[k]) - firstLog;
      shift += d;
      square += d * d;
      low = Math.min(low, history[k]);
    }
    double meanShift = shift / HISTORY;
    out[at] = last * HISTORY / ratio;
    out[at + 1] = low;
    out[at + 2] = Math.sqrt(Math.max(square / HISTORY - meanShift * meanShift, 0.0));
  }

  /** A golden record's `observation` object (docs/formats.md); `where` names it in errors. */
  public static Observation fromJson(JSONObject o, String where) {
    return new Observation(history(o, "rate_up_history", where), history(o, "rate_down_history", where),
        backlog(o, "backlog_device", where), backlog(o, "backlog_up", where),
        backlog(o, "backlog_down", where));
  }

  private static double[] history(JSONObject o, String name, String where) {
    JSONArray a = o.optJSONArray(name);
    if (a == null || a.length() != HISTORY) {
      throw new RefusedException(where + "." + name + ": expected a list of " + HISTORY + " rates");
    }
    double[] out = new double[HISTORY];
    for (int k = 0; k < HISTORY; k++) {
      out[k] = a.optDouble(k, Double.NaN);
      if (!(out[k] > 0) || Double.isInfinite(out[k])) {
        throw new RefusedException(where + "." + name + "[" + k + "]: must be a finite rate > 0");
      }
    }
    return out;
  }

  private static double backlog(JSONObject o, String name, String where) {
    double v = o.optDouble(name, Double.NaN);
    if (!(v >= 0) || Double.isInfinite(v)) throw new RefusedException(where + "." + name + ": must be a finite number >= 0");
    return v;
  }
}
