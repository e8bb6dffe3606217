package org.kdoffload.core;

import java.nio.file.Path;

/** One benchmark run's knobs: the intent extras of BenchActivity, the flags of hostbench. */
public final class BenchConfig {
  // One XNNPACK thread unless told: at batch 1 it beats two, and it is what the host's timings use.
  public static final int DEFAULT_NUM_THREADS = 1;

  public final Path modelDir; // what `kdoffload android push` filled
  public final Path filesDir; // where the model is copied to and the results are written
  public final int numIter;
  public final int numWarmUpIter;
  public final int topK; // 0: the manifest's
  public final int streamTasks; // 0: no stream
  public final int numThreads; // XNNPACK threads; the AAR's 0 (cores / 2) is refused: say it
  public final Path graphFile; // the task graph a graph student decides for (TaskGraphFile); null: none

  public BenchConfig(Path modelDir, Path filesDir, int numIter, int numWarmUpIter, int topK, int streamTasks,
      int numThreads, Path graphFile) {
    if (numIter < 1) throw new RefusedException("num_iter: must be >= 1, got " + numIter);
    if (numWarmUpIter < 0) throw new RefusedException("num_warm_up_iter: must be >= 0, got " + numWarmUpIter);
    if (topK < 0) throw new RefusedException("top_k: must be >= 0 (0: the manifest's), got " + topK);
    if (streamTasks < 0) throw new RefusedException("stream_tasks: must be >= 0, got " + streamTasks);
    if (numThreads < 1) throw new RefusedException("num_threads: must be >= 1, got " + numThreads);
    this.modelDir = modelDir;
    this.filesDir = filesDir;
    this.numIter = numIter;
    this.numWarmUpIter = numWarmUpIter;
    this.topK = topK;
    this.streamTasks = streamTasks;
    this.numThreads = numThreads;
    this.graphFile = graphFile;
  }
}
