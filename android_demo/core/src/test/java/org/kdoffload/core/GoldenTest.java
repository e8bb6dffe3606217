package org.kdoffload.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/**
 * The Java decision path reproduces every golden vector of a manifest through the real .pte:
 * features, logits, out-of-support, argmax, top-K and guarded placements and delays, greedy.
 */
public class GoldenTest {
  static final String FP32 = "student_xnnpack_fp32";
  static final String SHIPPED = "student_xnnpack_int8";

  private static void replay(Path manifestPath) {
    ModelFiles files = ModelFiles.ofManifest(manifestPath);
    Manifest m = Manifest.read(files.manifest, null);
    assertEquals(64, files.checkPte(m.program).length());
    EtModel model = EtModel.load(files.pte.toString(), m.recipe.width(), 1);
    try {
      GoldenCheck.Report report = GoldenCheck.run(m, model);
      assertTrue(manifestPath + ": " + (report.failures.isEmpty() ? "" : report.failures.get(0)), report.passed());
      assertEquals(m.golden.size(), report.vectors);
      assertTrue(manifestPath.toString(), report.maxLogitError <= m.program.logitTolerance);
      boolean anyOutOfSupport = false;
      for (GoldenRecord g : m.golden) anyOutOfSupport |= g.outOfSupport;
      assertTrue(manifestPath + ": some golden state is out of support (the wide-K path)", anyOutOfSupport);
    } finally {
      model.close();
    }
  }

  /** Every student program of the native fixture (fp32, and int8 as shipped) and of the user's export. */
  @Test
  public void everyStudentProgramReplays() {
    List<Path> manifests = Vectors.manifests("kdoffload.fixture", "kdoffload.user_export", "student_");
    Path fixture = Vectors.folder("kdoffload.fixture");
    assertTrue(String.valueOf(manifests), manifests.contains(fixture.resolve(FP32 + ".manifest.json")));
    assertTrue(String.valueOf(manifests), manifests.contains(fixture.resolve(SHIPPED + ".manifest.json")));
    for (Path manifest : manifests) replay(manifest);
  }

  @Test
  public void guardedIsNeverWorseThanGreedyOrASingleSite() {
    Path folder = Vectors.folder("kdoffload.fixture");
    Manifest m = Manifest.read(folder.resolve(FP32 + ".manifest.json"), null);
    Schedule schedule = new Schedule(m.profile);
    Greedy greedy = new Greedy(m.profile);
    // Any logits at all: uniform ones make the top-K arbitrary, the guarantee must still hold.
    Decider d = Decider.of(m, input -> new float[3 * m.profile.n], Decider.Decoder.GUARDED, 1);
    for (GoldenRecord g : m.golden) {
      double got = d.decide(g.state).delayS;
      assertTrue(got <= schedule.delay(g.state, greedy.decide(g.state)));
      for (int site = 0; site < 3; site++) {
        assertTrue(got <= schedule.delay(g.state, Decoding.everywhere(m.profile.n, site)));
      }
    }
  }
}
