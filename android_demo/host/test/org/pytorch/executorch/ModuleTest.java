package org.pytorch.executorch;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

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

  /** `file` in the folder the system property names (make java-test sets it and makes the file). */
  private static Path file(String property, String file) {
    String dir = System.getProperty(property);
    assertTrue(property + " not set (make java-test sets it)", dir != null && !dir.isEmpty());
    Path path = Paths.get(dir, file);
    assertTrue(path + " absent (make java-test makes it)", Files.isRegularFile(path));
    return path;
  }

  private static Path fixture(String file) {
    return file("kdoffload.fixture", file);
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

  /** The runtime's refusals (Method::set_input): another shape 0x10, too many or non-float values 0x12. */
  @Test
  public void wrongInputsAreTheRuntimesRefusals() {
    Module module = Module.load(fixture("student_xnnpack_fp32.pte").toString());
    ExecutorchRuntimeException e = assertThrows(ExecutorchRuntimeException.class,
        () -> module.forward(EValue.from(Tensor.fromBlob(new float[3], new long[] {1, 3}))));
    assertEquals(ExecutorchRuntimeException.NOT_SUPPORTED, e.getErrorCode());
    assertTrue(e.getMessage(), e.getMessage().endsWith("Execution failed for method: forward"));
    assertTrue(e.getCause().getMessage(), e.getCause().getMessage().contains("Attempted to resize a static tensor"));
    assertThrows(IllegalArgumentException.class, () -> Tensor.fromBlob(new float[3], new long[] {1, 4}));
    long[] shape = {1, width()};
    EValue input = EValue.from(Tensor.fromBlob(new float[(int) shape[1]], shape));
    ExecutorchRuntimeException many = assertThrows(ExecutorchRuntimeException.ExecutorchInvalidArgumentException.class,
        () -> module.forward(input, input));
    assertTrue(many.getCause().getMessage(), many.getCause().getMessage().contains("must be less than the number of inputs"));
    assertThrows(ExecutorchRuntimeException.ExecutorchInvalidArgumentException.class,
        () -> module.forward(EValue.from(Tensor.fromBlob(new int[(int) shape[1]], shape))));
    assertThrows(ExecutorchRuntimeException.ExecutorchInvalidArgumentException.class, () -> module.forward(EValue.from(1.0)));
    // No inputs: as the AAR's JNI, the method runs on ones.
    assertEquals(1, module.forward().length);
    assertThrows(ExecutorchRuntimeException.class, () -> module.loadMethod("backward"));
    module.destroy();
    assertThrows(IllegalStateException.class, () -> module.loadMethod("forward"));
  }

  private static int width() {
    try {
      return new JSONObject(new String(Files.readAllBytes(fixture("student_xnnpack_fp32.manifest.json")),
          StandardCharsets.UTF_8)).getJSONArray("input_shape").getInt(1);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The stand-in graph student's manifest: the one graph_*.manifest.json of its folder. */
  private static Path graphManifest() throws Exception {
    String dir = System.getProperty("kdoffload.graph_export");
    assertTrue("kdoffload.graph_export not set (make java-test sets it)", dir != null && !dir.isEmpty());
    java.util.List<Path> found = new java.util.ArrayList<>();
    try (java.nio.file.DirectoryStream<Path> s = Files.newDirectoryStream(Paths.get(dir), "graph_*.manifest.json")) {
      for (Path p : s) found.add(p);
    }
    assertEquals(dir + ": graph manifests " + found, 1, found.size());
    return found.get(0);
  }

  /**
   * The graph student's four inputs: its golden logits; a fifth value, or a tensor of another
   * shape, refused as the runtime refuses them; an input not given keeps the one set last.
   */
  @Test
  public void severalInputsAreSetOneByOne() throws Exception {
    Path manifestPath = graphManifest();
    JSONObject manifest = new JSONObject(new String(Files.readAllBytes(manifestPath), StandardCharsets.UTF_8));
    Path pte = manifestPath.resolveSibling(manifest.getJSONObject("pte").getString("file"));  // the program it names
    JSONObject golden = manifest.getJSONArray("golden").getJSONObject(0);
    int n = golden.getJSONObject("graph").getInt("n");
    float[] nodes = new float[64 * 11];
    float[] scalars = new float[9];
    float[] adjacency = new float[64 * 64];
    float[] mask = new float[64];
    for (int i = 0; i < n; i++) {
      mask[i] = 1.0f;
      for (int c = 0; c < 11; c++) nodes[i * 11 + c] = (float) golden.getJSONArray("nodes").getJSONArray(i).getDouble(c);
    }
    for (int c = 0; c < 9; c++) scalars[c] = (float) golden.getJSONArray("scalars").getDouble(c);
    JSONArray edges = golden.getJSONObject("graph").getJSONArray("edges");
    for (int k = 0; k < edges.length(); k++) adjacency[edges.getJSONArray(k).getInt(1) * 64 + edges.getJSONArray(k).getInt(0)] = 1.0f;
    EValue[] inputs = {EValue.from(Tensor.fromBlob(nodes, new long[] {1, 64, 11})), EValue.from(Tensor.fromBlob(scalars, new long[] {1, 9})),
        EValue.from(Tensor.fromBlob(adjacency, new long[] {1, 64, 64})), EValue.from(Tensor.fromBlob(mask, new long[] {1, 64}))};
    Module module = Module.load(pte.toString(), Module.LOAD_MODE_FILE, 1);
    float[] logits = module.forward(inputs)[0].toTensor().getDataAsFloatArray();
    assertEquals(64 * 3, logits.length);
    JSONArray rows = golden.getJSONArray("logits");
    for (int k = 0; k < 3 * n; k++) assertEquals(rows.getJSONArray(k / 3).getDouble(k % 3), logits[k], 1e-4);
    assertArrayEquals(logits, module.forward(inputs[0], inputs[1], inputs[2])[0].toTensor().getDataAsFloatArray(), 0.0f);
    ExecutorchRuntimeException fifth = assertThrows(ExecutorchRuntimeException.ExecutorchInvalidArgumentException.class,
        () -> module.forward(inputs[0], inputs[1], inputs[2], inputs[3], inputs[3]));
    assertTrue(fifth.getCause().getMessage(), fifth.getCause().getMessage().contains("Input index (4) must be less than the number of inputs in method (4)"));
    ExecutorchRuntimeException shape = assertThrows(ExecutorchRuntimeException.class,
        () -> module.forward(inputs[0], EValue.from(Tensor.fromBlob(new float[64], new long[] {1, 64}))));
    assertEquals(ExecutorchRuntimeException.NOT_SUPPORTED, shape.getErrorCode());
    assertTrue(shape.getCause().getMessage(), shape.getCause().getMessage().contains("input 1"));
    module.destroy();
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
