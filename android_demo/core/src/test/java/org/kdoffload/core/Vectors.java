package org.kdoffload.core;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * What the tests read: Python's vectors, the native fixture and the stand-in exports (all made by
 * `make java-test` from nothing, so a test fails, not skips, without them), and a user's trained
 * exports in runs/ (read too where they exist, never needed).
 */
final class Vectors {
  private Vectors() {}

  /** A folder named by a system property the Makefile sets and fills; the test fails without it. */
  static Path folder(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isEmpty()) fail(property + " not set (make java-test sets it)");
    Path path = Paths.get(value);
    if (!Files.isDirectory(path)) fail(property + ": " + path + " absent (make java-test makes it)");
    return path;
  }

  /**
   * The manifests named `prefix*.manifest.json` in the folder of `property` (at least one), then
   * those in the user's export named by `userProperty` when it holds any: the programs the tests
   * replay are the ones the manifests name, whichever builds an export shipped.
   */
  static List<Path> manifests(String property, String userProperty, String prefix) {
    Path fixture = folder(property);
    List<Path> found = manifestsIn(fixture, prefix);
    assertTrue(fixture + " holds no " + prefix + "*.manifest.json", !found.isEmpty());
    String user = System.getProperty(userProperty);
    if (user != null && !user.isEmpty() && Files.isDirectory(Paths.get(user))) {
      found.addAll(manifestsIn(Paths.get(user), prefix));
    }
    return found;
  }

  static List<Path> manifestsIn(Path folder, String prefix) {
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(folder, prefix + "*.manifest.json")) {
      for (Path p : stream) found.add(p);
    } catch (IOException e) {
      throw new AssertionError(folder + ": cannot list (" + e.getMessage() + ")", e);
    }
    Collections.sort(found);
    return found;
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
