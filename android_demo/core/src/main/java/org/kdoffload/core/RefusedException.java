package org.kdoffload.core;

/**
 * A model, manifest or input the core will not use: the message is one line naming the file
 * and the field (what the Python and C++ clients report as an InputError).
 */
public class RefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RefusedException(String message) {
    super(message);
  }
}
