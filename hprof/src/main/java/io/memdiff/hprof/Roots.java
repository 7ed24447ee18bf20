package io.memdiff.hprof;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;

/** The GC root records of a dump, in record order, as parallel primitive arrays. */
public final class Roots {
  private static final RootKind[] KINDS = RootKind.values();

  private final long[] objectIds;
  private final byte[] kinds;
  private final int[] threadSerials;
  private final int[] frameIndexes;

  private Roots(long[] objectIds, byte[] kinds, int[] threadSerials, int[] frameIndexes) {
    this.objectIds = objectIds;
    this.kinds = kinds;
    this.threadSerials = threadSerials;
    this.frameIndexes = frameIndexes;
  }

  public int size() {
    return objectIds.length;
  }

  public long objectId(int i) {
    return objectIds[i];
  }

  public RootKind kind(int i) {
    return KINDS[kinds[i]];
  }

  /** −1 when the kind names no thread. */
  public int threadSerial(int i) {
    return threadSerials[i];
  }

  /** 0-based index into the thread's stack trace (innermost = 0), or −1. */
  public int frameIndex(int i) {
    return frameIndexes[i];
  }

  /** Root records per kind, indexed by {@link RootKind#ordinal()}. */
  public long[] countsByKind() {
    long[] counts = new long[KINDS.length];
    for (byte k : kinds) {
      counts[k]++;
    }
    return counts;
  }

  static final class Builder {
    private final LongArrayList objectIds = new LongArrayList();
    private final IntArrayList kinds = new IntArrayList();
    private final IntArrayList threadSerials = new IntArrayList();
    private final IntArrayList frameIndexes = new IntArrayList();

    void add(RootKind kind, long objectId, int threadSerial, int frameIndex) {
      objectIds.add(objectId);
      kinds.add(kind.ordinal());
      threadSerials.add(threadSerial);
      frameIndexes.add(frameIndex);
    }

    void addAll(Builder later) {
      objectIds.addAll(later.objectIds);
      kinds.addAll(later.kinds);
      threadSerials.addAll(later.threadSerials);
      frameIndexes.addAll(later.frameIndexes);
    }

    Roots freeze() {
      byte[] kindBytes = new byte[kinds.size()];
      for (int i = 0; i < kindBytes.length; i++) {
        kindBytes[i] = (byte) kinds.getInt(i);
      }
      return new Roots(objectIds.toLongArray(), kindBytes, threadSerials.toIntArray(), frameIndexes.toIntArray());
    }
  }
}
