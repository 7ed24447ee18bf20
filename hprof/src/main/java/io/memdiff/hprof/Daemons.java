package io.memdiff.hprof;

import java.util.concurrent.Executor;

/**
 * Work that runs beside the analysis on a thread of its own, never the common pool's: on two cores
 * that pool has one worker, which the first pass's parts and the reference pass's halves hold, so a
 * task queued there could wait for them. Daemon threads, so a failure elsewhere never leaves memdiff
 * waiting on one.
 */
public final class Daemons {
  private Daemons() {}

  /** An executor that starts a daemon thread of this name for each task. */
  public static Executor named(String name) {
    return task -> {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      t.start();
    };
  }
}
