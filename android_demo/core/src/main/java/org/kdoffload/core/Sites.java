package org.kdoffload.core;

/** Site labels and link numbers, as model/profile.py and model/delay.py number them. */
public final class Sites {
  public static final int DEVICE = 0;
  public static final int EDGE = 1;
  public static final int CLOUD = 2;
  public static final String[] LABELS = {"local", "edge", "cloud"};

  // device->edge, edge->device, edge->cloud, cloud->edge
  public static final int UP = 0;
  public static final int DOWN = 1;
  public static final int BH_UP = 2;
  public static final int BH_DOWN = 3;

  private Sites() {}
}
