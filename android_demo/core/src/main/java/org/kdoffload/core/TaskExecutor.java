package org.kdoffload.core;

import static org.kdoffload.core.Sites.BH_DOWN;
import static org.kdoffload.core.Sites.BH_UP;
import static org.kdoffload.core.Sites.CLOUD;
import static org.kdoffload.core.Sites.DEVICE;
import static org.kdoffload.core.Sites.DOWN;
import static org.kdoffload.core.Sites.EDGE;
import static org.kdoffload.core.Sites.UP;

/**
 * The local task scheduler (scheduler/executor.py): one task's graph under a placement on the
 * resources a stream of tasks shares, in virtual time. The network is static (each task's
 * transfers use its own state's rates) and nothing fails: the Python executor's dynamic rates
 * and outage windows are not ported. On those terms it equals the Python executor exactly, and
 * alone on idle resources a task takes exactly T(x) of the delay model.
 */
public final class TaskExecutor {
  private static final double NEVER = Double.POSITIVE_INFINITY;

  private final Profile profile;
  private final boolean[] isEntry;
  final DeviceCore device = new DeviceCore();
  private final double[] edgeFree;
  private final double[] linkFree = new double[4];

  public TaskExecutor(Profile profile) {
    this.profile = profile;
    this.isEntry = new boolean[profile.n];
    for (int e : profile.entries) isEntry[e] = true;
    this.edgeFree = new double[profile.edgeCores];
  }

  /** The first instant from `arrival` the device core is idle: when a decision may begin. */
  public double firstIdle(double arrival) {
    return device.firstIdle(arrival);
  }

  /** A decision of `duration` s on the device core from `earliest` on: {start, end}. */
  public double[] reserveDecision(double earliest, double duration) {
    if (duration <= 0.0) return new double[] {earliest, earliest}; // no time, no core
    double begin = device.reserveDecision(earliest, duration);
    return new double[] {begin, begin + duration};
  }

  /** Places every subtask of the task from `start` on; when its last exit output is on the device. */
  public double run(double start, SystemState task, int[] placement) {
    int n = profile.n;
    double[][] outputs = new double[n][];
    for (int i = 0; i < n; i++) {
      int site = placement[i];
      double ready = start;
      if (isEntry[i]) ready = Math.max(ready, fetch(task, new double[] {start, NEVER, NEVER}, site, task.inBits[i]));
      for (int j : profile.preds[i]) {
        double t = fetch(task, outputs[j], site, task.outBits[j]);
        if (t > ready) ready = t;
      }
      double[] out = {NEVER, NEVER, NEVER};
      out[site] = runOnCore(task, i, site, ready, start);
      outputs[i] = out;
    }
    double done = start;
    for (int e : profile.exits) {
      double t = fetch(task, outputs[e], DEVICE, task.outBits[e]);
      if (t > done) done = t;
    }
    return done;
  }

  private double runOnCore(SystemState task, int i, int site, double ready, double start) {
    double run = task.cycles[i] * secondsPerCycle(task, site);
    if (site == DEVICE) return device.reserveSubtask(ready, run) + run;
    if (site == EDGE) {
      // The edge's own users hold every core until the task's start + edge_wait.
      double floor = start + task.edgeWait();
      int core = 0;
      double coreFree = Math.max(edgeFree[0], floor);
      for (int c = 1; c < edgeFree.length; c++) {
        double f = edgeFree[c] > floor ? edgeFree[c] : floor;
        if (f < coreFree) {
          core = c;
          coreFree = f;
        }
      }
      double begin = ready > coreFree ? ready : coreFree;
      edgeFree[core] = begin + run;
      return begin + run;
    }
    return ready + run;
  }

  private static double secondsPerCycle(SystemState task, int site) {
    return 1.0 / (site == DEVICE ? task.fDevice() : site == EDGE ? task.fEdge() : task.fCloud());
  }

  private double hop(SystemState task, int link, double bits, double from) {
    double begin = from > linkFree[link] ? from : linkFree[link];
    double rate = link == UP ? task.rateUp() : link == DOWN ? task.rateDown() : task.rateBackhaul();
    double lat = link <= DOWN ? task.latWireless() : task.latBackhaul();
    double end = begin + (bits / rate + lat);
    linkFree[link] = end;
    return end;
  }

  private double fetch(SystemState task, double[] avail, int site, double bits) {
    if (avail[site] != NEVER) return avail[site];
    if (site == EDGE) {
      avail[EDGE] = avail[DEVICE] != NEVER ? hop(task, UP, bits, avail[DEVICE]) : hop(task, BH_DOWN, bits, avail[CLOUD]);
      return avail[EDGE];
    }
    boolean toDevice = site == DEVICE;
    if (avail[EDGE] == NEVER) avail[EDGE] = hop(task, toDevice ? BH_DOWN : UP, bits, avail[toDevice ? CLOUD : DEVICE]);
    avail[site] = hop(task, toDevice ? DOWN : BH_UP, bits, avail[EDGE]);
    return avail[site];
  }
}
