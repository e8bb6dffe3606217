package org.pytorch.executorch;

import java.util.Arrays;

/**
 * Host build of the AAR's Tensor, float32 only (all the app uses): same package, same
 * signatures. A test fixture, never shipped in the app.
 */
public class Tensor {
  private final float[] data;
  private final long[] shape;

  private Tensor(float[] data, long[] shape) {
    this.data = data;
    this.shape = shape;
  }

  /** Like the AAR: the data are copied, and their count must equal the shape's. */
  public static Tensor fromBlob(float[] data, long[] shape) {
    if (data == null || shape == null) throw new IllegalArgumentException("data and shape must not be null");
    long numel = 1;
    for (long d : shape) {
      if (d < 0) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has a negative size");
      numel *= d;
    }
    if (numel != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + numel + " values, got " + data.length);
    }
    return new Tensor(data.clone(), shape.clone());
  }

  public long[] shape() {
    return shape.clone();
  }

  public long numel() {
    return data.length;
  }

  public float[] getDataAsFloatArray() {
    return data.clone();
  }

  // The JNI reads the data without a copy.
  float[] rawData() {
    return data;
  }
}
