package org.pytorch.executorch;

import java.io.Closeable;
import java.io.File;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pytorch.executorch.annotations.Experimental;

/**
 * Host build of the AAR's Module (executorch_api.txt lists the API it must keep), backed by
 * JNI over the C++ runtime inside the executorch pip wheel (libkdo_executorch_jni.so,
 * android_demo/host/jni). As in the AAR, load only checks the path and the program is read on
 * loadMethod or the first execute; every native failure is an ExecutorchRuntimeException, so
 * bad input never crashes the JVM. It runs float tensors through "forward" (one input, as the
 * single-graph student's, or several, as the graph student's four), which is all a decision
 * model has. A test fixture, never shipped in the app.
 */
@Experimental
public class Module implements Closeable {
  public static final int LOAD_MODE_FILE = 0;
  public static final int LOAD_MODE_MMAP = 1;
  public static final int LOAD_MODE_MMAP_USE_MLOCK = 2;
  public static final int LOAD_MODE_MMAP_USE_MLOCK_IGNORE_ERRORS = 3;
  private static final String FORWARD = "forward";
  // program.cpp's messages end with the runtime's own code: "(ExecuTorch error 0x23)".
  private static final Pattern CODE = Pattern.compile("ExecuTorch error 0x([0-9a-f]+)");

  static {
    String library = System.getProperty("kdoffload.executorch.jni");
    if (library != null) {
      System.load(library);
    } else {
      System.loadLibrary("kdo_executorch_jni");
    }
  }

  private final String path;
  private final int numThreads;
  private final ReentrantLock lock = new ReentrantLock();
  private long handle; // the native program once loaded
  private long[] outputShape; // static shapes: asked once
  private boolean destroyed;

  private Module(String path, int numThreads) {
    this.path = path;
    this.numThreads = numThreads;
  }

  public static final Module load(String modelPath, int loadMode, int numThreads) {
    validateFilePath(modelPath);
    return new Module(modelPath, numThreads);
  }

  public static final Module load(String modelPath, int loadMode) {
    return load(modelPath, loadMode, 0);
  }

  public static final Module load(String modelPath) {
    return load(modelPath, LOAD_MODE_FILE, 0);
  }

  /** The host runtime has no backend options to set: a non-empty map is refused, not ignored. */
  public static final Module load(String modelPath, BackendOptionsMap options, int loadMode, int numThreads) {
    validateFilePath(modelPath);
    if (!options.isEmpty()) {
      throw ExecutorchRuntimeException.makeExecutorchException(ExecutorchRuntimeException.NOT_SUPPORTED,
          "the host build of Module sets no backend options");
    }
    return new Module(modelPath, numThreads);
  }

  public static final Module load(String modelPath, BackendOptionsMap options, int loadMode) {
    return load(modelPath, options, loadMode, 0);
  }

  public static final Module load(String modelPath, BackendOptionsMap options) {
    return load(modelPath, options, LOAD_MODE_FILE, 0);
  }

  public static final String[] readLogBufferStatic() {
    return new String[0]; // the host keeps no log buffer: errors travel in the exception
  }

  public EValue[] forward(EValue... inputs) {
    return execute(FORWARD, inputs);
  }

  /**
   * As the AAR's execute_method: no inputs runs the method on ones; else input k is set from
   * inputs[k] in order (Method::set_input), and an input not given keeps the value set last.
   * Refused as the runtime refuses them: a value that is not a float tensor, more values than
   * the method has inputs (both 0x12 InvalidArgument), a tensor of another shape than its static
   * input's (0x10 NotSupported); the message is "Execution failed for method: NAME".
   */
  public EValue[] execute(String methodName, EValue... inputs) {
    return whileAlive(() -> {
      loadLocked(methodName);
      java.nio.Buffer[] data = new java.nio.Buffer[inputs.length];
      long[][] shapes = new long[inputs.length][];
      for (int k = 0; k < inputs.length; k++) {
        if (!inputs[k].isTensor() || inputs[k].toTensor().dtype() != DType.FLOAT) {
          throw failure(ExecutorchRuntimeException.INVALID_ARGUMENT, "Execution failed for method: " + methodName,
              new IllegalArgumentException("input " + k + " is not a float tensor (the host runtime runs float programs)"));
        }
        data[k] = inputs[k].toTensor().getRawDataBuffer(); // direct, as the AAR's JNI reads it
        shapes[k] = inputs[k].toTensor().shape();
      }
      try {
        float[] out = nativeForward(handle, data, shapes);
        // Like the AAR's output tensors, this one wraps the runtime's data instead of copying it.
        return new EValue[] {EValue.from(new Tensor.Typed(DType.FLOAT, java.nio.FloatBuffer.wrap(out), outputShape))};
      } catch (RuntimeException e) {
        throw failure(codeOf(e), "Execution failed for method: " + methodName, e);
      }
    });
  }

  public void loadMethod(String methodName) {
    whileAlive(() -> {
      loadLocked(methodName);
      return null;
    });
  }

  public String[] getMethods() {
    return whileAlive(() -> new String[] {FORWARD});
  }

  /** The host runtime does not report a method's delegates: backends is empty. */
  public MethodMetadata getMethodMetadata(String name) {
    return whileAlive(() -> {
      if (!FORWARD.equals(name)) throw new IllegalArgumentException("method " + name + " does not exist for this module");
      return new MethodMetadata(name, new String[0]);
    });
  }

  public String[] readLogBuffer() {
    return whileAlive(() -> new String[0]);
  }

  /** False, as the AAR built without profiling answers: the host build writes no ETDump. */
  public boolean etdump() {
    return etdump("/data/local/tmp/result.etdump");
  }

  public boolean etdump(String outputPath) {
    return whileAlive(() -> false);
  }

  public void destroy() {
    if (!lock.tryLock()) throw new IllegalStateException("Cannot destroy module while method is executing");
    try {
      if (handle != 0) nativeDestroy(handle);
      handle = 0;
      destroyed = true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    destroy();
  }

  // Every method but destroy, as in the AAR: under the lock, refused once destroyed.
  private <T> T whileAlive(Supplier<T> body) {
    lock.lock();
    try {
      if (destroyed) throw new IllegalStateException("Module has been destroyed");
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  private void loadLocked(String methodName) {
    if (!FORWARD.equals(methodName)) {
      throw failure(ExecutorchRuntimeException.INVALID_ARGUMENT, "Failed to load method: " + methodName, null);
    }
    if (handle != 0) return;
    try {
      long loaded = nativeLoad(path, numThreads);
      outputShape = nativeOutputShape(loaded);
      handle = loaded;
    } catch (RuntimeException e) {
      throw failure(codeOf(e), "Failed to load method: " + methodName + " (" + e.getMessage() + ")", e);
    }
  }

  private static int codeOf(RuntimeException e) {
    Matcher m = e.getMessage() == null ? null : CODE.matcher(e.getMessage());
    return m != null && m.find() ? Integer.parseInt(m.group(1), 16) : ExecutorchRuntimeException.INTERNAL;
  }

  private static RuntimeException failure(int code, String details, Throwable cause) {
    RuntimeException e = ExecutorchRuntimeException.makeExecutorchException(code, details);
    if (cause != null) e.initCause(cause);
    return e;
  }

  // ExecuTorchRuntime.validateFilePath's checks and words.
  private static void validateFilePath(String path) {
    if (path == null) throw new IllegalArgumentException("Cannot load model path: path is null");
    File file = new File(path);
    if (!file.exists()) throw new IllegalArgumentException("Cannot load model path: path does not exist: " + path);
    if (!file.isFile()) throw new IllegalArgumentException("Cannot load model path: path is not a file: " + path);
    if (!file.canRead()) throw new IllegalArgumentException("Cannot load model path: path is not readable: " + path);
  }

  private static native long nativeLoad(String path, int numThreads);

  private static native float[] nativeForward(long handle, java.nio.Buffer[] data, long[][] shapes);

  private static native long[] nativeOutputShape(long handle);

  private static native void nativeDestroy(long handle);
}
