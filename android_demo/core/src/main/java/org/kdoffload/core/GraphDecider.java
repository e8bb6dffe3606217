package org.kdoffload.core;

/**
 * The graph student's decision path for a task graph given at run time: raw state ->
 * GraphFeatures (raw, then the manifest's normalisers) -> the program's forward with its four
 * inputs (nodes, scalars, adjacency, mask) -> the first n rows of its [64][3] logits -> argmax,
 * or the guarded decoder (GraphDecoder: top-K, greedy, HEFT, single-site, local search). The
 * graph manifest carries no training support, so every state decides with K, as the export's
 * golden placements were made. Not thread-safe (GraphDecoder reuses its buffers).
 */
public final class GraphDecider {
  public final Profile graph;
  public final Decider.Decoder decoder;
  private final GraphManifest manifest;
  private final GraphFeatures features;
  private final EtModel model;
  private final GraphDecoder guarded;

  /** `topK` 0: the manifest's K. */
  public GraphDecider(GraphManifest manifest, Profile graph, EtModel model, Decider.Decoder decoder, int topK) {
    if (decoder == Decider.Decoder.TOPK) throw new IllegalArgumentException("a graph student decodes argmax or guarded");
    if (graph.n > GraphFeatures.N_MAX) {
      throw new RefusedException("graph " + graph.name + ": " + graph.n + " subtasks is more than the "
          + GraphFeatures.N_MAX + " the graph student takes");
    }
    this.graph = graph;
    this.decoder = decoder;
    this.manifest = manifest;
    this.features = new GraphFeatures(graph);
    this.model = model;
    this.guarded = new GraphDecoder(graph, topK > 0 ? topK : manifest.program.topK, manifest.program.oodTopK,
        manifest.localSearchPasses, manifest.pairWork);
  }

  /** The program's four inputs for `state`, normalised. */
  public GraphFeatures.Inputs inputs(SystemState state) {
    return manifest.normalised(features.build(state));
  }

  /** The program's logits [64][3] flat: rows past n belong to padding. */
  public float[] logits(GraphFeatures.Inputs in) {
    float[] out = model.forward(in.nodes, in.scalars, in.adjacency, in.mask);
    if (out.length != 3 * GraphFeatures.N_MAX) {
      throw new RefusedException(manifest.path + ": the model gave " + out.length + " logits, expected " + 3 * GraphFeatures.N_MAX);
    }
    return out;
  }

  /** This decider's decoder on `logits` (only the first n rows are read). */
  public Decider.Decision decode(SystemState state, float[] logits) {
    if (decoder == Decider.Decoder.ARGMAX) return new Decider.Decision(Decoding.argmax(logits, graph.n), Double.NaN, false);
    Decoding.Scored best = guarded.decode(state, logits, false);
    return new Decider.Decision(best.placement, best.delayS, false);
  }

  public Decider.Decision decide(SystemState state) {
    return decode(state, logits(inputs(state)));
  }
}
