package org.pytorch.executorch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/** Host build of the AAR's EValue: None, Tensor, String, Double, Int or Bool. A test fixture. */
public final class EValue {
  private static final int TYPE_CODE_NONE = 0;
  private static final int TYPE_CODE_TENSOR = 1;
  private static final int TYPE_CODE_STRING = 2;
  private static final int TYPE_CODE_DOUBLE = 3;
  private static final int TYPE_CODE_INT = 4;
  private static final int TYPE_CODE_BOOL = 5;
  private static final String[] TYPE_NAMES = {"None", "Tensor", "String", "Double", "Int", "Bool"};

  public final int mTypeCode;
  public Object mData;

  private EValue(int typeCode, Object data) {
    this.mTypeCode = typeCode;
    this.mData = data;
  }

  public final boolean isNone() {
    return mTypeCode == TYPE_CODE_NONE;
  }

  public final boolean isTensor() {
    return mTypeCode == TYPE_CODE_TENSOR;
  }

  public final boolean isBool() {
    return mTypeCode == TYPE_CODE_BOOL;
  }

  public final boolean isInt() {
    return mTypeCode == TYPE_CODE_INT;
  }

  public final boolean isDouble() {
    return mTypeCode == TYPE_CODE_DOUBLE;
  }

  public final boolean isString() {
    return mTypeCode == TYPE_CODE_STRING;
  }

  public final Tensor toTensor() {
    return (Tensor) value(TYPE_CODE_TENSOR);
  }

  public final boolean toBool() {
    return (Boolean) value(TYPE_CODE_BOOL);
  }

  public final long toInt() {
    return (Long) value(TYPE_CODE_INT);
  }

  public final double toDouble() {
    return (Double) value(TYPE_CODE_DOUBLE);
  }

  public final String toStr() {
    return (String) value(TYPE_CODE_STRING);
  }

  private Object value(int expected) {
    if (mTypeCode != expected) {
      throw new IllegalStateException(String.format(Locale.US, "Expected EValue type %s, actual type %s",
          TYPE_NAMES[expected], mTypeCode < TYPE_NAMES.length ? TYPE_NAMES[mTypeCode] : "Unknown"));
    }
    if (mData == null) throw new IllegalStateException("EValue data is null or not a " + TYPE_NAMES[expected]);
    return mData;
  }

  /** The AAR's serialisation: the type code, then the value (a tensor as Tensor.toByteArray). */
  public final byte[] toByteArray() {
    switch (mTypeCode) {
      case TYPE_CODE_NONE:
        return new byte[] {TYPE_CODE_NONE};
      case TYPE_CODE_TENSOR: {
        byte[] t = toTensor().toByteArray();
        return ByteBuffer.allocate(1 + t.length).put((byte) TYPE_CODE_TENSOR).put(t).array();
      }
      case TYPE_CODE_BOOL:
        return new byte[] {TYPE_CODE_BOOL, (byte) (toBool() ? 1 : 0)};
      case TYPE_CODE_INT:
        return ByteBuffer.allocate(9).put((byte) TYPE_CODE_INT).putLong(toInt()).array();
      case TYPE_CODE_DOUBLE:
        return ByteBuffer.allocate(9).put((byte) TYPE_CODE_DOUBLE).putDouble(toDouble()).array();
      case TYPE_CODE_STRING: {
        byte[] s = toStr().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + s.length).put((byte) TYPE_CODE_STRING).putInt(s.length).put(s).array();
      }
      default:
        throw new IllegalArgumentException("Unknown EValue type code: " + mTypeCode);
    }
  }

  public static final EValue optionalNone() {
    return new EValue(TYPE_CODE_NONE, null);
  }

  public static final EValue from(Tensor tensor) {
    return new EValue(TYPE_CODE_TENSOR, tensor);
  }

  public static final EValue from(boolean value) {
    return new EValue(TYPE_CODE_BOOL, value);
  }

  public static final EValue from(long value) {
    return new EValue(TYPE_CODE_INT, value);
  }

  public static final EValue from(double value) {
    return new EValue(TYPE_CODE_DOUBLE, value);
  }

  public static final EValue from(String value) {
    return new EValue(TYPE_CODE_STRING, value);
  }

  public static final EValue fromByteArray(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    if (!buffer.hasRemaining()) throw new IllegalArgumentException("invalid buffer");
    int typeCode = buffer.get();
    switch (typeCode) {
      case TYPE_CODE_NONE:
        return optionalNone();
      case TYPE_CODE_TENSOR:
        return from(Tensor.fromByteArray(Arrays.copyOfRange(bytes, 1, bytes.length)));
      case TYPE_CODE_STRING: {
        byte[] s = new byte[buffer.getInt()];
        buffer.get(s);
        return from(new String(s, StandardCharsets.UTF_8));
      }
      case TYPE_CODE_DOUBLE:
        return from(buffer.getDouble());
      case TYPE_CODE_INT:
        return from(buffer.getLong());
      case TYPE_CODE_BOOL:
        return from(buffer.get() != 0);
      default:
        throw new IllegalArgumentException("invalid type code: " + typeCode);
    }
  }
}
