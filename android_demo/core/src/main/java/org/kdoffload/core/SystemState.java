package org.kdoffload.core;

import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/** One system state in SI units (cycles, bits, Hz, bit/s, s): the golden record's `state`. */
public final class SystemState {
  public static final String[] SUBTASK_FIELDS = {"cycles", "out_bits", "in_bits"};
  public static final String[] SCALAR_FIELDS = {
    "f_device", "f_edge", "f_cloud", "edge_wait", "rate_up", "rate_down",
    "lat_wireless", "rate_backhaul", "lat_backhaul"
  };

  public final double[] cycles;
  public final double[] outBits;
  public final double[] inBits;
  // f_device, f_edge, f_cloud, edge_wait, rate_up, rate_down, lat_wireless, rate_backhaul,
  // lat_backhaul: in SCALAR_FIELDS order, so a recipe can address them by name.
  private final double[] scalars;
  // Observation.summary() of what the phone observed, or null: held still, nothing queued.
  private final double[] observed;

  public SystemState(double[] cycles, double[] outBits, double[] inBits, double[] scalars) {
    this(cycles, outBits, inBits, scalars, null);
  }

  private SystemState(double[] cycles, double[] outBits, double[] inBits, double[] scalars, double[] observed) {
    if (scalars.length != SCALAR_FIELDS.length) throw new IllegalArgumentException("scalars");
    this.cycles = cycles;
    this.outBits = outBits;
    this.inBits = inBits;
    this.scalars = scalars;
    this.observed = observed;
  }

  /** This state as decided with what the phone observed (profiles with an observation recipe). */
  public SystemState observing(Observation observation) {
    return new SystemState(cycles, outBits, inBits, scalars, observation.summary());
  }

  /**
   * The seconds queued on the phone's core, uplink and downlink that the observation saw
   * ({device, up, down}, a new array), or null without one: an idle phone.
   */
  public double[] backlogs() {
    if (observed == null) return null;
    return new double[] {observed[6], observed[7], observed[8]};
  }

  // Without an observation the network held still at this state's rates (model/observation.py).
  private double observedField(int k) {
    if (observed != null) return observed[k];
    switch (Observation.FIELDS[k]) {
      case "rate_up_hmean": case "rate_up_min": return rateUp();
      case "rate_down_hmean": case "rate_down_min": return rateDown();
      default: return 0.0;
    }
  }

  public double fDevice() { return scalars[0]; }
  public double fEdge() { return scalars[1]; }
  public double fCloud() { return scalars[2]; }
  public double edgeWait() { return scalars[3]; }
  public double rateUp() { return scalars[4]; }
  public double rateDown() { return scalars[5]; }
  public double latWireless() { return scalars[6]; }
  public double rateBackhaul() { return scalars[7]; }
  public double latBackhaul() { return scalars[8]; }

  /** A field by its state name: per-subtask fields need an index, per-state ones ignore it. */
  public double field(String name, int index) {
    switch (name) {
      case "cycles": return cycles[index];
      case "out_bits": return outBits[index];
      case "in_bits": return inBits[index];
      default:
        for (int k = 0; k < SCALAR_FIELDS.length; k++) if (SCALAR_FIELDS[k].equals(name)) return scalars[k];
        for (int k = 0; k < Observation.FIELDS.length; k++) if (Observation.FIELDS[k].equals(name)) return observedField(k);
        throw new IllegalArgumentException("no state field " + name);
    }
  }

  public static boolean isField(String name) {
    for (String f : SUBTASK_FIELDS) if (f.equals(name)) return true;
    for (String f : SCALAR_FIELDS) if (f.equals(name)) return true;
    for (String f : Observation.FIELDS) if (f.equals(name)) return true;
    return false;
  }

  public static boolean isSubtaskField(String name) {
    for (String f : SUBTASK_FIELDS) if (f.equals(name)) return true;
    return false;
  }

  /**
   * A state object with every field, per-subtask ones as n numbers; `where` names it in errors.
   * Every value must be finite, and every clock and rate positive.
   */
  public static SystemState fromJson(JSONObject o, int n, String where) {
    double[][] perSubtask = new double[3][];
    for (int f = 0; f < 3; f++) perSubtask[f] = numbers(o, SUBTASK_FIELDS[f], n, where);
    double[] scalars = new double[SCALAR_FIELDS.length];
    for (int k = 0; k < scalars.length; k++) {
      String name = SCALAR_FIELDS[k];
      scalars[k] = number(o, name, where);
      boolean positive = name.startsWith("f_") || name.startsWith("rate_");
      if (positive ? !(scalars[k] > 0) : !(scalars[k] >= 0)) {
        throw new RefusedException(where + "." + name + ": must be " + (positive ? "> 0" : ">= 0")
            + ", got " + scalars[k]);
      }
    }
    return new SystemState(perSubtask[0], perSubtask[1], perSubtask[2], scalars);
  }

  private static double number(JSONObject o, String name, String where) {
    if (!o.has(name)) throw new RefusedException(where + "." + name + ": missing");
    double v = o.optDouble(name, Double.NaN);
    if (!Double.isFinite(v)) throw new RefusedException(where + "." + name + ": not a finite number");
    return v;
  }

  private static double[] numbers(JSONObject o, String name, int n, String where) {
    JSONArray a = o.optJSONArray(name);
    if (a == null || a.length() != n) {
      throw new RefusedException(where + "." + name + ": expected a list of " + n + " numbers");
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = a.optDouble(i, Double.NaN);
      if (!Double.isFinite(out[i]) || out[i] < 0) {
        throw new RefusedException(where + "." + name + "[" + i + "]: not a finite number >= 0");
      }
    }
    return out;
  }

  public JSONObject toJson() throws JSONException {
    JSONObject o = new JSONObject();
    o.put("cycles", Json.array(cycles));
    o.put("out_bits", Json.array(outBits));
    o.put("in_bits", Json.array(inBits));
    for (int k = 0; k < SCALAR_FIELDS.length; k++) o.put(SCALAR_FIELDS[k], scalars[k]);
    return o;
  }
}
