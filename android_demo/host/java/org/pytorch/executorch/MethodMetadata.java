package org.pytorch.executorch;

/** Host build of the AAR's MethodMetadata: a method's name and the backends it delegates to. */
public final class MethodMetadata {
  private final String name;
  private final String[] backends;

  MethodMetadata(String name, String[] backends) {
    this.name = name;
    this.backends = backends;
  }

  public final String getName() {
    return name;
  }

  public final String[] getBackends() {
    return backends;
  }
}
