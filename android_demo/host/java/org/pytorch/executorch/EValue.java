package org.pytorch.executorch;

/** Host build of the AAR's EValue, tensors only (all the app uses). A test fixture. */
public class EValue {
  private final Tensor tensor;

  private EValue(Tensor tensor) {
    this.tensor = tensor;
  }

  public static EValue from(Tensor tensor) {
    return new EValue(tensor);
  }

  public boolean isTensor() {
    return tensor != null;
  }

  public Tensor toTensor() {
    if (tensor == null) throw new IllegalStateException("Expected EValue type Tensor");
    return tensor;
  }
}
