package org.pytorch.executorch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pytorch.executorch.annotations.Experimental;

/** Host build of the AAR's BackendOptionsMap: backend name -> options, given to Module.load. */
@Experimental
public final class BackendOptionsMap {
  private final Map<String, List<BackendOption>> options = new LinkedHashMap<>();

  public final BackendOptionsMap setInt(String backendName, String key, int value) {
    options.computeIfAbsent(backendName, name -> new ArrayList<>()).add(new BackendOption(key, value));
    return this;
  }

  public final boolean isEmpty() {
    return options.isEmpty();
  }
}
