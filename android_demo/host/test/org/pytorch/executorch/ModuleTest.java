package org.pytorch.executorch;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The host build of ExecuTorch's Java API over JNI: right answers, and exceptions, never crashes. */
public class ModuleTest {
  @Rule public TemporaryFolder tmp = new TemporaryFolder();

  private static Path fixture(String file) {
    String dir = System.getProperty("kdoffload.fixture");
    assumeTrue("kdoffload.fixture not set", dir != null);
    Path path = Paths.get(dir, file);
    assumeTrue(path + " absent", Files.isRegularFile(path));
    return path;
  }

  @Test
  public void forwardGivesTheGoldenLogits() throws Exception {
    Path pte = fixture("student_xnnpack_fp32.pte");
    JSONObject manifest = new JSONObject(new String(Files.readAllBytes(
        fixture("student_xnnpack_fp32.manifest.json")), StandardCharsets.UTF_8));
    JSONObject golden = manifest.getJSONArray("golden").getJSONObject(0);
    JSONArray features = golden.getJSONArray("features");
    float[] input = new float[features.length()];
    for (int k = 0; k < input.length; k++) input[k] = (float) features.getDouble(k);
    Module module = Module.load(pte.toString());
    module.loadMethod("forward"); // void since 1.3: a failure is an ExecutorchRuntimeException
    EValue[] out = module.forward(EValue.from(Tensor.fromBlob(input, new long[] {1, input.length})));
    assertEquals(1, out.length);
    JSONArray rows = golden.getJSONArray("logits");
    assertArrayEquals(new long[] {1, rows.length(), 3}, out[0].toTensor().shape());
    float[] logits = out[0].toTensor().getDataAsFloatArray();
    for (int k = 0; k < logits.length; k++) {
      assertEquals(rows.getJSONArray(k / 3).getDouble(k % 3), logits[k], 1e-4);
    }
    module.destroy();
    assertThrows(IllegalStateException.class, () -> module.forward(EValue.from(Tensor.fromBlob(input, new long[] {1, input.length}))));
  }

  @Test
  public void aWrongShapeIsAnException() {
    Module module = Module.load(fixture("student_xnnpack_fp32.pte").toString());
    ExecutorchRuntimeException e = assertThrows(ExecutorchRuntimeException.ExecutorchInvalidArgumentException.class,
        () -> module.forward(EValue.from(Tensor.fromBlob(new float[3], new long[] {1, 3}))));
    assertEquals(ExecutorchRuntimeException.INVALID_ARGUMENT, e.getErrorCode());
    assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("shape"));
    assertThrows(IllegalArgumentException.class, () -> Tensor.fromBlob(new float[3], new long[] {1, 4}));
    assertThrows(ExecutorchRuntimeException.class, () -> module.forward());
    assertThrows(ExecutorchRuntimeException.class, () -> module.loadMethod("backward"));
    module.destroy();
    assertThrows(IllegalStateException.class, () -> module.loadMethod("forward"));
  }

  @Test
  public void badFilesAreExceptions() throws Exception {
    // As the AAR: load checks the path, loadMethod reads the program.
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Module.load(tmp.getRoot() + "/none.pte"));
    assertTrue(missing.getMessage(), missing.getMessage().contains("path does not exist"));
    Path garbage = tmp.newFile("garbage.pte").toPath();
    Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    Module module = Module.load(garbage.toString());
    ExecutorchRuntimeException bad = assertThrows(ExecutorchRuntimeException.class, () -> module.loadMethod("forward"));
    assertTrue(bad.getMessage(), bad.getMessage().contains("not a loadable program"));
    assertTrue(bad.getMessage(), bad.getMessage().startsWith("[ExecuTorch Error 0x"));
    // The first half of a real program: a truncated file must not crash the runtime either.
    byte[] real = Files.readAllBytes(fixture("student_xnnpack_fp32.pte"));
    Path truncated = tmp.newFile("truncated.pte").toPath();
    Files.write(truncated, java.util.Arrays.copyOf(real, real.length / 2));
    assertThrows(ExecutorchRuntimeException.class, () -> Module.load(truncated.toString()).loadMethod("forward"));
  }

  /**
   * ExecuTorch does not verify a delegate's payload: some single flipped bits in the XNNPACK
   * blob segfault the runtime. The load probe must turn each of those into an exception too
   * (a crash here takes the whole test JVM down, which fails the run).
   */
  @Test
  public void flippedBitsNeverCrashTheJvm() throws Exception {
    byte[] real = Files.readAllBytes(fixture("student_xnnpack_fp32.pte"));
    int width = new JSONObject(new String(Files.readAllBytes(fixture("student_xnnpack_fp32.manifest.json")),
        StandardCharsets.UTF_8)).getJSONArray("input_shape").getInt(1);
    Path flipped = tmp.newFile("flipped.pte").toPath();
    java.util.Random random = new java.util.Random(1);
    int refused = 0;
    for (int trial = 0; trial < 300; trial++) {
      byte[] bytes = real.clone();
      bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
      Files.write(flipped, bytes);
      try {
        Module module = Module.load(flipped.toString());
        module.forward(EValue.from(Tensor.fromBlob(new float[width], new long[] {1, width})));
        module.destroy();
      } catch (ExecutorchRuntimeException e) {
        assertTrue(e.getMessage(), e.getMessage().contains(flipped.toString()) || e.getMessage().contains("failed"));
        refused++;
      }
    }
    assertTrue("some flips must be refused", refused > 0);
  }
}
