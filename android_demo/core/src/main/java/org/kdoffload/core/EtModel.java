package org.kdoffload.core;

import java.nio.FloatBuffer;
import org.pytorch.executorch.EValue;
import org.pytorch.executorch.ExecutorchRuntimeException;
import org.pytorch.executorch.Module;
import org.pytorch.executorch.Tensor;

/**
 * The model behind a `Decider.Forward`: ExecuTorch's Java Module (the AAR on a phone, the JNI
 * host build in tests), called as the Android API is called, one float tensor per program input
 * (the single-graph student: one [1, F]; the graph student: its four, in the manifest's order). What
 * the runtime throws (ExecutorchRuntimeException with its error code, IllegalArgumentException
 * for a path it cannot read, IllegalStateException for a destroyed module) becomes one
 * RefusedException line naming the file.
 */
public final class EtModel implements Decider.Forward {
  private final Module module;
  private final String ptePath;
  // Per input a direct buffer and the tensor over it, made once: a call copies its data in and
  // allocates nothing (Tensor.fromBlob(float[]) would allocate a direct buffer every call).
  private final FloatBuffer[] buffers;
  private final EValue[] values;

  private EtModel(Module module, long[][] inputShapes, String ptePath) {
    this.module = module;
    this.ptePath = ptePath;
    this.buffers = new FloatBuffer[inputShapes.length];
    this.values = new EValue[inputShapes.length];
    for (int k = 0; k < inputShapes.length; k++) {
      buffers[k] = Tensor.allocateFloatBuffer((int) Tensor.numel(inputShapes[k]));
      values[k] = EValue.from(Tensor.fromBlob(buffers[k], inputShapes[k]));
    }
  }

  /**
   * Loads the .pte (program and method: what the benchmark app calls model load time) with
   * `numThreads` XNNPACK threads: 0 would be the AAR's cores / 2, so callers say how many.
   */
  public static EtModel load(String ptePath, int width, int numThreads) {
    return load(ptePath, new long[][] {{1, width}}, numThreads);
  }

  /** A program of several float inputs, each of its static shape (rows of `inputShapes`). */
  public static EtModel load(String ptePath, long[][] inputShapes, int numThreads) {
    Module module;
    try {
      module = Module.load(ptePath, Module.LOAD_MODE_FILE, numThreads);
    } catch (IllegalArgumentException e) {
      throw new RefusedException(ptePath + ": cannot be read (" + e.getMessage() + ")");
    }
    try {
      module.loadMethod("forward");
    } catch (ExecutorchRuntimeException e) {
      module.destroy();
      throw new RefusedException(ptePath + ": cannot load forward (" + firstLine(e) + ")", e.getErrorCode());
    }
    return new EtModel(module, inputShapes, ptePath);
  }

  @Override
  public float[] logits(float[] input) {
    return forward(input);
  }

  /** One flat float array per input, in the program's order; the output tensor's data. */
  public float[] forward(float[]... inputs) {
    if (inputs.length != buffers.length) {
      throw new RefusedException(ptePath + ": forward takes " + buffers.length + " inputs, got " + inputs.length);
    }
    for (int k = 0; k < inputs.length; k++) {
      if (inputs[k].length != buffers[k].capacity()) {
        throw new RefusedException(ptePath + ": input " + k + " has " + inputs[k].length + " values, its shape holds " + buffers[k].capacity());
      }
      buffers[k].clear();
      buffers[k].put(inputs[k]);
    }
    EValue[] out;
    try {
      out = module.forward(values);
    } catch (ExecutorchRuntimeException e) {
      throw new RefusedException(ptePath + ": forward failed (" + firstLine(e) + ")", e.getErrorCode());
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new RefusedException(ptePath + ": forward failed (" + firstLine(e) + ")");
    }
    if (out.length != 1 || !out[0].isTensor()) {
      throw new RefusedException(ptePath + ": forward returned " + out.length + " values, expected one tensor");
    }
    return out[0].toTensor().getDataAsFloatArray();
  }

  public void close() {
    module.destroy();
  }

  private static String firstLine(RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
