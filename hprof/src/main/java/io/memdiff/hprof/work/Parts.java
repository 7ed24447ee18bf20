package io.memdiff.hprof.work;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A range of positions cut into parts that run at once, one per core the machine gives this JVM
 * (never an assumed two), each part at least a given size so that a small range stays on one thread.
 */
public final class Parts {
  /** The work of one part: the positions {@code [from, to)}. */
  @FunctionalInterface
  public interface Range {
    void run(int from, int to);
  }

  private Parts() {}

  /**
   * Runs {@code body} over {@code [from, to)} in parts of at least {@code minimum} positions, the
   * parts' bounds multiples of 64 (so parts writing bit sets by position never share a word), the
   * first part on this thread; returns when all are done, rethrowing a part's failure.
   */
  public static void run(int from, int to, int minimum, String name, Range body) {
    run(from, to, minimum, Tasks.cores(), name, body);
  }

  /** @param cores how many parts at most (tests try more than the machine has) */
  public static void run(int from, int to, int minimum, int cores, String name, Range body) {
    long length = (long) to - from;
    int parts = (int) Math.max(1, Math.min(cores, length / Math.max(1, minimum)));
    if (parts == 1) {
      body.run(from, to);
      return;
    }
    int[] bounds = new int[parts + 1];
    bounds[0] = from;
    bounds[parts] = to;
    for (int k = 1; k < parts; k++) {
      bounds[k] = Math.max(bounds[k - 1], (int) ((from + length * k / parts) & ~63L));
    }
    List<CompletableFuture<Void>> others = new ArrayList<>(parts - 1);
    for (int k = 1; k < parts; k++) {
      int lo = bounds[k];
      int hi = bounds[k + 1];
      others.add(Tasks.run(name, () -> body.run(lo, hi)));
    }
    body.run(bounds[0], bounds[1]);
    Tasks.join(CompletableFuture.allOf(others.toArray(new CompletableFuture<?>[0])));
  }
}
