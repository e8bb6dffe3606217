package org.kdoffload.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/** Small org.json helpers: arrays of numbers, typed reads that refuse with the field's name. */
final class Json {
  private Json() {}

  /** Finite values only (org.json refuses NaN and infinities). */
  static JSONArray array(double[] values) {
    JSONArray a = new JSONArray();
    try {
      for (double v : values) a.put(v);
    } catch (JSONException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
    return a;
  }

  static JSONArray array(int[] values) {
    JSONArray a = new JSONArray();
    for (int v : values) a.put(v);
    return a;
  }

  static JSONObject object(JSONObject o, String key, String where) {
    JSONObject v = o.optJSONObject(key);
    if (v == null) throw new RefusedException(where + ": " + key + ": missing or not an object");
    return v;
  }

  static JSONArray list(JSONObject o, String key, String where) {
    JSONArray v = o.optJSONArray(key);
    if (v == null) throw new RefusedException(where + ": " + key + ": missing or not a list");
    return v;
  }

  static int integer(JSONObject o, String key, String where) {
    Object v = o.opt(key);
    if (!(v instanceof Integer || v instanceof Long)) {
      throw new RefusedException(where + ": " + key + ": missing or not an integer");
    }
    return ((Number) v).intValue();
  }

  static String string(JSONObject o, String key, String where) {
    Object v = o.opt(key);
    if (!(v instanceof String)) throw new RefusedException(where + ": " + key + ": missing or not a string");
    return (String) v;
  }

  /** A list of `length` finite numbers (length < 0: any length). */
  static double[] numbers(JSONArray a, int length, String where) {
    if (a == null || (length >= 0 && a.length() != length)) {
      throw new RefusedException(where + ": expected a list of " + (length >= 0 ? length + " " : "") + "numbers");
    }
    double[] out = new double[a.length()];
    for (int k = 0; k < out.length; k++) {
      Object v = a.opt(k);
      if (!(v instanceof Number) || !Double.isFinite(((Number) v).doubleValue())) {
        throw new RefusedException(where + "[" + k + "]: not a finite number");
      }
      out[k] = ((Number) v).doubleValue();
    }
    return out;
  }

  static int[] integers(JSONArray a, int length, String where) {
    if (a == null || (length >= 0 && a.length() != length)) {
      throw new RefusedException(where + ": expected a list of " + (length >= 0 ? length + " " : "") + "integers");
    }
    int[] out = new int[a.length()];
    for (int k = 0; k < out.length; k++) {
      Object v = a.opt(k);
      if (!(v instanceof Integer || v instanceof Long)) throw new RefusedException(where + "[" + k + "]: not an integer");
      out[k] = ((Number) v).intValue();
    }
    return out;
  }

  /** No kdoffload file nests deeper (Python's model/nesting.py and C++ manifest.cpp agree). */
  static final int MAX_DEPTH = 64;

  /**
   * A JSON file's text, refused if its brackets nest deeper than MAX_DEPTH: org.json recurses
   * once per level, and a file nested thousands of levels deep would overflow the stack.
   */
  static String read(Path path) throws IOException {
    String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
    if (depth(text) > MAX_DEPTH) {
      throw new RefusedException(path + ": nested deeper than " + MAX_DEPTH + " levels");
    }
    return text;
  }

  /** The deepest nesting of [ and { outside strings, in one pass without recursion. */
  static int depth(String text) {
    int depth = 0;
    int deepest = 0;
    boolean inString = false;
    for (int k = 0; k < text.length(); k++) {
      char c = text.charAt(k);
      if (inString) {
        if (c == '\\') k++;
        else if (c == '"') inString = false;
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        deepest = Math.max(deepest, ++depth);
      } else if (c == ']' || c == '}') {
        depth--;
      }
    }
    return deepest;
  }

  /** A file that must hold one JSON object; anything else is one refusal naming it. */
  static JSONObject readObject(Path path) {
    try {
      return new JSONObject(read(path));
    } catch (IOException | JSONException e) {
      throw new RefusedException(path + ": not a readable JSON object (" + e.getMessage() + ")");
    }
  }

  /** Temporary file beside the target, then a rename: a crash leaves the old file or the new. */
  static void writeAtomically(Path path, String text) throws IOException {
    Path tmp = path.resolveSibling("." + path.getFileName() + ".tmp");
    Files.write(tmp, text.getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
