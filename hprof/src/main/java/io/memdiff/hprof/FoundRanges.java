package io.memdiff.hprof;

import java.util.Arrays;
import java.util.concurrent.CancellationException;

/**
 * The heap records' bodies a walk over the top-level records finds, published as it goes, so that
 * the threads that parse them start on the first ones while the walk reads on: one writer (the walk)
 * and any number of readers, each reading the ranges in order. A reader that has caught up sleeps
 * until the walk publishes more or ends.
 */
final class FoundRanges {
  /** Body start and end of each range found, in file order; replaced by a longer copy as it grows. */
  private volatile long[] ranges = new long[64];
  /** Longs published in {@link #ranges}: written after them, so a reader that reads it sees them. */
  private volatile int count;
  /** Set once the walk ended, found all or failed ({@link #abandoned}). */
  private volatile boolean done;
  private volatile boolean abandoned;
  /**
   * Readers asleep in {@link #awaitMore}: the walk wakes them only when there are any. Each side
   * writes its own field before it reads the other's, so a reader never sleeps through a range.
   */
  private volatile int sleepers;

  /** Publishes a range (the walk's thread only). */
  void add(long body, long end) {
    long[] r = ranges;
    int c = count;
    if (c + 2 > r.length) {
      r = Arrays.copyOf(r, 2 * r.length);
      ranges = r;
    }
    r[c] = body;
    r[c + 1] = end;
    count = c + 2;
    wakeReaders();
  }

  /** The walk ended and found every range. */
  void finish() {
    done = true;
    wakeReaders();
  }

  /** The walk failed: readers stop at their next look. */
  void abandon() {
    abandoned = true;
    finish();
  }

  private void wakeReaders() {
    if (sleepers > 0) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** Whether the walk ended: read it before {@link #count} to know that count is final. */
  boolean done() {
    return done;
  }

  boolean abandoned() {
    return abandoned;
  }

  /** Every range published so far (read {@link #count} first, then this). */
  long[] ranges() {
    return ranges;
  }

  int count() {
    return count;
  }

  /** Waits until more than {@code seen} longs are published or the walk ended. */
  void awaitMore(int seen) {
    if (done || count > seen) {
      return;
    }
    synchronized (this) {
      sleepers++;
      try {
        while (!done && count <= seen) {
          wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for the walk over the records");
      } finally {
        sleepers--;
      }
    }
  }
}
