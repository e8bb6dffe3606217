package org.pytorch.executorch;

import org.pytorch.executorch.annotations.Experimental;

/** Host build of the AAR's BackendOption: one integer option of a backend. A test fixture. */
@Experimental
public final class BackendOption {
  private final String key;
  private final int value;

  public BackendOption(String key, int value) {
    this.key = key;
    this.value = value;
  }

  public final String getKey() {
    return key;
  }

  public final int getValue() {
    return value;
  }
}
