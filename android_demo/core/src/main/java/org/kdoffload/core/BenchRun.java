package org.kdoffload.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.json.JSONObject;

/**
 * The whole benchmark, the same code on a phone (BenchActivity) and on the host (hostbench):
 * copy the model into the files folder, check it against its manifest, load it, replay the
 * golden vectors, time the model and every decoder, run a task stream, write the records.
 */
public final class BenchRun {
  public static final String RESULTS = "kdoffload_results.json";

  /** Where progress lines go: android.util.Log on a phone, stdout on the host. */
  public interface Log {
    void line(String text);
  }

  private final BenchConfig cfg;
  private final DeviceInfo device;
  private final Log log;
  private final StringBuilder summary = new StringBuilder();

  public BenchRun(BenchConfig cfg, DeviceInfo device, Log log) {
    this.cfg = cfg;
    this.device = device;
    this.log = log;
  }

  /** Runs everything and writes filesDir/kdoffload_results.json; returns a readable summary. */
  public String run() throws IOException {
    ModelFiles files = ModelFiles.find(cfg.modelDir).copyTo(cfg.filesDir.resolve("model"));
    JSONObject json = Manifest.readJson(files.manifest);
    boolean graphStudent = GraphManifest.isGraph(json);
    if (graphStudent && cfg.graphFile == null) {
      throw new RefusedException(files.manifest + ": the graph student's export decides for a graph given at run time: pass graph_file");
    }
    if (!graphStudent && cfg.graphFile != null) {
      throw new RefusedException(cfg.graphFile + ": a graph file needs the graph student's export, and "
          + files.manifest + " is a single-graph model's");
    }
    BenchRecords records = graphStudent
        ? new GraphBench(cfg, device, this::say).run(files, GraphManifest.of(files.manifest, json))
        : single(files, Manifest.of(files.manifest, json, null));
    Json.writeAtomically(cfg.filesDir.resolve(RESULTS), records.text());
    say(BenchFailure.FINISHED + "results in " + cfg.filesDir.resolve(RESULTS));
    return summary.toString();
  }

  /** The single-graph student (or teacher) of one profile: every decoder, then the stream. */
  private BenchRecords single(ModelFiles files, Manifest m) {
    say(m.program.describe("profile " + m.profile.name, files.checkPte(m.program), cfg.numThreads));
    BenchRecords records = new BenchRecords(m.program.model, m.program, device);
    long t0 = System.nanoTime();
    EtModel model = EtModel.load(files.pte.toString(), m.recipe.width(), cfg.numThreads);
    double loadMs = (System.nanoTime() - t0) * 1e-6;
    records.loaded(loadMs, cfg.numThreads);
    try {
      GoldenCheck.Report golden = GoldenCheck.run(m, model);
      records.golden(golden);
      golden.requirePassed(m);
      say(String.format(Locale.ROOT, "golden check: %d vectors pass (max logit error %.2g); load %.1f ms",
          golden.vectors, golden.maxLogitError, loadMs));
      BenchStates states = files.benchStates != null
          ? BenchStates.read(files.benchStates, m.profile) : BenchStates.ofGolden(m);
      timeModel(m, model, states, records);
      for (Decider.Decoder d : Decider.Decoder.values()) timeDecoder(Decider.of(m, model, d, cfg.topK), states, records);
      if (cfg.streamTasks > 0) {
        Decider guarded = Decider.of(m, model, Decider.Decoder.GUARDED, cfg.topK);
        stream(cfg, m.profile, s -> guarded.decide(s).placement, states, records, this::say);
      }
    } finally {
      model.close();
    }
    return records;
  }

  private void say(String line) {
    log.line(line);
    summary.append(line).append('\n');
  }

  static SystemState state(BenchStates s, int k) {
    return s.states.get(k % s.states.size());
  }

  /** The model call alone, on the states' inputs: the benchmark app's inference latency. */
  private void timeModel(Manifest m, EtModel model, BenchStates states, BenchRecords records) {
    Decider features = Decider.of(m, model, Decider.Decoder.ARGMAX, 0);
    float[][] inputs = new float[states.states.size()][];
    for (int k = 0; k < inputs.length; k++) inputs[k] = features.features(states.states.get(k));
    for (int k = 0; k < cfg.numWarmUpIter; k++) model.logits(inputs[k % inputs.length]);
    double[] ms = new double[cfg.numIter];
    for (int k = 0; k < cfg.numIter; k++) {
      long t0 = System.nanoTime();
      model.logits(inputs[k % inputs.length]);
      ms[k] = (System.nanoTime() - t0) * 1e-6;
    }
    BenchStats stats = new BenchStats(ms);
    records.add("avg_inference_latency(ms)", stats.mean);
    records.add("trimmean_inference_latency(ms)", stats.trimmedMean);
    records.add("inference_p50(us)", stats.p50 * 1e3);
    say(String.format(Locale.ROOT, "model call: p50 %.2f us, mean %.2f us, trimmed mean %.2f us (%d iterations)",
        stats.p50 * 1e3, stats.mean * 1e3, stats.trimmedMean * 1e3, cfg.numIter));
  }

  /** Whole decisions (features to placement) with one decoder. */
  private void timeDecoder(Decider decider, BenchStates states, BenchRecords records) {
    for (int k = 0; k < cfg.numWarmUpIter; k++) decider.decide(state(states, k));
    double[] us = new double[cfg.numIter];
    int outside = 0;
    for (int k = 0; k < cfg.numIter; k++) {
      SystemState s = state(states, k);
      long t0 = System.nanoTime();
      Decider.Decision d = decider.decide(s);
      us[k] = (System.nanoTime() - t0) * 1e-3;
      if (d.outOfSupport) outside++;
    }
    BenchStats stats = new BenchStats(us);
    String name = decider.decoder.label();
    records.add("decision_p50(us)", stats.p50, "decoder", name);
    records.add("decision_p99(us)", stats.p99, "decoder", name);
    records.add("decision_mean(us)", stats.mean, "decoder", name);
    say(String.format(Locale.ROOT, "%-7s decision: p50 %.2f us, p99 %.2f us", name, stats.p50, stats.p99));
    if (decider.decoder == Decider.Decoder.GUARDED) {
      records.add("out_of_support_share", (double) outside / cfg.numIter, "decoder", name);
      records.add("decision_times(us)", stats.mean, "decoder", name).with("values", Json.array(us));
    }
  }

  /** The task stream over the states, decided by `guarded`, by greedy and all on the device. */
  static void stream(BenchConfig cfg, Profile profile, TaskStream.Policy guarded, BenchStates states,
      BenchRecords records, Log log) {
    int tasks = cfg.streamTasks;
    double[] arrivals = arrivals(states.arrivalsS, tasks);
    SystemState[] taskStates = new SystemState[tasks];
    for (int k = 0; k < tasks; k++) taskStates[k] = state(states, k);
    Greedy greedy = new Greedy(profile);
    int[] local = Decoding.everywhere(profile.n, Sites.DEVICE);
    List<TaskStream.Result> results = java.util.Arrays.asList(
        TaskStream.run(profile, "guarded", guarded, arrivals, taskStates, true),
        TaskStream.run(profile, "greedy", greedy::decide, arrivals, taskStates, true),
        TaskStream.run(profile, "all-local", s -> local, arrivals, taskStates, false));
    for (TaskStream.Result r : results) {
      double[] delaysMs = r.delaysS();
      for (int k = 0; k < tasks; k++) delaysMs[k] *= 1e3;
      records.add("stream_mean_delay(ms)", r.meanDelayS() * 1e3, "policy", r.policy).with("tasks", tasks)
          .with("values", Json.array(delaysMs));
      records.add("stream_tasks_per_s", r.tasksPerS(), "policy", r.policy);
      records.add("stream_decision_share", r.decisionShare(), "policy", r.policy);
      log.line(String.format(Locale.ROOT, "stream of %d tasks, %-9s: mean delay %.2f ms, %.2f tasks/s, decisions %.4f%% of the delay",
          tasks, r.policy, r.meanDelayS() * 1e3, r.tasksPerS(), 100 * r.decisionShare()));
    }
  }

  /** The file's arrivals when it has enough, else Poisson arrivals at one task per second (seed 0). */
  static double[] arrivals(double[] given, int tasks) {
    double[] out = new double[tasks];
    if (given != null && given.length >= tasks) {
      System.arraycopy(given, 0, out, 0, tasks);
      return out;
    }
    Random rng = new Random(0);
    double t = 0.0;
    for (int k = 0; k < tasks; k++) {
      t += -Math.log(1.0 - rng.nextDouble());
      out[k] = t;
    }
    return out;
  }
}
