package org.kdoffload.core;

import org.pytorch.executorch.EValue;
import org.pytorch.executorch.ExecutorchRuntimeException;
import org.pytorch.executorch.Module;
import org.pytorch.executorch.Tensor;

/**
 * The model behind a `Decider.Forward`: ExecuTorch's Java Module (the AAR on a phone, the JNI
 * host build in tests), called as the Android API is called, one [1, F] float tensor in. What
 * the runtime throws (ExecutorchRuntimeException with its error code, IllegalArgumentException
 * for a path it cannot read, IllegalStateException for a destroyed module) becomes one
 * RefusedException line naming the file.
 */
public final class EtModel implements Decider.Forward {
  private final Module module;
  private final long[] inputShape;
  private final String ptePath;

  private EtModel(Module module, int width, String ptePath) {
    this.module = module;
    this.inputShape = new long[] {1, width};
    this.ptePath = ptePath;
  }

  /**
   * Loads the .pte (program and method: what the benchmark app calls model load time) with
   * `numThreads` XNNPACK threads: 0 would be the AAR's cores / 2, so callers say how many.
   */
  public static EtModel load(String ptePath, int width, int numThreads) {
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
    return new EtModel(module, width, ptePath);
  }

  @Override
  public float[] logits(float[] input) {
    EValue[] out;
    try {
      out = module.forward(EValue.from(Tensor.fromBlob(input, inputShape)));
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
