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
  private final Manifest manifest;
  private final String modelName;
  private final DeviceInfo device;

  BenchRecords(Manifest manifest, DeviceInfo device) {
    this.manifest = manifest;
    // The benchmark app's name is the <name> of <name>_<backend>_<quantization>.pte.
    this.modelName = manifest.model;
    this.device = device;
  }

  /** A record; `extra` (may be null) names the decoder or policy in benchmarkModel. */
  Record add(String metric, double value, String extraKey, String extraValue) {
    try {
      JSONObject model = new JSONObject().put("name", modelName).put("backend", manifest.backend)
          .put("quantization", manifest.quantization);
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
