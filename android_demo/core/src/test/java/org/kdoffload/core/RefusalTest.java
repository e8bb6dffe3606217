package org.kdoffload.core;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A damaged or foreign model is refused with one line naming the file: never a native crash. */
public class RefusalTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();
  private Path pte;
  private Path manifest;

  @Before
  public void copyFixture() throws Exception {
    Path fixture = Vectors.folder("kdoffload.fixture");
    Path dir = tmp.newFolder("model").toPath();
    pte = Files.copy(fixture.resolve(GoldenTest.FP32 + ".pte"), dir.resolve(GoldenTest.FP32 + ".pte"));
    manifest = Files.copy(fixture.resolve(GoldenTest.FP32 + ".manifest.json"),
        dir.resolve(GoldenTest.FP32 + ".manifest.json"));
  }

  /** Loads and checks as BenchRun does; the message of what refused it. */
  private String refusal() {
    return refused().getMessage();
  }

  private RefusedException refused() {
    RefusedException e = assertThrows(RefusedException.class, () -> {
      ModelFiles files = ModelFiles.find(pte.getParent());
      Manifest m = Manifest.read(files.manifest, null);
      files.checkPte(m.program);
      EtModel model = EtModel.load(files.pte.toString(), m.recipe.width(), 1);
      try {
        GoldenCheck.run(m, model).requirePassed(m);
      } finally {
        model.close();
      }
    });
    assertEquals("one line", -1, e.getMessage().indexOf('\n'));
    return e;
  }

  private String manifestText() throws Exception {
    return new String(Files.readAllBytes(manifest), StandardCharsets.UTF_8);
  }

  private void writeManifest(String text) throws Exception {
    Files.write(manifest, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  public void aPteWithOneByteChanged() throws Exception {
    byte[] bytes = Files.readAllBytes(pte);
    bytes[bytes.length / 2] ^= 1;
    Files.write(pte, bytes);
    String message = refusal();
    assertTrue(message, message.contains("sha256") && message.contains(pte.toString()));
  }

  @Test
  public void aManifestWithOneByteChanged() throws Exception {
    // One digit of the first golden logit: the replay must notice.
    String text = manifestText();
    int at = text.indexOf("\"logits\"");
    while (!Character.isDigit(text.charAt(at))) at++;
    char digit = text.charAt(at);
    writeManifest(text.substring(0, at) + (digit == '9' ? '1' : (char) (digit + 1)) + text.substring(at + 1));
    String message = refusal();
    assertTrue(message, message.contains("golden check failed") && message.contains("logit"));
  }

  @Test
  public void anotherFormatVersion() throws Exception {
    writeManifest(manifestText().replaceFirst("\"format_version\": *2", "\"format_version\": 3"));
    String message = refusal();
    assertTrue(message, message.contains(manifest.toString()) && message.contains("format_version is 3"));
  }

  @Test
  public void aMissingPte() throws Exception {
    Files.delete(pte);
    assertTrue(refusal().contains("expected one *.pte"));
    RefusedException e = assertThrows(RefusedException.class,
        () -> ModelFiles.ofManifest(manifest).checkPte(Manifest.read(manifest, null).program));
    assertTrue(e.getMessage(), e.getMessage().contains("no such model"));
  }

  @Test
  public void aMissingManifest() throws Exception {
    Files.delete(manifest);
    assertTrue(refusal().contains("no such manifest"));
  }

  @Test
  public void aGarbageProgramTheManifestVouchesFor() throws Exception {
    Files.write(pte, "not a flatbuffer at all".getBytes(StandardCharsets.UTF_8));
    String digest = ModelFiles.sha256(pte);
    String text = manifestText().replaceFirst("\"sha256\": *\"[0-9a-f]{64}\"", "\"sha256\": \"" + digest + "\"")
        .replaceFirst("\"size_bytes\": *\\d+", "\"size_bytes\": " + Files.size(pte));
    writeManifest(text);
    RefusedException e = refused();
    assertTrue(e.getMessage(), e.getMessage().contains("cannot load forward ([ExecuTorch Error 0x"));
    assertTrue(e.getMessage(), e.getMessage().contains("not a loadable program"));
    // The runtime's own error code, as the benchmark app's load_status carries it.
    assertTrue("load_status " + e.loadStatus, e.loadStatus > 0);
  }

  @Test
  public void aBadStd() throws Exception {
    writeManifest(manifestText().replaceFirst("\"std\": *\\[\\s*[0-9.e+-]+", "\"std\": [0.0"));
    String message = refusal();
    assertTrue(message, message.contains("features.std[0]"));
  }

  @Test
  public void aMissingKeyAndAZeroK() throws Exception {
    String text = manifestText();
    writeManifest(text.replaceFirst("\"ood_top_k\": *\\d+", "\"ood_top_k\": 0"));
    assertTrue(refusal().contains("decoder.ood_top_k: must be >= 1"));
    writeManifest(text.replaceFirst("\"verification\"", "\"checked_by\""));
    assertTrue(refusal().contains("verification: missing"));
  }

  @Test
  public void anUnknownRateEstimate() throws Exception {
    writeManifest(manifestText().replaceFirst("\"ood_top_k\": *(\\d+)", "\"ood_top_k\": $1, \"rate_estimate\": \"mean\""));
    String message = refusal();
    assertTrue(message, message.contains("decoder.rate_estimate: expected current or backlog, got mean"));
  }
}
