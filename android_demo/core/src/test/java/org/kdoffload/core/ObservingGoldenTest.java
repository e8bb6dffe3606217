package org.kdoffload.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.json.JSONObject;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * An observing profile's manifest (chain6-dyn, written by android_demo/host/write_vectors.py):
 * its decoder scores candidates from the observed backlogs, and the Java golden check replays
 * its records, made behind non-zero queues, placement for placement. The model is the records'
 * own logits (no .pte): what is checked is the decoding.
 */
public class ObservingGoldenTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static Path manifestPath() throws Exception {
    return Vectors.folder("kdoffload.vectors").resolve("chain6-dyn.manifest.json");
  }

  /** The golden record's logits for its own features. */
  private static Decider.Forward replay(Manifest m) {
    return input -> {
      for (GoldenRecord g : m.golden) if (Arrays.equals(g.features, input)) return g.logits.clone();
      throw new AssertionError("no golden record has these features");
    };
  }

  @Test
  public void itsGoldenRecordsReplayWithBacklogScoring() throws Exception {
    Manifest m = Manifest.read(manifestPath(), "chain6-dyn");
    assertEquals(Decider.RateEstimate.BACKLOG, m.program.rateEstimate);
    boolean queued = false;
    for (GoldenRecord g : m.golden) queued |= g.state.backlogs() != null && g.state.backlogs()[0] > 0;
    assertTrue("some record decided behind a queue", queued);
    GoldenCheck.Report report = GoldenCheck.run(m, replay(m));
    assertTrue(report.failures.toString(), report.passed());
    assertEquals(m.golden.size(), report.vectors);
  }

  @Test
  public void readAsCurrentTheRecordsDoNotReplay() throws Exception {
    JSONObject json = new JSONObject(new String(Files.readAllBytes(manifestPath()), StandardCharsets.UTF_8));
    json.getJSONObject("decoder").remove("rate_estimate");
    Path copy = tmp.newFile("chain6-dyn.manifest.json").toPath();
    Files.write(copy, json.toString().getBytes(StandardCharsets.UTF_8));
    Manifest m = Manifest.read(copy, "chain6-dyn");
    assertEquals(Decider.RateEstimate.CURRENT, m.program.rateEstimate);
    assertFalse(GoldenCheck.run(m, replay(m)).passed());
  }
}
