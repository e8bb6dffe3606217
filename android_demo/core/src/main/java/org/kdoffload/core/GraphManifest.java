package org.kdoffload.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONObject;

/**
 * The manifest beside the graph student's .pte (kind "graph-student", format version 2;
 * mobile_export/graph_export.py, docs/formats.md "Graph features"): the feature recipe's version
 * and its two normalisers, the four input shapes, the decoder's K, the golden vectors on graphs
 * of several sizes. Reading it refuses, with one line naming the file and the field, anything
 * the decision path cannot trust. The .pte itself is checked by `ModelFiles`.
 */
public final class GraphManifest {
  public static final String KIND = "graph-student";
  public static final int RECIPE_VERSION = 1;
  // Passes of the one-flip local search when the manifest does not say (the value of
  // model.graph_decoding.LOCAL_SEARCH_PASSES; the golden placements are made with it).
  static final int DEFAULT_LOCAL_SEARCH_PASSES = 8;
  private static final int N = GraphFeatures.N_MAX;
  // nodes, scalars, adjacency, mask: the program's inputs in this order (GraphFeatures.Inputs).
  static final long[][] INPUT_SHAPES = {
    {1, N, GraphFeatures.NODE_FEATURES}, {1, GraphFeatures.SCALAR_FEATURES}, {1, N, N}, {1, N}
  };

  public final Path path;
  public final ProgramRecord program;
  public final long[][] inputShapes; // the manifest's input_shapes: INPUT_SHAPES, as checked
  final double[] nodeMean;
  final double[] nodeStd;
  final double[] scalarMean;
  final double[] scalarStd;
  public final int localSearchPasses;
  /** decoder.pair_work (absent: 0, no pair moves, the decoder before them). */
  public final int pairWork;
  public final List<GraphGolden> golden;

  private GraphManifest(Path path, JSONObject m) {
    this.path = path;
    String where = path.toString();
    Manifest.checkVersion(m, where);
    if (!KIND.equals(m.opt("kind"))) throw new RefusedException(where + ": kind is " + m.opt("kind") + ", expected " + KIND);
    JSONObject recipe = Json.object(m, "graph_features", where);
    int version = Json.integer(recipe, "version", where + ": graph_features");
    if (version != RECIPE_VERSION) {
      throw new RefusedException(where + ": graph_features.version is " + version + ", this reader builds " + RECIPE_VERSION);
    }
    if (Json.integer(recipe, "n_max", where + ": graph_features") != N) {
      throw new RefusedException(where + ": graph_features.n_max: expected " + N);
    }
    JSONObject node = Json.object(recipe, "node", where + ": graph_features");
    JSONObject scalar = Json.object(recipe, "scalar", where + ": graph_features");
    nodeMean = Json.numbers(node.optJSONArray("mean"), GraphFeatures.NODE_FEATURES, where + ": graph_features.node.mean");
    nodeStd = deviations(node, GraphFeatures.NODE_FEATURES, where + ": graph_features.node.std");
    scalarMean = Json.numbers(scalar.optJSONArray("mean"), GraphFeatures.SCALAR_FEATURES, where + ": graph_features.scalar.mean");
    scalarStd = deviations(scalar, GraphFeatures.SCALAR_FEATURES, where + ": graph_features.scalar.std");
    inputShapes = shapes(m, where);
    program = new ProgramRecord(path, m);
    if (program.defaultDecoder == Decider.Decoder.TOPK) {
      throw new RefusedException(where + ": decoder.default: a graph student decodes argmax or guarded");
    }
    JSONObject decoder = Json.object(m, "decoder", where);
    localSearchPasses = decoder.has("local_search_passes")
        ? Json.integer(decoder, "local_search_passes", where + ": decoder") : DEFAULT_LOCAL_SEARCH_PASSES;
    if (localSearchPasses < 0) throw new RefusedException(where + ": decoder.local_search_passes: must be >= 0");
    pairWork = decoder.has("pair_work") ? Json.integer(decoder, "pair_work", where + ": decoder") : 0;
    if (pairWork < 0) throw new RefusedException(where + ": decoder.pair_work: must be >= 0");
    golden = goldenRecords(Json.list(m, "golden", where), where);
  }

  private static double[] deviations(JSONObject o, int length, String where) {
    double[] std = Json.numbers(o.optJSONArray("std"), length, where);
    for (int k = 0; k < std.length; k++) if (!(std[k] > 0)) throw new RefusedException(where + "[" + k + "]: must be > 0");
    return std;
  }

  /** The four input shapes, refused unless they are the recipe's; output_shape checked too. */
  private static long[][] shapes(JSONObject m, String where) {
    JSONArray listed = Json.list(m, "input_shapes", where);
    long[][] shapes = new long[listed.length()][];
    boolean same = shapes.length == INPUT_SHAPES.length;
    for (int k = 0; k < shapes.length; k++) {
      shapes[k] = Arrays.stream(Json.integers(listed.optJSONArray(k), -1, where + ": input_shapes[" + k + "]")).asLongStream().toArray();
      same = same && Arrays.equals(shapes[k], INPUT_SHAPES[k]);
    }
    if (!same) throw new RefusedException(where + ": input_shapes: expected " + Arrays.deepToString(INPUT_SHAPES) + " (recipe version 1)");
    int[] out = Json.integers(m.optJSONArray("output_shape"), 3, where + ": output_shape");
    if (out[0] != 1 || out[1] != N || out[2] != 3) throw new RefusedException(where + ": output_shape: expected [1, " + N + ", 3]");
    return shapes;
  }

  private static List<GraphGolden> goldenRecords(JSONArray records, String where) {
    List<GraphGolden> list = new ArrayList<>();
    for (int k = 0; k < records.length(); k++) {
      JSONObject record = records.optJSONObject(k);
      String at = where + ": golden[" + k + "]";
      if (record == null) throw new RefusedException(at + ": not an object");
      list.add(new GraphGolden(record, "golden" + k, at));
    }
    if (list.isEmpty()) throw new RefusedException(where + ": golden: empty (nothing to check the model against)");
    return Collections.unmodifiableList(list);
  }

  /** The network's inputs from raw ones: this manifest's normalisers. */
  public GraphFeatures.Inputs normalised(GraphFeatures.Inputs raw) {
    return GraphFeatures.normalised(raw, nodeMean, nodeStd, scalarMean, scalarStd);
  }

  /** Whether a manifest's JSON is a graph student's (the single-graph manifest has no kind). */
  static boolean isGraph(JSONObject m) {
    return KIND.equals(m.opt("kind"));
  }

  static GraphManifest of(Path path, JSONObject json) {
    return new GraphManifest(path, json);
  }

  public static GraphManifest read(Path path) {
    return of(path, Manifest.readJson(path));
  }
}
