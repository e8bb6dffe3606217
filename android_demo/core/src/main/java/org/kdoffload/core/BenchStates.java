package org.kdoffload.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * bench_states.json, written by mobile_export/bench_states.py: {"profile": name, "states":
 * [state, ...], "arrivals_s": [...]} (states in the golden record's shape; arrivals optional,
 * non-decreasing seconds, used for the task stream).
 */
public final class BenchStates {
  public final String profile;
  public final List<SystemState> states;
  public final double[] arrivalsS; // null when the file has none

  public BenchStates(String profile, List<SystemState> states, double[] arrivalsS) {
    this.profile = profile;
    this.states = states;
    this.arrivalsS = arrivalsS;
  }

  public static BenchStates read(Path path, Profile expected) {
    String where = path.toString();
    JSONObject o = Json.readObject(path);
    String profile = Json.string(o, "profile", where);
    if (!profile.equals(expected.name)) {
      throw new RefusedException(where + ": profile is " + profile + ", the model is for " + expected.name);
    }
    JSONArray raw = Json.list(o, "states", where);
    if (raw.length() == 0) throw new RefusedException(where + ": states: empty");
    List<SystemState> states = new ArrayList<>();
    for (int k = 0; k < raw.length(); k++) {
      JSONObject s = raw.optJSONObject(k);
      if (s == null) throw new RefusedException(where + ": states[" + k + "]: not an object");
      states.add(SystemState.fromJson(s, expected.n, where + ": states[" + k + "]"));
    }
    double[] arrivals = null;
    if (!o.isNull("arrivals_s")) {
      arrivals = Json.numbers(o.optJSONArray("arrivals_s"), -1, where + ": arrivals_s");
      for (int k = 0; k < arrivals.length; k++) {
        if (arrivals[k] < 0 || (k > 0 && arrivals[k] < arrivals[k - 1])) {
          throw new RefusedException(where + ": arrivals_s[" + k + "]: must be >= 0 and not before the previous");
        }
      }
    }
    return new BenchStates(profile, states, arrivals);
  }

  /** The golden states of a manifest, when the folder has no bench_states.json. */
  public static BenchStates ofGolden(Manifest m) {
    List<SystemState> states = new ArrayList<>();
    for (GoldenRecord g : m.golden) states.add(g.state);
    if (states.isEmpty()) throw new RefusedException(m.path + ": golden: empty, and no " + ModelFiles.BENCH_STATES);
    return new BenchStates(m.profile.name, states, null);
  }
}
