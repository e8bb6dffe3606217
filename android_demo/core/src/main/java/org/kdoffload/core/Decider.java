package org.kdoffload.core;

import java.util.List;

/**
 * The decision path (docs/formats.md), one raw state in, one placement out: features ->
 * support check -> normalise -> forward -> decode. The Python `model/decider.py` and the C++
 * `kdo::Decider` are the same object. Not thread-safe: it reuses its buffers.
 */
public final class Decider {
  public enum Decoder {
    ARGMAX, TOPK, GUARDED;

    /** The manifest's and the CLI's spelling: argmax, topk, guarded. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Decoder parse(String text, String where) {
      for (Decoder d : values()) if (d.label().equals(text)) return d;
      throw new RefusedException(where + ": expected argmax, topk or guarded, got " + text);
    }
  }

  /**
   * What top-K and guarded candidates are scored under (the manifest's decoder.rate_estimate):
   * the state's rates from an idle phone (current), or the state's rates from the observed
   * backlogs of the phone's core and links (backlog; model/delay.py's delays with busy). A state
   * without an observation is scored from an idle phone either way.
   */
  public enum RateEstimate {
    CURRENT, BACKLOG;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static RateEstimate parse(String text, String where) {
      for (RateEstimate r : values()) if (r.label().equals(text)) return r;
      throw new RefusedException(where + ": expected current or backlog, got " + text);
    }
  }

  /** The model: normalised features [F] in, logits [N * 3] (row-major [N][3]) out. */
  public interface Forward {
    float[] logits(float[] input);
  }

  /** One decision: the placement, its delay under the delay model (NaN for argmax), and why. */
  public static final class Decision {
    public final int[] placement;
    public final double delayS;
    public final boolean outOfSupport;

    Decision(int[] placement, double delayS, boolean outOfSupport) {
      this.placement = placement;
      this.delayS = delayS;
      this.outOfSupport = outOfSupport;
    }
  }

  public final Profile profile;
  public final Decoder decoder;
  public final RateEstimate rateEstimate;
  private final FeatureRecipe recipe;
  private final Forward forward;
  private final int topK;
  private final int oodTopK;
  private final Schedule schedule;
  private final Greedy greedy;
  private final float[] raw;
  private final float[] input;
  private float[] lastLogits;

  public Decider(Profile profile, FeatureRecipe recipe, Forward forward, Decoder decoder, int topK, int oodTopK) {
    this(profile, recipe, forward, decoder, topK, oodTopK, RateEstimate.CURRENT);
  }

  public Decider(Profile profile, FeatureRecipe recipe, Forward forward, Decoder decoder, int topK, int oodTopK,
                 RateEstimate rateEstimate) {
    if (topK < 1 || oodTopK < 1) throw new IllegalArgumentException("top_k and ood_top_k must be >= 1");
    this.profile = profile;
    this.recipe = recipe;
    this.forward = forward;
    this.decoder = decoder;
    this.rateEstimate = rateEstimate;
    this.topK = topK;
    // The widening rule of model/decider.py's DecoderConfig: out of support never fewer than K.
    this.oodTopK = Math.max(topK, oodTopK);
    this.schedule = new Schedule(profile);
    this.greedy = new Greedy(profile);
    this.raw = new float[recipe.width()];
    this.input = new float[recipe.width()];
  }

  /**
   * The manifest's decision path with `decoder`, scoring as its decoder.rate_estimate says; K
   * is the manifest's unless topK > 0.
   */
  public static Decider of(Manifest m, Forward forward, Decoder decoder, int topK) {
    return new Decider(m.profile, m.recipe, forward, decoder, topK > 0 ? topK : m.program.topK, m.program.oodTopK,
        m.program.rateEstimate);
  }

  public Decision decide(SystemState state) {
    recipe.raw(state, raw);
    boolean outOfSupport = recipe.outOfSupport(raw);
    recipe.normalise(raw, input);
    float[] logits = forward.logits(input);
    if (logits.length != 3 * profile.n) {
      throw new RefusedException("model output has " + logits.length + " values, expected " + 3 * profile.n);
    }
    lastLogits = logits;
    return decode(state, logits, outOfSupport);
  }

  /** The decoder's placement for `state` given the model's logits (row-major [N][3]). */
  public Decision decode(SystemState state, float[] logits, boolean outOfSupport) {
    if (decoder == Decoder.ARGMAX) {
      return new Decision(Decoding.argmax(logits, profile.n), Double.NaN, outOfSupport);
    }
    int k = decoder == Decoder.GUARDED && outOfSupport ? oodTopK : topK;
    List<int[]> candidates = Decoding.mostProbable(logits, profile.n, k);
    candidates.add(Decoding.everywhere(profile.n, Sites.DEVICE));
    if (decoder == Decoder.GUARDED) {
      // Never worse than greedy or any single-site placement, by construction.
      candidates.add(greedy.decide(state));
      candidates.add(Decoding.everywhere(profile.n, Sites.EDGE));
      candidates.add(Decoding.everywhere(profile.n, Sites.CLOUD));
    }
    double[] busy = rateEstimate == RateEstimate.BACKLOG ? state.backlogs() : null;
    Decoding.Scored best = Decoding.fastest(candidates, state, schedule, busy);
    return new Decision(best.placement, best.delayS, outOfSupport);
  }

  /** Whether the state lies outside the training support of any raw feature. */
  public boolean outOfSupport(SystemState state) {
    recipe.raw(state, raw);
    return recipe.outOfSupport(raw);
  }

  /** The model input for `state`: normalised features [F] (a new array). */
  public float[] features(SystemState state) {
    float[] out = new float[recipe.width()];
    recipe.raw(state, raw);
    recipe.normalise(raw, out);
    return out;
  }

  /** The model's logits of the last decision. */
  public float[] lastLogits() {
    return lastLogits;
  }
}
