package io.memdiff.hprof;

import java.util.concurrent.CompletableFuture;

/**
 * Between phases of an analysis, a collection so the next phase's arrays reuse the pages of the
 * last phase's garbage. A collector would rather grow the heap than collect when a large array is
 * asked for, and fresh pages cost their first touch: on the 0.64 GB benchmark dump (with G1),
 * collecting at three phase boundaries took peak RSS from 2.5-2.7 GB to 2.35-2.39 GB at no cost in
 * time. Few objects are live at these points, a few large primitive arrays that a collection does
 * not scan, so each collection takes milliseconds; the launcher's serial collector also slides
 * them together (10-60 ms on that dump), which leaves the garbage's pages in one run for the next.
 */
public final class Memory {
  private Memory() {}

  /**
   * A large allocation made on another thread, for the caller to join when it needs it: first touch
   * of fresh memory (the kernel clearing its pages) is most of what a large array costs, and there
   * it is paid beside what this thread allocates or computes meanwhile. On the 0.64 GB benchmark
   * dump, the index's class column and the reference graph's targets (then sized by a counting pass)
   * so allocated: the 1.3 GB diff 6.8-8.8 s -> 6.3-7.6 s in seven alternating runs of it (six of them
   * faster).
   */
  static <T> CompletableFuture<T> aside(java.util.function.Supplier<T> allocation) {
    return CompletableFuture.supplyAsync(allocation);
  }

  /** Collects the garbage of the phase that just ended. */
  public static void collectBetweenPhases() {
    System.gc();
  }
}
