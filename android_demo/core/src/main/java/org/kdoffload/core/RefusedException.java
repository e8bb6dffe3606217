package org.kdoffload.core;

/**
 * A model, manifest or input the core will not use: the message is one line naming the file
 * and the field (what the Python and C++ clients report as an InputError). `loadStatus` is the
 * benchmark app's load_status: the ExecuTorch error code when the runtime refused, else -1.
 */
public class RefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public final int loadStatus;

  public RefusedException(String message) {
    this(message, -1);
  }

  public RefusedException(String message, int loadStatus) {
    super(message);
    this.loadStatus = loadStatus;
  }
}
