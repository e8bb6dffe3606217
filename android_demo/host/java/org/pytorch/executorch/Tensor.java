package org.pytorch.executorch;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.Arrays;
import org.pytorch.executorch.annotations.Experimental;

/**
 * Host build of the AAR's Tensor: the same factories (data copied into a direct buffer in
 * native order, or a caller's direct buffer wrapped), the same getters, each of which refuses
 * another dtype with IllegalStateException, and the same byte serialisation. A test fixture.
 */
@Experimental
public abstract class Tensor {
  protected final long[] shape;
  final Buffer data; // the one typed buffer of the concrete tensor

  Tensor(long[] shape, Buffer data) {
    checkShape(shape);
    this.shape = shape.clone();
    this.data = data;
  }

  public final long numel() {
    return numel(shape);
  }

  public final long[] shape() {
    return shape.clone();
  }

  public abstract DType dtype();

  public final int dtypeJniCode() {
    return dtype().jniCode;
  }

  public byte[] getDataAsByteArray() {
    byte[] out = new byte[(int) numel()];
    bytes(DType.INT8, "byte").get(out);
    return out;
  }

  public short[] getDataAsShortArray() {
    short[] out = new short[(int) numel()];
    ((ShortBuffer) typed(DType.HALF, "short")).get(out);
    return out;
  }

  public byte[] getDataAsUnsignedByteArray() {
    byte[] out = new byte[(int) numel()];
    bytes(DType.UINT8, "unsigned byte").get(out);
    return out;
  }

  public int[] getDataAsIntArray() {
    int[] out = new int[(int) numel()];
    ((IntBuffer) typed(DType.INT32, "int")).get(out);
    return out;
  }

  /** Float tensors, and half tensors widened to float (as the AAR does). */
  public float[] getDataAsFloatArray() {
    float[] out = new float[(int) numel()];
    copyDataInto(FloatBuffer.wrap(out));
    return out;
  }

  public long[] getDataAsLongArray() {
    long[] out = new long[(int) numel()];
    ((LongBuffer) typed(DType.INT64, "long")).get(out);
    return out;
  }

  public double[] getDataAsDoubleArray() {
    double[] out = new double[(int) numel()];
    ((DoubleBuffer) typed(DType.DOUBLE, "double")).get(out);
    return out;
  }

  public void copyDataInto(FloatBuffer dst) {
    if (dtype() == DType.HALF) {
      ShortBuffer half = (ShortBuffer) typed(DType.HALF, "float");
      while (half.hasRemaining()) dst.put(halfToFloat(half.get()));
      return;
    }
    dst.put((FloatBuffer) typed(DType.FLOAT, "float"));
  }

  public void copyDataInto(ByteBuffer dst) {
    dst.put(bytes(DType.INT8, "byte"));
  }

  public void copyDataIntoUnsigned(ByteBuffer dst) {
    dst.put(bytes(DType.UINT8, "unsigned byte"));
  }

  public void copyDataInto(IntBuffer dst) {
    dst.put((IntBuffer) typed(DType.INT32, "int"));
  }

  public void copyDataInto(LongBuffer dst) {
    dst.put((LongBuffer) typed(DType.INT64, "long"));
  }

  public void copyDataInto(DoubleBuffer dst) {
    dst.put((DoubleBuffer) typed(DType.DOUBLE, "double"));
  }

  public void copyDataInto(ShortBuffer dst) {
    dst.put((ShortBuffer) typed(DType.HALF, "short"));
  }

  public Buffer getRawDataBuffer() {
    return data;
  }

  /** dtype code, rank, each dimension as an int, then the data in big-endian order. */
  public final byte[] toByteArray() {
    int width = width(dtype());
    ByteBuffer out = ByteBuffer.allocate(2 + 4 * shape.length + width * (int) numel());
    out.put((byte) dtype().jniCode).put((byte) shape.length);
    for (long s : shape) out.putInt((int) s);
    switch (dtype()) {
      case UINT8: case INT8: out.put(bytes(dtype(), "byte")); break;
      case HALF: out.asShortBuffer().put((ShortBuffer) typed(DType.HALF, "short")); break;
      case INT32: out.asIntBuffer().put((IntBuffer) typed(DType.INT32, "int")); break;
      case INT64: out.asLongBuffer().put((LongBuffer) typed(DType.INT64, "long")); break;
      case FLOAT: out.asFloatBuffer().put((FloatBuffer) typed(DType.FLOAT, "float")); break;
      case DOUBLE: out.asDoubleBuffer().put((DoubleBuffer) typed(DType.DOUBLE, "double")); break;
      default: throw new IllegalArgumentException("Unknown Tensor dtype");
    }
    return out.array();
  }

  // A read view from the start: reading never moves the tensor's own buffer.
  private Buffer typed(DType want, String what) {
    if (dtype() != want) {
      throw new IllegalStateException("Tensor of type " + dtype() + " cannot return data as " + what + " array.");
    }
    Buffer view = data instanceof ByteBuffer ? ((ByteBuffer) data).duplicate()
        : data instanceof ShortBuffer ? ((ShortBuffer) data).duplicate()
        : data instanceof IntBuffer ? ((IntBuffer) data).duplicate()
        : data instanceof LongBuffer ? ((LongBuffer) data).duplicate()
        : data instanceof FloatBuffer ? ((FloatBuffer) data).duplicate() : ((DoubleBuffer) data).duplicate();
    view.rewind();
    return view;
  }

  private ByteBuffer bytes(DType want, String what) {
    return (ByteBuffer) typed(want, what);
  }

  private static int width(DType d) {
    switch (d) {
      case UINT8: case INT8: return 1;
      case HALF: return 2;
      case INT32: case FLOAT: return 4;
      case INT64: case DOUBLE: return 8;
      case INT16: throw new IllegalArgumentException("DType.INT16 is not supported in Java so far");
      default: throw new IllegalArgumentException("Unknown Tensor dtype");
    }
  }

  private static float halfToFloat(short bits) {
    int h = bits & 0xFFFF, sign = (h >>> 15) << 31, exp = (h >>> 10) & 0x1F, mant = h & 0x3FF;
    if (exp == 0) return (sign != 0 ? -1 : 1) * mant * 5.9604645e-8f; // subnormal: mant * 2^-24
    if (exp == 31) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** The one concrete tensor: a dtype and its buffer. */
  static final class Typed extends Tensor {
    private final DType dtype;

    Typed(DType dtype, Buffer data, long[] shape) {
      super(shape, data);
      this.dtype = dtype;
    }

    @Override
    public DType dtype() {
      return dtype;
    }

    @Override
    public String toString() {
      return "Tensor(" + Arrays.toString(shape) + ", dtype=" + dtype + ")";
    }
  }

  public static final ByteBuffer allocateByteBuffer(int numElements) {
    return ByteBuffer.allocateDirect(numElements).order(ByteOrder.nativeOrder());
  }

  public static final IntBuffer allocateIntBuffer(int numElements) {
    return allocateByteBuffer(numElements * 4).asIntBuffer();
  }

  public static final FloatBuffer allocateFloatBuffer(int numElements) {
    return allocateByteBuffer(numElements * 4).asFloatBuffer();
  }

  public static final LongBuffer allocateLongBuffer(int numElements) {
    return allocateByteBuffer(numElements * 8).asLongBuffer();
  }

  public static final ShortBuffer allocateHalfBuffer(int numElements) {
    return allocateByteBuffer(numElements * 2).asShortBuffer();
  }

  public static final DoubleBuffer allocateDoubleBuffer(int numElements) {
    return allocateByteBuffer(numElements * 8).asDoubleBuffer();
  }

  public static final Tensor fromBlobUnsigned(byte[] data, long[] shape) {
    fits(data.length, shape);
    return new Typed(DType.UINT8, allocateByteBuffer(data.length).put(data), shape);
  }

  public static final Tensor fromBlob(byte[] data, long[] shape) {
    fits(data.length, shape);
    return new Typed(DType.INT8, allocateByteBuffer(data.length).put(data), shape);
  }

  public static final Tensor fromBlob(int[] data, long[] shape) {
    fits(data.length, shape);
    return new Typed(DType.INT32, allocateIntBuffer(data.length).put(data), shape);
  }

  public static final Tensor fromBlob(float[] data, long[] shape) {
    fits(data.length, shape);
    return new Typed(DType.FLOAT, allocateFloatBuffer(data.length).put(data), shape);
  }

  public static final Tensor fromBlob(short[] data, long[] shape) {
    fits(data.length, shape);
    return new Typed(DType.HALF, allocateHalfBuffer(data.length).put(data), shape);
  }

  public static final Tensor fromBlob(long[] data, long[] shape) {
    fits(data.length, shape);
    return new Typed(DType.INT64, allocateLongBuffer(data.length).put(data), shape);
  }

  public static final Tensor fromBlob(double[] data, long[] shape) {
    fits(data.length, shape);
    return new Typed(DType.DOUBLE, allocateDoubleBuffer(data.length).put(data), shape);
  }

  public static final Tensor fromBlobUnsigned(ByteBuffer data, long[] shape) {
    return wrap(DType.UINT8, data, shape);
  }

  public static final Tensor fromBlob(ByteBuffer data, long[] shape) {
    return wrap(DType.INT8, data, shape);
  }

  public static final Tensor fromBlob(IntBuffer data, long[] shape) {
    return wrap(DType.INT32, data, shape);
  }

  public static final Tensor fromBlob(FloatBuffer data, long[] shape) {
    return wrap(DType.FLOAT, data, shape);
  }

  public static final Tensor fromBlob(ShortBuffer data, long[] shape) {
    return wrap(DType.HALF, data, shape);
  }

  public static final Tensor fromBlob(LongBuffer data, long[] shape) {
    return wrap(DType.INT64, data, shape);
  }

  public static final Tensor fromBlob(DoubleBuffer data, long[] shape) {
    return wrap(DType.DOUBLE, data, shape);
  }

  public static final Tensor ones(long[] shape, DType dtype) {
    return filled(shape, dtype, 1);
  }

  public static final Tensor zeros(long[] shape, DType dtype) {
    return filled(shape, dtype, 0);
  }

  public static final long numel(long[] shape) {
    checkShape(shape);
    long n = 1;
    for (long s : shape) n *= s;
    return n;
  }

  public static final Tensor fromByteArray(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (!in.hasRemaining()) throw new IllegalArgumentException("invalid buffer");
    DType dtype = DType.fromJniCode(in.get());
    long[] shape = new long[in.get()];
    for (int k = 0; k < shape.length; k++) {
      int dim = in.getInt();
      if (dim < 0) throw new IllegalArgumentException("invalid shape");
      shape[k] = dim;
    }
    int n = (int) numel(shape);
    ByteBuffer body = in.slice();
    switch (dtype) {
      case UINT8: return fromBlobUnsigned(Arrays.copyOfRange(bytes, in.position(), in.position() + n), shape);
      case INT8: return fromBlob(Arrays.copyOfRange(bytes, in.position(), in.position() + n), shape);
      case HALF: { short[] d = new short[n]; body.asShortBuffer().get(d); return fromBlob(d, shape); }
      case INT32: { int[] d = new int[n]; body.asIntBuffer().get(d); return fromBlob(d, shape); }
      case INT64: { long[] d = new long[n]; body.asLongBuffer().get(d); return fromBlob(d, shape); }
      case FLOAT: { float[] d = new float[n]; body.asFloatBuffer().get(d); return fromBlob(d, shape); }
      case DOUBLE: { double[] d = new double[n]; body.asDoubleBuffer().get(d); return fromBlob(d, shape); }
      default: throw new IllegalArgumentException("Unknown Tensor dtype");
    }
  }

  private static Tensor filled(long[] shape, DType dtype, int value) {
    int n = (int) numel(shape);
    switch (dtype) {
      case UINT8: { byte[] d = new byte[n]; Arrays.fill(d, (byte) value); return fromBlobUnsigned(d, shape); }
      case INT8: { byte[] d = new byte[n]; Arrays.fill(d, (byte) value); return fromBlob(d, shape); }
      case INT32: { int[] d = new int[n]; Arrays.fill(d, value); return fromBlob(d, shape); }
      case FLOAT: { float[] d = new float[n]; Arrays.fill(d, value); return fromBlob(d, shape); }
      case INT64: { long[] d = new long[n]; Arrays.fill(d, value); return fromBlob(d, shape); }
      case DOUBLE: { double[] d = new double[n]; Arrays.fill(d, value); return fromBlob(d, shape); }
      default: throw new IllegalArgumentException("Tensor." + (value == 1 ? "ones" : "zeros")
          + "() cannot be used with DType " + dtype);
    }
  }

  // The AAR wraps a caller's buffer only if it is direct and in native order.
  private static Tensor wrap(DType dtype, Buffer data, long[] shape) {
    fits(data.capacity(), shape);
    if (!data.isDirect()) throw new IllegalArgumentException("data buffer must be direct (java.nio.ByteBuffer#allocateDirect)");
    ByteOrder order = data instanceof ByteBuffer ? ((ByteBuffer) data).order()
        : data instanceof ShortBuffer ? ((ShortBuffer) data).order() : data instanceof IntBuffer ? ((IntBuffer) data).order()
        : data instanceof LongBuffer ? ((LongBuffer) data).order() : data instanceof FloatBuffer ? ((FloatBuffer) data).order()
        : ((DoubleBuffer) data).order();
    if (order != ByteOrder.nativeOrder()) {
      throw new IllegalArgumentException("data buffer must have native byte order (java.nio.ByteOrder#nativeOrder)");
    }
    return new Typed(dtype, data, shape);
  }

  private static void checkShape(long[] shape) {
    for (long s : shape) {
      if (s < 0) throw new IllegalArgumentException("Shape elements must be non negative");
    }
  }

  private static void fits(int capacity, long[] shape) {
    long n = numel(shape);
    if (n != capacity) {
      throw new IllegalArgumentException("Inconsistent data capacity:" + capacity + " and shape number elements:"
          + n + " shape:" + Arrays.toString(shape));
    }
  }
}
