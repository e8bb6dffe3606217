package org.kdoffload.core;

/**
 * Replays every golden vector of a graph student's manifest through this client's own decision
 * path before the model is trusted: each vector's graph and state -> features (nodes, scalars),
 * the stored features -> the program's logits, then the argmax and guarded placements and the
 * guarded delay. Tolerances are GoldenCheck's (docs/formats.md): features 1e-5, logits 1e-4
 * (the manifest's only if tighter), placements exact, delays 1e-9 relative.
 */
public final class GraphGoldenCheck {
  private GraphGoldenCheck() {}

  public static GoldenCheck.Report run(GraphManifest m, EtModel model) {
    GoldenCheck.Report report = new GoldenCheck.Report();
    for (int k = 0; k < m.golden.size(); k++) {
      GraphGolden g = m.golden.get(k);
      String where = "golden[" + k + "] (n " + g.graph.n + ") ";
      GraphDecider argmax = new GraphDecider(m, g.graph, model, Decider.Decoder.ARGMAX, 0);
      GraphDecider guarded = new GraphDecider(m, g.graph, model, Decider.Decoder.GUARDED, 0);
      GraphFeatures.Inputs ours = argmax.inputs(g.state);
      GoldenCheck.features(report, where + "node feature ", ours.nodes, g.nodes);
      GoldenCheck.features(report, where + "scalar feature ", ours.scalars, g.scalars);
      // The stored features, not ours: a feature bug is not reported twice.
      System.arraycopy(g.nodes, 0, ours.nodes, 0, g.nodes.length);
      System.arraycopy(g.scalars, 0, ours.scalars, 0, g.scalars.length);
      float[] logits = argmax.logits(ours);
      GoldenCheck.logits(report, where, logits, g.logits, m.program.logitTolerance);
      GoldenCheck.placement(report, where + "argmax", argmax.decode(g.state, logits).placement, g.argmaxPlacement);
      Decider.Decision d = guarded.decode(g.state, logits);
      GoldenCheck.placement(report, where + "guarded", d.placement, g.guardedPlacement);
      GoldenCheck.delay(report, where + "guarded delay", d.delayS, g.guardedDelayS);
      report.vectors++;
    }
    return report;
  }
}
