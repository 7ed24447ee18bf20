package io.memdiff.paths;

import io.memdiff.hprof.work.Tasks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads ahead of the dominator pass's depth-first search on other threads, for a heap mapped from a
 * file larger than memory. There the search waits at each object: its row of the graph and the
 * numbers of the objects in that row are random reads over arrays of gigabytes, which a file mapping
 * gives no huge pages (and a page not in memory comes from the disk). The search's next objects are
 * known (they are on its stack), so other threads read what it will read for them, and those lines
 * are in the cache when it gets there. The search publishes each object it pushes; each thread takes
 * the newest first, the order the search pops them. A thread only reads, so the search's result does
 * not depend on it: only how long it waits.
 */
final class SearchPrefetch implements AutoCloseable {
  private static final VarHandle WRITTEN;
  /** References of one row touched at most: the search's batch. */
  private static final int ROW = 4096;

  static {
    try {
      WRITTEN = MethodHandles.lookup().findVarHandle(SearchPrefetch.class, "written", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Objects pushed, by push number modulo its length: older ones are overwritten, as they should be. */
  private final int[] ring;
  private final int mask;
  private final ObjectGraph graph;
  private final int[] dfnum;
  private final int threads;
  /** Pushes so far; written by the search alone, read by the threads. */
  private long written;
  private volatile boolean closed;
  /** Values read, summed so the reads are not optimised away; never used. */
  private volatile long sink;
  /** Rows touched by all threads, counted when each ends. */
  private final AtomicLong rows = new AtomicLong();
  /** A thread's failure (a bug: the threads only read), thrown by {@link #close}. */
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch ended;

  /**
   * @param threads how many threads read ahead
   * @param ahead how many of the newest pushes are touched ahead, at most (a power of two)
   */
  SearchPrefetch(ObjectGraph graph, int[] dfnum, int threads, int ahead) {
    this.ring = new int[ahead];
    this.mask = ahead - 1;
    this.graph = graph;
    this.dfnum = dfnum;
    this.threads = threads;
    this.ended = new CountDownLatch(threads);
    for (int k = 0; k < threads; k++) {
      int stripe = k;
      Tasks.run("memdiff-dominators-ahead", () -> {
        try {
          touch(stripe);
        } catch (RuntimeException | Error e) {
          failure.compareAndSet(null, e);
        } finally {
          ended.countDown();
        }
      });
    }
  }

  /** The search pushed {@code object}: it will be popped soon, its row read then. */
  void push(int object) {
    long n = written;
    ring[(int) n & mask] = object;
    WRITTEN.setRelease(this, n + 1);
  }

  /** Touches the pushes of this thread's stripe, newest first, until closed. */
  private void touch(int stripe) {
    long done = 0;
    long sum = 0;
    long touched = 0;
    while (!closed) {
      long w = (long) WRITTEN.getAcquire(this);
      if (w == done) {
        LockSupport.parkNanos(50_000);
        continue;
      }
      long oldest = Math.max(done, w - ring.length);
      for (long i = w - 1; i >= oldest && !closed; i--) {
        if (i % threads != stripe) {
          continue;
        }
        sum += touchRow(ring[(int) i & mask]);
        touched++;
        if ((long) WRITTEN.getAcquire(this) - w > ring.length / 2) {
          break; // the search has moved on: its newest pushes matter more than these
        }
      }
      done = w;
    }
    sink = sum;
    rows.addAndGet(touched);
  }

  /**
   * Reads what the search reads when it pops {@code o}: its row, and the number of each object in it;
   * of a long row, the part the search pushes first.
   */
  private long touchRow(int o) {
    long sum = dfnum[o];
    for (int k = 0, n = Math.min(graph.referenceCount(o), ROW); k < n; k++) {
      sum += dfnum[graph.target(o, k)];
    }
    return sum;
  }

  /**
   * Stops the threads and waits for them (each ends after the row it is reading); throws what one
   * of them threw.
   */
  @Override
  public void close() {
    closed = true;
    boolean interrupted = false;
    while (true) {
      try {
        ended.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
  }

  /** Rows the threads touched; known once closed. */
  long rowsTouched() {
    return rows.get();
  }
}
