package org.kdoffload.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The manifest beside a .pte, format version 2 (docs/formats.md). Reading it checks every key
 * the decision path relies on and refuses, with one line naming the file and the field, what
 * it cannot trust. The .pte itself is checked by `ModelFiles`.
 */
public final class Manifest {
  public static final int FORMAT_VERSION = 2;

  public final Path path;
  public final Profile profile;
  public final FeatureRecipe recipe;
  public final int[] outputShape;
  public final ProgramRecord program;
  public final List<GoldenRecord> golden;

  private Manifest(Path path, JSONObject m) {
    this.path = path;
    String where = path.toString();
    checkVersion(m, where);
    try {
      profile = Profile.fromJson(Json.object(m, "profile", where));
    } catch (JSONException | IllegalArgumentException e) {
      throw new RefusedException(where + ": profile: " + e.getMessage());
    }
    checkDerived(m.optJSONObject("profile"), "entries", profile.entries, where);
    checkDerived(m.optJSONObject("profile"), "exits", profile.exits, where);
    recipe = FeatureRecipe.fromJson(Json.object(m, "features", where), profile.n, where);
    int[] inputShape = Json.integers(m.optJSONArray("input_shape"), 2, where + ": input_shape");
    if (inputShape[0] != 1 || inputShape[1] != recipe.width()) {
      throw new RefusedException(where + ": input_shape: expected [1, " + recipe.width() + "] (the recipe's width)");
    }
    outputShape = Json.integers(m.optJSONArray("output_shape"), 3, where + ": output_shape");
    if (outputShape[0] != 1 || outputShape[1] != profile.n || outputShape[2] != 3) {
      throw new RefusedException(where + ": output_shape: expected [1, " + profile.n + ", 3]");
    }
    program = new ProgramRecord(path, m);
    golden = goldenRecords(m, profile, recipe.width(), where);
  }

  static void checkVersion(JSONObject m, String where) {
    Object version = m.opt("format_version");
    if (!(version instanceof Integer) || (Integer) version != FORMAT_VERSION) {
      throw new RefusedException(where + ": format_version is " + version + ", this reader reads " + FORMAT_VERSION);
    }
  }

  // entries and exits follow from the edges; a manifest that says otherwise is inconsistent.
  private static void checkDerived(JSONObject profile, String key, int[] derived, String where) {
    if (profile.isNull(key)) return;
    int[] stated = Json.integers(profile.optJSONArray(key), -1, where + ": profile." + key);
    if (!java.util.Arrays.equals(stated, derived)) {
      throw new RefusedException(where + ": profile." + key + " is " + java.util.Arrays.toString(stated)
          + ", the edges give " + java.util.Arrays.toString(derived));
    }
  }

  private static List<GoldenRecord> goldenRecords(JSONObject m, Profile profile, int width, String where) {
    JSONArray records = Json.list(m, "golden", where);
    List<GoldenRecord> list = new ArrayList<>();
    for (int k = 0; k < records.length(); k++) {
      JSONObject record = records.optJSONObject(k);
      String at = where + ": golden[" + k + "]";
      if (record == null) throw new RefusedException(at + ": not an object");
      list.add(new GoldenRecord(record, profile.n, width, at));
    }
    if (list.isEmpty()) throw new RefusedException(where + ": golden: empty (nothing to check the model against)");
    return Collections.unmodifiableList(list);
  }

  /** Reads and checks a manifest; `expectedProfile` (may be null) must match its profile name. */
  public static Manifest read(Path path, String expectedProfile) {
    return of(path, readJson(path), expectedProfile);
  }

  /** The manifest file's JSON object, before any of its fields is checked. */
  static JSONObject readJson(Path path) {
    if (!Files.isRegularFile(path)) throw new RefusedException(path + ": no such manifest");
    try {
      return new JSONObject(Json.read(path));
    } catch (IOException e) {
      throw new RefusedException(path + ": cannot read (" + e.getMessage() + ")");
    } catch (JSONException e) {
      throw new RefusedException(path + ": not a JSON object (" + e.getMessage() + ")");
    }
  }

  static Manifest of(Path path, JSONObject json, String expectedProfile) {
    Manifest manifest = new Manifest(path, json);
    if (expectedProfile != null && !expectedProfile.equals(manifest.profile.name)) {
      throw new RefusedException(path + ": profile.name is " + manifest.profile.name + ", expected " + expectedProfile);
    }
    return manifest;
  }
}
