package org.kdoffload.core;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The graph student on the app's path: its manifest's golden vectors through GraphFeatures, the
 * four-input forward and GraphDecoder (the stand-in export in kdoffload.graph_export, and the
 * user's in kdoffload.user_graph_export where there is one; each program the one its manifest
 * names), a tampered vector refused, and the task graph file the app reads (digest as Python's).
 */
public class GraphStudentTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  /** The graph manifests to replay: the stand-in export's, then the user's. */
  private static List<Path> manifests() {
    return Vectors.manifests("kdoffload.graph_export", "kdoffload.user_graph_export", "graph_");
  }

  /** The stand-in export's manifest (the tests that edit one). */
  private static Path manifest() {
    return manifests().get(0);
  }

  private static EtModel load(GraphManifest m) {
    return EtModel.load(m.path.resolveSibling(m.program.pteFile).toString(), m.inputShapes, 1);
  }

  @Test
  public void goldenVectorsPassOnGraphsOfEverySize() {
    for (Path path : manifests()) {
      GraphManifest m = GraphManifest.read(path);
      EtModel model = load(m);
      GoldenCheck.Report report = GraphGoldenCheck.run(m, model);
      model.close();
      assertTrue(path + ": " + report.failures, report.passed());
      assertEquals(m.golden.size(), report.vectors);
      assertTrue(path + ": graphs up to 64 subtasks", m.golden.stream().anyMatch(g -> g.graph.n == GraphFeatures.N_MAX));
    }
  }

  @Test
  public void aTamperedGoldenLogitIsRefusedInOneLine() throws Exception {
    Path original = manifest();
    JSONObject json = new JSONObject(new String(Files.readAllBytes(original), StandardCharsets.UTF_8));
    JSONObject third = json.getJSONArray("golden").getJSONObject(3);
    JSONArray row = third.getJSONArray("logits").getJSONArray(0);
    row.put(0, row.getDouble(0) + 0.5);
    Path copy = tmp.getRoot().toPath().resolve(original.getFileName().toString());
    Files.write(copy, json.toString().getBytes(StandardCharsets.UTF_8));
    GraphManifest m = GraphManifest.read(copy);
    EtModel model = load(GraphManifest.read(original));
    GoldenCheck.Report report = GraphGoldenCheck.run(m, model);
    model.close();
    RefusedException e = assertThrows(RefusedException.class, () -> report.requirePassed(m.path));
    String n = String.valueOf(third.getJSONObject("graph").getInt("n"));
    assertTrue(e.getMessage(), e.getMessage().contains("golden check failed: golden[3] (n " + n + ") logit [0][0]"));
    assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
  }

  @Test
  public void aDecisionIsNeverAboveGreedyOrHeft() {
    GraphManifest m = GraphManifest.read(manifest());
    EtModel model = load(m);
    GraphGolden g = m.golden.get(m.golden.size() - 1);
    GraphDecider guarded = new GraphDecider(m, g.graph, model, Decider.Decoder.GUARDED, 0);
    Decider.Decision d = guarded.decide(g.state);
    model.close();
    assertArrayEquals(g.guardedPlacement, d.placement);
    Schedule schedule = new Schedule(g.graph);
    assertTrue(d.delayS <= schedule.delay(g.state, new Greedy(g.graph).decide(g.state)));
    assertTrue(d.delayS <= schedule.delay(g.state, new Heft(g.graph).decide(g.state)));
  }

  private GraphManifest edited(java.util.function.Consumer<JSONObject> change) throws Exception {
    JSONObject json = new JSONObject(new String(Files.readAllBytes(manifest()), StandardCharsets.UTF_8));
    change.accept(json);
    Path copy = tmp.getRoot().toPath().resolve("edited.manifest.json");
    Files.write(copy, json.toString().getBytes(StandardCharsets.UTF_8));
    return GraphManifest.read(copy);
  }

  @Test
  public void aManifestTheGraphPathCannotTrustIsRefused() {
    manifest();  // a missing export fails here, not as an unexpected exception inside assertThrows
    String[][] cases = {
      {"kind", "kind is single, expected graph-student"},
      {"input_shapes", "input_shapes: expected [[1, 64, 11], [1, 9], [1, 64, 64], [1, 64]]"},
      {"version", "graph_features.version is 2, this reader builds 1"},
      {"std", "graph_features.node.std[3]: must be > 0"},
    };
    for (String[] c : cases) {
      RefusedException e = assertThrows(RefusedException.class, () -> edited(json -> {
        try {
          switch (c[0]) {
            case "kind": json.put("kind", "single"); break;
            case "input_shapes": json.getJSONArray("input_shapes").getJSONArray(1).put(1, 8); break;
            case "version": json.getJSONObject("graph_features").put("version", 2); break;
            default: json.getJSONObject("graph_features").getJSONObject("node").getJSONArray("std").put(3, 0.0);
          }
        } catch (org.json.JSONException x) {
          throw new AssertionError(x);
        }
      }));
      assertTrue(e.getMessage(), e.getMessage().contains("edited.manifest.json: " + c[1]));
    }
  }

  @Test
  public void aGraphRunNeedsTheGraphStudentAndAGraph() throws Exception {
    GraphManifest shipped = GraphManifest.read(manifest());
    Path model = tmp.newFolder("model").toPath();
    Files.copy(shipped.path, model.resolve(shipped.path.getFileName()));
    Files.copy(shipped.path.resolveSibling(shipped.program.pteFile), model.resolve(shipped.program.pteFile));
    BenchConfig noGraph = new BenchConfig(model, tmp.newFolder("files").toPath(), 10, 0, 0, 0, 1, null);
    DeviceInfo device = new DeviceInfo("test", "x86_64", "host", 0, 0);
    RefusedException e = assertThrows(RefusedException.class, () -> new BenchRun(noGraph, device, line -> { }).run());
    assertTrue(e.getMessage(), e.getMessage().endsWith("decides for a graph given at run time: pass graph_file"));
  }

  private Path taskGraph(int n, String edges, String digest) throws Exception {
    Path file = tmp.getRoot().toPath().resolve("task_graph.json");
    String text = "{\"format\": \"" + TaskGraphFile.FORMAT + "\", \"version\": 1, \"name\": \"line3\", \"edge_cores\": 2, "
        + "\"digest\": \"" + digest + "\", \"graph\": {\"n\": " + n + ", \"edges\": " + edges + "}}";
    Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    return file;
  }

  @Test
  public void theTaskGraphFileIsReadAndItsDigestIsPythons() throws Exception {
    // kdoffload.android.graph_push.digest of this graph.
    String python = "3ad8c01e87ecd335d5d51249a5602f21b12ab20b847ff93bf00364afdebf2b95";
    TaskGraphFile f = TaskGraphFile.read(taskGraph(3, "[[0, 1], [1, 2]]", python));
    assertEquals("line3", f.graph.name);
    assertEquals(3, f.graph.n);
    assertEquals(python, f.digest);
    RefusedException changed = assertThrows(RefusedException.class, () -> TaskGraphFile.read(taskGraph(3, "[[0, 2], [1, 2]]", python)));
    assertTrue(changed.getMessage(), changed.getMessage().contains("digest is " + python + ", the graph's structure gives"));
    RefusedException large = assertThrows(RefusedException.class, () -> TaskGraphFile.read(taskGraph(65, "[]", python)));
    assertTrue(large.getMessage(), large.getMessage().contains("graph.n: 65 subtasks is more than the 64"));
  }
}
