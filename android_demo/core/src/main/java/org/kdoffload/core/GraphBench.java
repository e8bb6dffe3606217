package org.kdoffload.core;

import java.util.Locale;

/**
 * The graph benchmark (BenchRun's path for the graph student): the export and a task graph
 * given at run time (BenchConfig.graphFile). The .pte is checked against its manifest, the
 * golden vectors replayed before anything is timed (a mismatch refuses the run), then the
 * states of bench_states.json, which push draws for that graph, are decided and timed stage by
 * stage: features, the model call alone, the guarded decoder alone, and whole decisions with
 * argmax and guarded; then the task stream. The records name the graph (name, n, digest).
 */
final class GraphBench {
  // States whose inputs are built ahead for the model-call and decoder timings (each input set
  // is ~19 KB): enough distinct states, bounded memory.
  private static final int PREPARED_STATES = 256;

  private final BenchConfig cfg;
  private final DeviceInfo device;
  private final BenchRun.Log log;

  GraphBench(BenchConfig cfg, DeviceInfo device, BenchRun.Log log) {
    this.cfg = cfg;
    this.device = device;
    this.log = log;
  }

  BenchRecords run(ModelFiles files, GraphManifest m) {
    String sha256 = files.checkPte(m.program);
    TaskGraphFile task = TaskGraphFile.read(cfg.graphFile);
    Profile graph = task.graph;
    if (files.benchStates == null) {
      throw new RefusedException(files.manifest.getParent() + ": no " + ModelFiles.BENCH_STATES + " with states of graph "
          + graph.name + " (kdoffload android push --graph writes it)");
    }
    BenchStates states = BenchStates.read(files.benchStates, graph);
    log.line(m.program.describe("graph student", sha256, cfg.numThreads));
    log.line(String.format(Locale.ROOT, "graph %s: %d subtasks, %d edges, digest %s", graph.name, graph.n,
        graph.edges.length, task.digest));
    BenchRecords records = new BenchRecords("graph_" + m.program.model, m.program, device);
    long t0 = System.nanoTime();
    EtModel model = EtModel.load(files.pte.toString(), m.inputShapes, cfg.numThreads);
    double loadMs = (System.nanoTime() - t0) * 1e-6;
    records.loaded(loadMs, cfg.numThreads);
    try {
      GoldenCheck.Report golden = GraphGoldenCheck.run(m, model);
      records.golden(golden);
      golden.requirePassed(m.path);
      log.line(String.format(Locale.ROOT, "golden check: %d vectors pass (max logit error %.2g); load %.1f ms",
          golden.vectors, golden.maxLogitError, loadMs));
      records.add("graph_subtasks", graph.n).with("graph_name", graph.name).with("graph_digest", task.digest)
          .with("graph_edges", graph.edges.length);
      time(m, graph, model, states, records);
      if (cfg.streamTasks > 0) {
        GraphDecider guarded = new GraphDecider(m, graph, model, Decider.Decoder.GUARDED, cfg.topK);
        BenchRun.stream(cfg, graph, s -> guarded.decide(s).placement, states, records, log);
      }
    } finally {
      model.close();
    }
    return records;
  }

  /** Each stage alone, then whole decisions (features to placement) with each decoder. */
  private void time(GraphManifest m, Profile graph, EtModel model, BenchStates states, BenchRecords records) {
    GraphDecider guarded = new GraphDecider(m, graph, model, Decider.Decoder.GUARDED, cfg.topK);
    int prepared = Math.min(states.states.size(), PREPARED_STATES);
    GraphFeatures.Inputs[] inputs = new GraphFeatures.Inputs[prepared];
    float[][] logits = new float[prepared][];
    for (int k = 0; k < prepared; k++) {
      inputs[k] = guarded.inputs(states.states.get(k));
      logits[k] = guarded.logits(inputs[k]);
    }
    int warm = cfg.numWarmUpIter;
    int iters = cfg.numIter;
    BenchStats features = BenchStats.timeUs(warm, iters, k -> guarded.inputs(BenchRun.state(states, k)));
    BenchStats forward = BenchStats.timeUs(warm, iters, k -> guarded.logits(inputs[k % prepared]));
    BenchStats decoder = BenchStats.timeUs(warm, iters,
        k -> guarded.decode(states.states.get(k % prepared), logits[k % prepared]));
    records.add("avg_inference_latency(ms)", forward.mean * 1e-3);
    records.add("trimmean_inference_latency(ms)", forward.trimmedMean * 1e-3);
    records.add("inference_p50(us)", forward.p50);
    records.add("inference_p99(us)", forward.p99);
    records.add("features_p50(us)", features.p50);
    records.add("features_p99(us)", features.p99);
    records.add("decode_p50(us)", decoder.p50, "decoder", guarded.decoder.label());
    records.add("decode_p99(us)", decoder.p99, "decoder", guarded.decoder.label());
    log.line(String.format(Locale.ROOT, "features: p50 %.2f us, p99 %.2f us; model call: p50 %.2f us, p99 %.2f us; "
        + "guarded decoder alone: p50 %.2f us, p99 %.2f us (%d iterations)", features.p50, features.p99, forward.p50,
        forward.p99, decoder.p50, decoder.p99, iters));
    GraphDecider argmax = new GraphDecider(m, graph, model, Decider.Decoder.ARGMAX, cfg.topK);
    for (GraphDecider d : new GraphDecider[] {argmax, guarded}) {
      BenchStats whole = BenchStats.timeUs(warm, iters, k -> d.decide(BenchRun.state(states, k)));
      String name = d.decoder.label();
      records.add("decision_p50(us)", whole.p50, "decoder", name);
      records.add("decision_p99(us)", whole.p99, "decoder", name);
      records.add("decision_mean(us)", whole.mean, "decoder", name);
      if (d == guarded) records.add("decision_times(us)", whole.mean, "decoder", name).with("values", Json.array(whole.values()));
      log.line(String.format(Locale.ROOT, "%-7s decision: p50 %.2f us, p99 %.2f us", name, whole.p50, whole.p99));
    }
  }
}
