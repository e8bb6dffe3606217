package org.kdoffload.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The device's one core (scheduler/device.py): subtasks reserve it FIFO, each after every
 * earlier reservation; a decision takes the first idle stretch, from its arrival and after the
 * previous decision, that is long enough. No reservation already made ever moves.
 */
final class DeviceCore {
  double free = 0.0; // end of the latest reservation: where the next subtask may start
  private final List<double[]> busy = new ArrayList<>(); // sorted (start, end), ending after the last arrival
  private double decided = 0.0; // end of the previous decision

  double reserveSubtask(double ready, double run) {
    double begin = ready > free ? ready : free;
    free = begin + run;
    busy.add(new double[] {begin, free});
    return begin;
  }

  /** The first instant from `arrival` (and the previous decision's end) the core is idle. */
  double firstIdle(double arrival) {
    forgetBefore(arrival);
    double t = Math.max(arrival, decided);
    for (double[] r : busy) {
      if (r[0] > t) break;
      if (r[1] > t) t = r[1];
    }
    return t;
  }

  /** Holds the core for `duration` s in the first idle stretch from `earliest` that fits. */
  double reserveDecision(double earliest, double duration) {
    double t = Math.max(earliest, decided);
    for (double[] r : busy) {
      if (t + duration <= r[0]) break;
      if (r[1] > t) t = r[1];
    }
    insertSorted(new double[] {t, t + duration});
    decided = t + duration;
    free = Math.max(free, decided);
    return t;
  }

  // bisect.insort on (start, end) tuples: after every entry that is <= it.
  private void insertSorted(double[] r) {
    int k = busy.size();
    while (k > 0 && compare(busy.get(k - 1), r) > 0) k--;
    busy.add(k, r);
  }

  private static int compare(double[] a, double[] b) {
    int c = Double.compare(a[0], b[0]);
    return c != 0 ? c : Double.compare(a[1], b[1]);
  }

  // Arrivals only move forward, so reservations over by then never matter again.
  private void forgetBefore(double t) {
    int k = 0;
    while (k < busy.size() && busy.get(k)[1] <= t) k++;
    busy.subList(0, k).clear();
  }
}
