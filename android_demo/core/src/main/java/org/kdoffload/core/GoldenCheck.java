package org.kdoffload.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays every golden vector of a manifest through this client's own decision path before
 * the model is trusted: features, logits, out-of-support, every decoder's placement and delay,
 * greedy. Tolerances are docs/formats.md's: features 1e-5 (relative or absolute), logits 1e-4
 * (the manifest's value only if it is tighter), placements exact, delays 1e-9 relative.
 */
public final class GoldenCheck {
  static final double FEATURE_TOLERANCE = 1e-5;
  /**
   * The golden logits are the program's own outputs at export, so a faithful runtime reproduces
   * them to rounding. The bound is the client's, never loosened by the file it checks (Python's
   * checks.py and C++ golden_check.cpp hold the same number).
   */
  static final double LOGIT_TOLERANCE = 1e-4;
  static final double DELAY_REL_TOLERANCE = 1e-9;

  /** What the replay found. */
  public static final class Report {
    public int vectors;
    public double maxFeatureError;
    public double maxLogitError;
    public double maxDelayRelError;
    public final List<String> failures = new ArrayList<>();

    public boolean passed() {
      return failures.isEmpty();
    }

    /** Throws with the first failure (and how many there were) unless every check passed. */
    public void requirePassed(Manifest m) {
      requirePassed(m.path);
    }

    /** One line naming the manifest at `manifest`, the first failure and how many more. */
    public void requirePassed(java.nio.file.Path manifest) {
      if (!passed()) {
        throw new RefusedException(manifest + ": golden check failed: " + failures.get(0)
            + (failures.size() > 1 ? " (and " + (failures.size() - 1) + " more)" : ""));
      }
    }
  }

  private GoldenCheck() {}

  public static Report run(Manifest m, Decider.Forward forward) {
    Report report = new Report();
    int n = m.profile.n;
    Decider[] deciders = new Decider[Decider.Decoder.values().length];
    for (Decider.Decoder d : Decider.Decoder.values()) deciders[d.ordinal()] = Decider.of(m, forward, d, 0);
    Greedy greedy = new Greedy(m.profile);
    Schedule schedule = new Schedule(m.profile);
    for (int k = 0; k < m.golden.size(); k++) {
      GoldenRecord g = m.golden.get(k);
      String where = "golden[" + k + "] ";
      features(report, where + "feature ", deciders[0].features(g.state), g.features);
      boolean outOfSupport = deciders[0].outOfSupport(g.state);
      if (outOfSupport != g.outOfSupport) report.failures.add(where + "out_of_support is " + outOfSupport + ", expected " + g.outOfSupport);
      // The stored features, not ours: a feature bug is not reported twice.
      float[] logits = forward.logits(g.features.clone());
      if (logits.length != 3 * n) {
        report.failures.add(where + "the model gave " + logits.length + " logits, expected " + 3 * n);
        continue;
      }
      logits(report, where, logits, g.logits, m.program.logitTolerance);
      placement(report, where + "argmax", deciders[0].decode(g.state, logits, outOfSupport).placement, g.argmaxPlacement);
      decoded(report, where + "top-K", deciders[1].decode(g.state, logits, outOfSupport), g.topkPlacement, g.topkDelayS);
      decoded(report, where + "guarded", deciders[2].decode(g.state, logits, outOfSupport), g.guardedPlacement, g.guardedDelayS);
      // The delay model alone on the stored placement isolates it from the decoders.
      double[] busy = m.program.rateEstimate == Decider.RateEstimate.BACKLOG ? g.state.backlogs() : null;
      delay(report, where + "delay model on the stored guarded placement", schedule.delay(g.state, g.guardedPlacement, busy), g.guardedDelayS);
      placement(report, where + "greedy", greedy.decide(g.state), g.greedyPlacement);
      report.vectors++;
    }
    return report;
  }

  private static void decoded(Report report, String what, Decider.Decision got, int[] placement, double delayS) {
    placement(report, what, got.placement, placement);
    delay(report, what + " delay", got.delayS, delayS);
  }

  /** Each of `expected` against `got` within FEATURE_TOLERANCE, absolute or relative. */
  static void features(Report report, String what, float[] got, float[] expected) {
    for (int f = 0; f < expected.length; f++) {
      double error = Math.abs((double) got[f] - expected[f]);
      report.maxFeatureError = Math.max(report.maxFeatureError, error);
      if (error > FEATURE_TOLERANCE + FEATURE_TOLERANCE * Math.abs(expected[f])) {
        report.failures.add(what + f + " is " + got[f] + ", expected " + expected[f]);
      }
    }
  }

  /** The first expected.length logits ([n][3] flat) within LOGIT_TOLERANCE, or the manifest's if tighter. */
  static void logits(Report report, String where, float[] got, float[] expected, double manifestTolerance) {
    for (int c = 0; c < expected.length; c++) {
      double error = Math.abs((double) got[c] - expected[c]);
      report.maxLogitError = Math.max(report.maxLogitError, error);
      if (!(error <= Math.min(LOGIT_TOLERANCE, manifestTolerance))) {
        report.failures.add(where + "logit [" + c / 3 + "][" + c % 3 + "] is " + got[c] + ", expected " + expected[c]);
      }
    }
  }

  static void placement(Report report, String what, int[] got, int[] expected) {
    if (!Arrays.equals(got, expected)) {
      report.failures.add(what + " placement " + Arrays.toString(got) + ", expected " + Arrays.toString(expected));
    }
  }

  static void delay(Report report, String what, double got, double expected) {
    double rel = Math.abs(got - expected) / Math.abs(expected);
    report.maxDelayRelError = Math.max(report.maxDelayRelError, rel);
    if (!(rel <= DELAY_REL_TOLERANCE)) report.failures.add(what + " " + got + " s, expected " + expected + " s");
  }
}
