package org.kdoffload.core;

/**
 * A stream of tasks through one policy (scheduler/stream.py): each task's decision starts at
 * the first instant after its arrival that the device core is idle, holds the core for its
 * charged time, and the task's subtasks are placed on the shared resources from its end on.
 */
public final class TaskStream {
  /** A decision engine: the placement for one state. */
  public interface Policy {
    int[] decide(SystemState state);
  }

  /** Per task: arrival, decision start and end, completion (seconds of virtual time). */
  public static final class Result {
    public final String policy;
    public final double[] arrivalS;
    public final double[] decisionStartS;
    public final double[] startS;
    public final double[] doneS;
    public final double[] decisionS;

    Result(String policy, int tasks) {
      this.policy = policy;
      arrivalS = new double[tasks];
      decisionStartS = new double[tasks];
      startS = new double[tasks];
      doneS = new double[tasks];
      decisionS = new double[tasks];
    }

    /** Per task: completion minus arrival. */
    public double[] delaysS() {
      double[] out = new double[doneS.length];
      for (int k = 0; k < out.length; k++) out[k] = doneS[k] - arrivalS[k];
      return out;
    }

    public double meanDelayS() {
      double sum = 0.0;
      for (int k = 0; k < doneS.length; k++) sum += doneS[k] - arrivalS[k];
      return sum / doneS.length;
    }

    /** Tasks per second of virtual time, from the first arrival to the last completion. */
    public double tasksPerS() {
      double last = 0.0;
      for (double d : doneS) last = Math.max(last, d);
      return doneS.length / (last - arrivalS[0]);
    }

    /** The decisions' share of the summed task delay. */
    public double decisionShare() {
      double decided = 0.0;
      double total = 0.0;
      for (int k = 0; k < doneS.length; k++) {
        decided += decisionS[k];
        total += doneS[k] - arrivalS[k];
      }
      return decided / total;
    }
  }

  private TaskStream() {}

  /**
   * Runs the stream; each decision is charged its measured wall time when `chargeMeasured`,
   * else nothing (then it needs no core and happens at the arrival).
   */
  public static Result run(Profile profile, String name, Policy policy, double[] arrivalsS,
                           SystemState[] states, boolean chargeMeasured) {
    TaskExecutor executor = new TaskExecutor(profile);
    Result r = new Result(name, arrivalsS.length);
    for (int k = 0; k < arrivalsS.length; k++) {
      double begin = chargeMeasured ? executor.firstIdle(arrivalsS[k]) : arrivalsS[k];
      long t0 = System.nanoTime();
      int[] placement = policy.decide(states[k]);
      double charged = chargeMeasured ? (System.nanoTime() - t0) * 1e-9 : 0.0;
      execute(executor, r, k, arrivalsS[k], begin, charged, states[k], placement);
    }
    return r;
  }

  /** The stream with given placements and decision times (what Python's executor is checked on). */
  public static Result replay(Profile profile, double[] arrivalsS, SystemState[] states,
                              int[][] placements, double[] decisionS) {
    TaskExecutor executor = new TaskExecutor(profile);
    Result r = new Result("replay", arrivalsS.length);
    for (int k = 0; k < arrivalsS.length; k++) {
      execute(executor, r, k, arrivalsS[k], executor.firstIdle(arrivalsS[k]), decisionS[k], states[k], placements[k]);
    }
    return r;
  }

  private static void execute(TaskExecutor executor, Result r, int k, double arrival, double begin,
                              double charged, SystemState state, int[] placement) {
    double[] decision = executor.reserveDecision(begin, charged);
    r.arrivalS[k] = arrival;
    r.decisionStartS[k] = decision[0];
    r.startS[k] = decision[1];
    r.decisionS[k] = charged;
    r.doneS[k] = executor.run(decision[1], state, placement);
  }
}
