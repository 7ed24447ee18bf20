package io.memdiff.hprof.work;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Between phases of an analysis, a collection so the next phase's arrays reuse the pages of the last
 * phase's garbage: a collector would rather grow the heap than collect when a large array is asked
 * for, and fresh pages cost their first touch. Few objects are live at these points (a few large
 * primitive arrays a collection does not scan), so each collection is short.
 */
public final class Memory {
  private Memory() {}

  /**
   * A large allocation made on another thread, for the caller to join when it needs it: first touch
   * of fresh memory (the kernel clearing its pages) is most of what a large array costs, and there it
   * is paid beside what this thread computes meanwhile.
   */
  public static <T> CompletableFuture<T> aside(String name, Supplier<T> allocation) {
    return Tasks.async(name, allocation);
  }

  /** Heap not in use now, up to the maximum: garbage not yet collected counts as in use, so this errs low. */
  public static long freeHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  /**
   * Whether all of this JVM's heap can be resident in the machine's (or container's) memory. It
   * cannot when the heap is mapped from a file larger than that: then memory, not time, is short,
   * and work that trades one for the other is better left undone.
   */
  public static boolean heapFitsMachine() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      long machine = os.getTotalMemorySize();
      return machine <= 0 || Runtime.getRuntime().maxMemory() <= machine;
    }
    return true;
  }

  /** Collects the garbage of the phase that just ended. */
  public static void collectBetweenPhases() {
    System.gc();
  }

  /**
   * Collects the garbage of the phase that just ended so that the next phase's arrays take its
   * pages, where that saves anything. In memory it spares fresh pages their first touch. From a heap
   * mapped from a file larger than memory it does not: the collection slides the live arrays through
   * the file, and a reused page no longer in memory is read back from the disk to be overwritten,
   * where a fresh page of the file is not; the collector still collects when the heap is full.
   */
  public static void collectForReuse() {
    if (heapFitsMachine()) {
      System.gc();
    }
  }

  private static final AtomicLong LARGEST_INDEXED = new AtomicLong();

  /** Notes that a dump of this many objects is being indexed, for an out-of-memory message to size its advice. */
  public static void noteIndexing(long objects) {
    LARGEST_INDEXED.accumulateAndGet(objects, Math::max);
  }

  /** The most objects of any dump indexed so far in this process, 0 before the first. */
  public static long largestIndexed() {
    return LARGEST_INDEXED.get();
  }
}
