package org.kdoffload.core;

import static org.kdoffload.core.Sites.BH_DOWN;
import static org.kdoffload.core.Sites.BH_UP;
import static org.kdoffload.core.Sites.CLOUD;
import static org.kdoffload.core.Sites.DEVICE;
import static org.kdoffload.core.Sites.DOWN;
import static org.kdoffload.core.Sites.EDGE;
import static org.kdoffload.core.Sites.UP;

import java.util.Arrays;

/**
 * The delay model: the list schedule of one placement on idle resources, as model/delay.py
 * builds it, for one state. Every output is tracked per site with the time it is there; a
 * missing datum comes from the edge if a copy is there, else from its origin, and a
 * device<->cloud relay leaves a copy at the edge. Arithmetic is grouped as delay.py groups it
 * (start + (bits / rate + lat), cycles * (1 / f)), so the delays agree to the last bit.
 * Mutable and reusable: `reset` for a new placement, `copyFrom` for greedy's look-ahead.
 */
public final class Schedule {
  private static final double NEVER = Double.POSITIVE_INFINITY;

  private final Profile profile;
  private final boolean[] isEntry;
  private final double[] rate = new double[4];
  private final double[] lat = new double[4];
  private final double[] secondsPerCycle = new double[3];
  private SystemState state;
  private double deviceFree;
  private final double[] edgeFree;
  private final double[] linkFree = new double[4];
  private final double[][] at; // per subtask: when its output is at each site (inf: not there)
  private final double[] deviceInput = new double[3];

  public Schedule(Profile profile) {
    this.profile = profile;
    this.isEntry = new boolean[profile.n];
    for (int e : profile.entries) isEntry[e] = true;
    this.edgeFree = new double[profile.edgeCores];
    this.at = new double[profile.n][3];
  }

  /** Idle resources for `state`: the edge's cores are busy with other users until edge_wait. */
  public void reset(SystemState state) {
    reset(state, null);
  }

  /**
   * As {@link #reset(SystemState)}, with the phone's core, uplink and downlink free only after
   * busy = {device, up, down} seconds (an observation's backlogs; model/delay.py's
   * delays with busy). busy null: idle resources.
   */
  public void reset(SystemState state, double[] busy) {
    this.state = state;
    rate[UP] = state.rateUp();
    rate[DOWN] = state.rateDown();
    rate[BH_UP] = rate[BH_DOWN] = state.rateBackhaul();
    lat[UP] = lat[DOWN] = state.latWireless();
    lat[BH_UP] = lat[BH_DOWN] = state.latBackhaul();
    secondsPerCycle[DEVICE] = 1.0 / state.fDevice();
    secondsPerCycle[EDGE] = 1.0 / state.fEdge();
    secondsPerCycle[CLOUD] = 1.0 / state.fCloud();
    deviceFree = 0.0;
    Arrays.fill(edgeFree, 0.0 + state.edgeWait());
    Arrays.fill(linkFree, 0.0);
    if (busy != null) {
      deviceFree = busy[0];
      linkFree[UP] = busy[1];
      linkFree[DOWN] = busy[2];
    }
  }

  public void copyFrom(Schedule other) {
    state = other.state;
    System.arraycopy(other.rate, 0, rate, 0, 4);
    System.arraycopy(other.lat, 0, lat, 0, 4);
    System.arraycopy(other.secondsPerCycle, 0, secondsPerCycle, 0, 3);
    deviceFree = other.deviceFree;
    System.arraycopy(other.edgeFree, 0, edgeFree, 0, edgeFree.length);
    System.arraycopy(other.linkFree, 0, linkFree, 0, 4);
    for (int i = 0; i < at.length; i++) System.arraycopy(other.at[i], 0, at[i], 0, 3);
  }

  private double hop(int link, double dataReady, double bits, double[] avail, int dst) {
    double end = Math.max(dataReady, linkFree[link]) + (bits / rate[link] + lat[link]);
    linkFree[link] = end;
    avail[dst] = end;
    return end;
  }

  /** Brings a datum with copies `avail` to `site`, reserving links; when it is there. */
  double fetch(double[] avail, int site, double bits) {
    if (avail[site] != NEVER) return avail[site];
    if (site == EDGE) {
      return avail[DEVICE] != NEVER ? hop(UP, avail[DEVICE], bits, avail, EDGE)
                                    : hop(BH_DOWN, avail[CLOUD], bits, avail, EDGE);
    }
    boolean toDevice = site == DEVICE;
    if (avail[EDGE] == NEVER) {
      hop(toDevice ? BH_DOWN : UP, avail[toDevice ? CLOUD : DEVICE], bits, avail, EDGE);
    }
    return hop(toDevice ? DOWN : BH_UP, avail[EDGE], bits, avail, site);
  }

  /** Schedules subtask i at `site` after every earlier subtask; returns its finish time. */
  public double place(int i, int site) {
    double ready = 0.0;
    if (isEntry[i]) {
      deviceInput[DEVICE] = 0.0;
      deviceInput[EDGE] = deviceInput[CLOUD] = NEVER;
      ready = Math.max(ready, fetch(deviceInput, site, state.inBits[i]));
    }
    for (int j : profile.preds[i]) ready = Math.max(ready, fetch(at[j], site, state.outBits[j]));
    double run = state.cycles[i] * secondsPerCycle[site];
    double done;
    if (site == DEVICE) {
      done = Math.max(ready, deviceFree) + run;
      deviceFree = done;
    } else if (site == EDGE) {
      int core = 0; // frees first; lowest index on a tie
      for (int c = 1; c < edgeFree.length; c++) if (edgeFree[c] < edgeFree[core]) core = c;
      done = Math.max(ready, edgeFree[core]) + run;
      edgeFree[core] = done;
    } else {
      done = ready + run;
    }
    double[] out = at[i];
    out[DEVICE] = out[EDGE] = out[CLOUD] = NEVER;
    out[site] = done;
    return done;
  }

  /** When subtask i's output (already placed) would be on the device; reserves the links. */
  double toDevice(int i) {
    return fetch(at[i], DEVICE, state.outBits[i]);
  }

  /** Sends every exit's output to the device, in exit order: T, the task's delay. */
  public double finish() {
    double total = 0.0;
    for (int e : profile.exits) total = Math.max(total, toDevice(e));
    return total;
  }

  /** T(placement; state). */
  public double delay(SystemState state, int[] placement) {
    return delay(state, placement, null);
  }

  /** T(placement; state) from the queues `busy` (see {@link #reset(SystemState, double[])}). */
  public double delay(SystemState state, int[] placement, double[] busy) {
    reset(state, busy);
    for (int i = 0; i < profile.n; i++) place(i, placement[i]);
    return finish();
  }
}
