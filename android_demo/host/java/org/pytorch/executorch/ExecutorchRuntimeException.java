package org.pytorch.executorch;

import java.util.HashMap;
import java.util.Map;

/**
 * Host build of the AAR's ExecutorchRuntimeException: a runtime error with the code of
 * ExecuTorch's runtime/core/error.h, the message "[ExecuTorch Error 0xNN] <what>: <details>".
 */
public class ExecutorchRuntimeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public static final int OK = 0x00;
  public static final int INTERNAL = 0x01;
  public static final int INVALID_STATE = 0x02;
  public static final int END_OF_METHOD = 0x03;
  public static final int ALREADY_LOADED = 0x04;
  public static final int NOT_SUPPORTED = 0x10;
  public static final int NOT_IMPLEMENTED = 0x11;
  public static final int INVALID_ARGUMENT = 0x12;
  public static final int INVALID_TYPE = 0x13;
  public static final int OPERATOR_MISSING = 0x14;
  public static final int REGISTRATION_EXCEEDING_MAX_KERNELS = 0x15;
  public static final int REGISTRATION_ALREADY_REGISTERED = 0x16;
  public static final int NOT_FOUND = 0x20;
  public static final int MEMORY_ALLOCATION_FAILED = 0x21;
  public static final int ACCESS_FAILED = 0x22;
  public static final int INVALID_PROGRAM = 0x23;
  public static final int INVALID_EXTERNAL_DATA = 0x24;
  public static final int OUT_OF_RESOURCES = 0x25;
  public static final int DELEGATE_INVALID_COMPATIBILITY = 0x30;
  public static final int DELEGATE_MEMORY_ALLOCATION_FAILED = 0x31;
  public static final int DELEGATE_INVALID_HANDLE = 0x32;

  private static final Map<Integer, String> MESSAGES = new HashMap<>();

  static {
    String[] names = {"Operation successful", "Internal error", "Invalid state", "End of method reached",
        "Already loaded", "Operation not supported", "Operation not implemented", "Invalid argument",
        "Invalid type", "Operator missing", "Exceeded max kernels", "Kernel already registered",
        "Resource not found", "Memory allocation failed", "Access failed", "Invalid program",
        "Invalid external data", "Out of resources", "Delegate invalid compatibility",
        "Delegate memory allocation failed", "Delegate invalid handle"};
    int[] codes = {OK, INTERNAL, INVALID_STATE, END_OF_METHOD, ALREADY_LOADED, NOT_SUPPORTED,
        NOT_IMPLEMENTED, INVALID_ARGUMENT, INVALID_TYPE, OPERATOR_MISSING, REGISTRATION_EXCEEDING_MAX_KERNELS,
        REGISTRATION_ALREADY_REGISTERED, NOT_FOUND, MEMORY_ALLOCATION_FAILED, ACCESS_FAILED, INVALID_PROGRAM,
        INVALID_EXTERNAL_DATA, OUT_OF_RESOURCES, DELEGATE_INVALID_COMPATIBILITY,
        DELEGATE_MEMORY_ALLOCATION_FAILED, DELEGATE_INVALID_HANDLE};
    for (int k = 0; k < codes.length; k++) MESSAGES.put(codes[k], names[k]);
  }

  private final int errorCode;

  public ExecutorchRuntimeException(int errorCode, String details) {
    super(format(errorCode, details));
    this.errorCode = errorCode;
  }

  public ExecutorchRuntimeException(int errorCode, String details, Throwable cause) {
    this(errorCode, details);
    if (cause != null) initCause(cause);
  }

  public final int getErrorCode() {
    return errorCode;
  }

  /** The AAR appends the native log buffer; the host build keeps none (the message says it all). */
  public final String getDetailedError() {
    return "";
  }

  public static final RuntimeException makeExecutorchException(int errorCode, String details) {
    return errorCode == INVALID_ARGUMENT ? new ExecutorchInvalidArgumentException(details)
        : new ExecutorchRuntimeException(errorCode, details);
  }

  private static String format(int errorCode, String details) {
    String base = MESSAGES.getOrDefault(errorCode, "Unknown error code 0x" + Integer.toHexString(errorCode));
    return "[ExecuTorch Error 0x" + Integer.toHexString(errorCode) + "] " + base + ": "
        + (details == null ? "No details provided" : details);
  }

  public static final class ExecutorchInvalidArgumentException extends ExecutorchRuntimeException {
    private static final long serialVersionUID = 1L;

    public ExecutorchInvalidArgumentException(String details) {
      super(INVALID_ARGUMENT, details);
    }
  }
}
