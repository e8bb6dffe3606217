package org.kdoffload.core;

import org.json.JSONException;
import org.json.JSONObject;

/** The benchmark app's deviceInfo: what ran the benchmark (the app or the host fills it). */
public final class DeviceInfo {
  public final String device;
  public final String arch;
  public final String os;
  public final long totalMem; // bytes
  public final long availMem;

  public DeviceInfo(String device, String arch, String os, long totalMem, long availMem) {
    this.device = device;
    this.arch = arch;
    this.os = os;
    this.totalMem = totalMem;
    this.availMem = availMem;
  }

  JSONObject toJson() throws JSONException {
    return new JSONObject().put("device", device).put("arch", arch).put("os", os)
        .put("totalMem", totalMem).put("availMem", availMem);
  }
}
