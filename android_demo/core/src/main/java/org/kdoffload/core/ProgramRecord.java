package org.kdoffload.core;

import java.nio.file.Path;
import org.json.JSONObject;

/**
 * What every manifest (the single-graph model's and the graph student's) says of its program:
 * the .pte (file, sha256, size), the export (model, backend, quantization, parameters), the
 * default decoder and its K, and the logit tolerance of its verification. Each field is checked
 * as it is read, a refusal naming the manifest and the field in one line.
 */
public final class ProgramRecord {
  public final Path manifest;
  public final String pteFile;
  public final String pteSha256;
  public final long pteSizeBytes;
  public final String model;
  public final String backend;
  public final String quantization;
  public final long parameters; // -1: not stated
  public final Decider.Decoder defaultDecoder;
  public final int topK;
  public final int oodTopK;
  // decoder.rate_estimate: what top-K and guarded candidates are scored under (absent: current).
  public final Decider.RateEstimate rateEstimate;
  public final double logitTolerance;

  ProgramRecord(Path manifest, JSONObject m) {
    this.manifest = manifest;
    String where = manifest.toString();
    JSONObject pte = Json.object(m, "pte", where);
    pteFile = Json.string(pte, "file", where + ": pte");
    pteSha256 = Json.string(pte, "sha256", where + ": pte");
    pteSizeBytes = sizeBytes(pte, where);
    JSONObject export = Json.object(m, "export", where);
    model = Json.string(export, "model", where + ": export");
    backend = Json.string(export, "backend", where + ": export");
    quantization = Json.string(export, "quantization", where + ": export");
    parameters = export.optLong("parameters", -1);
    JSONObject decoder = Json.object(m, "decoder", where);
    defaultDecoder = Decider.Decoder.parse(Json.string(decoder, "default", where + ": decoder"), where + ": decoder.default");
    topK = atLeastOne(decoder, "top_k", where);
    oodTopK = atLeastOne(decoder, "ood_top_k", where);
    rateEstimate = decoder.isNull("rate_estimate") ? Decider.RateEstimate.CURRENT
        : Decider.RateEstimate.parse(Json.string(decoder, "rate_estimate", where + ": decoder"), where + ": decoder.rate_estimate");
    logitTolerance = Json.object(m, "verification", where).optDouble("logit_tolerance", Double.NaN);
    if (!(logitTolerance > 0) || Double.isInfinite(logitTolerance)) {
      throw new RefusedException(where + ": verification.logit_tolerance: must be a positive number");
    }
  }

  private static long sizeBytes(JSONObject pte, String where) {
    Object size = pte.opt("size_bytes");
    if (!(size instanceof Integer || size instanceof Long)) throw new RefusedException(where + ": pte.size_bytes: missing or not an integer");
    return ((Number) size).longValue();
  }

  private static int atLeastOne(JSONObject decoder, String key, String where) {
    int k = Json.integer(decoder, key, where + ": decoder");
    if (k < 1) throw new RefusedException(where + ": decoder." + key + ": must be >= 1, got " + k);
    return k;
  }

  /** The run's first line: the program, its build and size, and its sha256 as checked. */
  String describe(String what, String sha256, int numThreads) {
    return String.format(java.util.Locale.ROOT, "model %s (%s, %s), %s parameters, %s, sha256 %s, %d XNNPACK thread(s)",
        pteFile, backend, quantization, parameters >= 0 ? Long.toString(parameters) : "?", what, sha256, numThreads);
  }
}
