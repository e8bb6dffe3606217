package org.kdoffload.core;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The task graph a graph benchmark decides for, as `kdoffload android push --graph` writes it
 * (kdoffload/android/graph_push.py; the app reads no TOML, so push turns the user's graph file
 * into this JSON): {"format": FORMAT, "version": 1, "name", "digest", "edge_cores", "graph":
 * the graph file's [graph] table}. The digest is the SHA-256 of the graph's structure written
 * as {"n":N,"edges":[[j,i],...]} (no spaces, the file's edge order); the app computes it again
 * and refuses a file whose stated digest differs.
 */
public final class TaskGraphFile {
  public static final String FORMAT = "kdoffload task graph";
  public static final int VERSION = 1;

  public final Profile graph;
  public final String digest;

  private TaskGraphFile(Profile graph, String digest) {
    this.graph = graph;
    this.digest = digest;
  }

  public static TaskGraphFile read(Path path) {
    String where = path.toString();
    JSONObject o = Json.readObject(path);
    if (!FORMAT.equals(o.opt("format")) || !Integer.valueOf(VERSION).equals(o.opt("version"))) {
      throw new RefusedException(where + ": not a task graph file (format \"" + FORMAT + "\", version " + VERSION + ")");
    }
    JSONObject table = Json.object(o, "graph", where);
    int n = Json.integer(table, "n", where + ": graph");
    if (n > GraphFeatures.N_MAX) {
      throw new RefusedException(where + ": graph.n: " + n + " subtasks is more than the " + GraphFeatures.N_MAX + " the graph student takes");
    }
    Profile graph;
    try {
      graph = Profile.fromJson(new JSONObject().put("name", Json.string(o, "name", where)).put("n", n)
          .put("edges", Json.list(table, "edges", where + ": graph"))
          .put("edge_cores", Json.integer(o, "edge_cores", where)));
    } catch (JSONException | IllegalArgumentException e) {
      throw new RefusedException(where + ": graph: " + e.getMessage());
    }
    String digest = digest(graph);
    String stated = Json.string(o, "digest", where);
    if (!stated.equals(digest)) {
      throw new RefusedException(where + ": digest is " + stated + ", the graph's structure gives " + digest);
    }
    return new TaskGraphFile(graph, digest);
  }

  /** SHA-256 (hex) of {"n":N,"edges":[[j,i],...]}: Python's json.dumps(..., separators=(",", ":")). */
  static String digest(Profile graph) {
    StringBuilder text = new StringBuilder("{\"n\":").append(graph.n).append(",\"edges\":[");
    for (int k = 0; k < graph.edges.length; k++) {
      if (k > 0) text.append(',');
      text.append('[').append(graph.edges[k][0]).append(',').append(graph.edges[k][1]).append(']');
    }
    text.append("]}");
    try {
      return ModelFiles.hex(MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
