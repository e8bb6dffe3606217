package org.kdoffload.core;

import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The result file: a list of records in the shape of ExecuTorch's Android benchmark app
 * (benchmarkModel {name, backend, quantization}, metric, actualValue, targetValue, deviceInfo),
 * the project's own records in the same shape, extras (decoder, policy, values) beside them.
 */
final class BenchRecords {
  private final JSONArray records = new JSONArray();
  private final String modelName;
  private final String backend;
  private final String quantization;
  private final DeviceInfo device;

  /** `modelName`: the benchmark app's name, the <name> of <name>_<backend>_<quantization>.pte. */
  BenchRecords(String modelName, ProgramRecord program, DeviceInfo device) {
    this.modelName = modelName;
    this.backend = program.backend;
    this.quantization = program.quantization;
    this.device = device;
  }

  /** What the benchmark app writes once the program and its method are loaded. */
  void loaded(double loadMs, int numThreads) {
    add("model_load_time(ms)", loadMs);
    add("load_status", 0);
    add("num_threads", numThreads);
  }

  void golden(GoldenCheck.Report golden) {
    add("golden_check", golden.passed() ? 1 : 0).with("vectors", golden.vectors).with("max_logit_error", golden.maxLogitError);
  }

  /** A record; `extra` (may be null) names the decoder or policy in benchmarkModel. */
  Record add(String metric, double value, String extraKey, String extraValue) {
    try {
      JSONObject model = new JSONObject().put("name", modelName).put("backend", backend)
          .put("quantization", quantization);
      if (extraKey != null) model.put(extraKey, extraValue);
      JSONObject r = new JSONObject().put("benchmarkModel", model).put("metric", metric)
          .put("actualValue", value).put("targetValue", 0).put("deviceInfo", device.toJson());
      records.put(r);
      return new Record(r);
    } catch (JSONException e) {
      throw new IllegalArgumentException(metric + ": " + e.getMessage()); // a NaN or infinite value
    }
  }

  Record add(String metric, double value) {
    return add(metric, value, null, null);
  }

  /** One record, for fields beside the benchmark app's (org.json's put throws on NaN). */
  static final class Record {
    private final JSONObject json;

    Record(JSONObject json) {
      this.json = json;
    }

    Record with(String key, Object value) {
      try {
        json.put(key, value);
      } catch (JSONException e) {
        throw new IllegalArgumentException(key + ": " + e.getMessage());
      }
      return this;
    }
  }

  String text() {
    try {
      return records.toString(1);
    } catch (JSONException e) {
      throw new IllegalStateException(e);
    }
  }
}
