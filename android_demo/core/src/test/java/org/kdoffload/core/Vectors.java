package org.kdoffload.core;

import static org.junit.Assume.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.json.JSONArray;
import org.json.JSONObject;

/** What the tests read: Python's vectors, the native fixture, the real export (each may be absent). */
final class Vectors {
  private Vectors() {}

  /** A folder named by a system property (set by the Makefile); the test is skipped without it. */
  static Path folder(String property) {
    String value = System.getProperty(property);
    assumeTrue(property + " not set", value != null && !value.isEmpty());
    Path path = Paths.get(value);
    assumeTrue(path + " absent", Files.isDirectory(path));
    return path;
  }

  static JSONObject read(Path file) throws Exception {
    return new JSONObject(Json.read(file));
  }

  static int[][] placements(JSONArray rows) throws Exception {
    int[][] out = new int[rows.length()][];
    for (int k = 0; k < out.length; k++) out[k] = Json.integers(rows.getJSONArray(k), -1, "placements");
    return out;
  }

  static SystemState[] states(JSONArray rows, int n) throws Exception {
    SystemState[] out = new SystemState[rows.length()];
    for (int k = 0; k < out.length; k++) out[k] = SystemState.fromJson(rows.getJSONObject(k), n, "states[" + k + "]");
    return out;
  }

  static double relativeError(double got, double expected) {
    return Math.abs(got - expected) / Math.abs(expected);
  }
}
