package org.kdoffload.core;

/**
 * Greedy (model/policies.py): each subtask in index order goes to the site where it would
 * finish earliest given the earlier choices, scheduled as the list schedule does; for an exit,
 * "finish" is when its output would reach the device. Ties go to the lower site.
 */
public final class Greedy {
  private final Profile profile;
  private final Schedule chosen;
  private final Schedule[] options = new Schedule[3];
  private final Schedule probe;
  private final boolean[] isExit;

  public Greedy(Profile profile) {
    this.profile = profile;
    this.chosen = new Schedule(profile);
    this.probe = new Schedule(profile);
    for (int s = 0; s < 3; s++) options[s] = new Schedule(profile);
    this.isExit = new boolean[profile.n];
    for (int e : profile.exits) isExit[e] = true;
  }

  public int[] decide(SystemState state) {
    int[] order = new int[profile.n];
    for (int i = 0; i < profile.n; i++) order[i] = i;
    return decideInOrder(state, order);
  }

  /** Each subtask of `order` (a topological order) to its earliest site: Heft's second step. */
  int[] decideInOrder(SystemState state, int[] order) {
    int[] placement = new int[profile.n];
    chosen.reset(state);
    for (int i : order) {
      int best = 0;
      double bestFinish = 0.0;
      for (int site = 0; site < 3; site++) {
        Schedule option = options[site];
        option.copyFrom(chosen);
        double finish = option.place(i, site);
        if (isExit[i]) {
          // Delivery is only looked at: the option itself keeps its links unreserved.
          probe.copyFrom(option);
          finish = probe.toDevice(i);
        }
        if (site == 0 || finish < bestFinish) {
          best = site;
          bestFinish = finish;
        }
      }
      placement[i] = best;
      chosen.copyFrom(options[best]);
    }
    return placement;
  }
}
