package org.pytorch.executorch;

/**
 * Host build of the AAR's Module: same package and signatures (load, loadMethod, forward,
 * execute, destroy), backed by JNI over the C++ runtime inside the executorch pip wheel
 * (libkdo_executorch_jni.so, android_demo/host/jni). A test fixture, never shipped in the app.
 * Every native failure is a Java exception: bad input never crashes the JVM.
 */
public class Module {
  public static final int LOAD_MODE_FILE = 0;
  public static final int LOAD_MODE_MMAP = 1;
  public static final int LOAD_MODE_MMAP_USE_MLOCK = 2;
  public static final int LOAD_MODE_MMAP_USE_MLOCK_IGNORE_ERRORS = 3;

  static {
    String library = System.getProperty("kdoffload.executorch.jni");
    if (library != null) {
      System.load(library);
    } else {
      System.loadLibrary("kdo_executorch_jni");
    }
  }

  private long handle; // the native program; 0 once destroyed
  private final long[] outputShape; // static shapes: asked once

  private Module(long handle) {
    this.handle = handle;
    this.outputShape = nativeOutputShape(handle);
  }

  public static Module load(final String modelPath, int loadMode, int numThreads) {
    if (modelPath == null) throw new IllegalArgumentException("model path must not be null");
    return new Module(nativeLoad(modelPath, numThreads));
  }

  public static Module load(final String modelPath, int loadMode) {
    return load(modelPath, loadMode, 0);
  }

  public static Module load(final String modelPath) {
    return load(modelPath, LOAD_MODE_FILE);
  }

  /** 0 when `methodName` is loaded (this host build loads "forward" with the program). */
  public synchronized int loadMethod(String methodName) {
    if (handle == 0) return 0x2; // InvalidState, as the AAR returns
    return "forward".equals(methodName) ? 0 : 0x12; // InvalidArgument
  }

  public EValue[] forward(EValue... inputs) {
    return execute("forward", inputs);
  }

  public synchronized EValue[] execute(String methodName, EValue... inputs) {
    if (handle == 0) throw new IllegalStateException("Module has been destroyed");
    if (!"forward".equals(methodName)) throw new IllegalArgumentException("method " + methodName + " does not exist");
    if (inputs.length != 1 || !inputs[0].isTensor()) {
      throw new IllegalArgumentException("forward takes one tensor, got " + inputs.length + " values");
    }
    Tensor input = inputs[0].toTensor();
    float[] out = nativeForward(handle, input.rawData(), input.shape());
    return new EValue[] {EValue.from(Tensor.fromBlob(out, outputShape))};
  }

  public synchronized void destroy() {
    if (handle != 0) {
      nativeDestroy(handle);
      handle = 0;
    }
  }

  private static native long nativeLoad(String path, int numThreads);

  private static native float[] nativeForward(long handle, float[] data, long[] shape);

  private static native long[] nativeOutputShape(long handle);

  private static native void nativeDestroy(long handle);
}
