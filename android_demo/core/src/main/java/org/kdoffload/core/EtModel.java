package org.kdoffload.core;

import org.pytorch.executorch.EValue;
import org.pytorch.executorch.Module;
import org.pytorch.executorch.Tensor;

/**
 * The model behind a `Decider.Forward`: ExecuTorch's Java Module (the AAR on a phone, the JNI
 * host build in tests), called as the Android API is called, one [1, F] float tensor in.
 */
public final class EtModel implements Decider.Forward {
  private final Module module;
  private final long[] inputShape;

  private EtModel(Module module, int width) {
    this.module = module;
    this.inputShape = new long[] {1, width};
  }

  /** Loads the .pte (program and method: what the benchmark app calls model load time). */
  public static EtModel load(String ptePath, int width) {
    Module module;
    try {
      module = Module.load(ptePath);
    } catch (RuntimeException e) {
      throw new RefusedException(ptePath + ": not a loadable ExecuTorch program (" + e.getMessage() + ")");
    }
    int status = module.loadMethod("forward");
    if (status != 0) {
      module.destroy();
      throw new RefusedException(ptePath + ": cannot load forward (ExecuTorch error 0x" + Integer.toHexString(status) + ")");
    }
    return new EtModel(module, width);
  }

  @Override
  public float[] logits(float[] input) {
    EValue[] out = module.forward(EValue.from(Tensor.fromBlob(input, inputShape)));
    if (out.length != 1 || !out[0].isTensor()) {
      throw new RefusedException("forward returned " + out.length + " values, expected one tensor");
    }
    return out[0].toTensor().getDataAsFloatArray();
  }

  public void close() {
    module.destroy();
  }
}
