package org.kdoffload.core;

import java.io.IOException;
import java.nio.file.Path;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * What a run leaves when it fails, whatever failed (a refused manifest, a golden mismatch, the
 * runtime's load error, the native library missing): the result file with one `load_status`
 * record, as ExecuTorch's benchmark app writes load_status, and beside it the one-line reason.
 * The last log line of every run starts with FINISHED or FAILED: it is what the CLI waits for.
 */
public final class BenchFailure {
  public static final String FINISHED = "finished: ";
  public static final String FAILED = "failed: ";

  private BenchFailure() {}

  /** A RefusedException's own line; anything else its type and first message line. */
  public static String reason(Throwable t) {
    if (t instanceof RefusedException) return t.getMessage();
    String message = t.getMessage() == null ? "" : ": " + t.getMessage().split("\n", 2)[0];
    return t.getClass().getName() + message;
  }

  /**
   * Writes filesDir/kdoffload_results.json for the failure; returns the line to log (which says
   * so when even the result could not be written). Never throws: it runs in the last catch.
   */
  public static String record(Path filesDir, DeviceInfo device, Throwable t) {
    String reason = reason(t);
    int status = t instanceof RefusedException ? ((RefusedException) t).loadStatus : -1;
    DeviceInfo known = device != null ? device : new DeviceInfo("unknown", "unknown", "unknown", 0, 0);
    try {
      JSONObject model = new JSONObject().put("name", "unknown").put("backend", "unknown").put("quantization", "unknown");
      JSONObject record = new JSONObject().put("benchmarkModel", model).put("metric", "load_status")
          .put("actualValue", status).put("targetValue", 0).put("deviceInfo", known.toJson()).put("reason", reason);
      filesDir.toFile().mkdirs();
      Json.writeAtomically(filesDir.resolve(BenchRun.RESULTS), new JSONArray().put(record).toString(1));
    } catch (IOException | JSONException | RuntimeException e) {
      return FAILED + reason + " (no result written: " + e.getMessage() + ")";
    }
    return FAILED + reason;
  }
}
