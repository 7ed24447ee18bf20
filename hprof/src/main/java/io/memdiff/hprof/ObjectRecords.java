package io.memdiff.hprof;

import java.util.Arrays;

/**
 * One part's objects as the first pass meets them — address, record offset, class — kept so that
 * {@link HeapIndex} can be built without reading the dump a second time. The pass does not know yet
 * the lowest address or how many objects there are, so addresses are kept as eighths of their
 * distance from the part's first object, in chunks; a part whose objects do not fit that (an address
 * not 8-aligned with the first, or more than 16 GiB away, or more objects than an int counts) stops
 * recording and the index reads the dump again.
 *
 * <p>A class is kept as the part's {@link ShallowTally} slot, or {@code -1 - type} for a primitive
 * array; {@link #classIds} turns slots back into class ids once the pass is over.
 */
final class ObjectRecords {
  /**
   * Entries per chunk: 4 MiB less an array header, so a chunk fills whole G1 regions (heaps of 8 to
   * 16 GB); the launcher's serial collector puts each straight into the old generation.
   */
  static final int CHUNK = (1 << 20) - 16;
  private static final long REACH = 1L << 34;
  /** More objects than an index holds: the index reports that, after its own pass. */
  private static final int MAX_COUNT = Integer.MAX_VALUE - 16;

  private final boolean wideOffsets;
  private int[][] deltas = new int[8][];
  private int[][] offsets;
  private long[][] longOffsets;
  private int[][] classCodes = new int[8][];
  private int count;
  private long first;
  private boolean usable = true;
  /** Class ids of the tally's slots, in slot order; set when the pass is over. */
  long[] classIds;

  /** @param wideOffsets record offsets may be 4 GiB or more */
  ObjectRecords(boolean wideOffsets) {
    this.wideOffsets = wideOffsets;
    if (wideOffsets) {
      longOffsets = new long[8][];
    } else {
      offsets = new int[8][];
    }
  }

  void add(long address, long offset, int classCode) {
    if (!usable) {
      return;
    }
    if (count == 0) {
      first = address;
    }
    long delta = address - first;
    if ((delta & 7) != 0 || delta >= REACH || delta < -REACH || count == MAX_COUNT) {
      drop();
      return;
    }
    int c = count / CHUNK;
    int i = count - c * CHUNK;
    if (i == 0) {
      grow(c);
    }
    deltas[c][i] = (int) (delta >> 3);
    classCodes[c][i] = classCode;
    if (wideOffsets) {
      longOffsets[c][i] = offset;
    } else {
      offsets[c][i] = (int) offset;
    }
    count++;
  }

  private void grow(int c) {
    if (c == deltas.length) {
      int n = c * 2;
      deltas = Arrays.copyOf(deltas, n);
      classCodes = Arrays.copyOf(classCodes, n);
      if (wideOffsets) {
        longOffsets = Arrays.copyOf(longOffsets, n);
      } else {
        offsets = Arrays.copyOf(offsets, n);
      }
    }
    deltas[c] = new int[CHUNK];
    classCodes[c] = new int[CHUNK];
    if (wideOffsets) {
      longOffsets[c] = new long[CHUNK];
    } else {
      offsets[c] = new int[CHUNK];
    }
  }

  /** Gives up recording: the index will read the dump again. */
  private void drop() {
    usable = false;
    deltas = null;
    offsets = null;
    longOffsets = null;
    classCodes = null;
  }

  boolean usable() {
    return usable;
  }

  int count() {
    return count;
  }

  /** Hands every object to {@code sink} in record order, with its class index. */
  void replay(Sink sink, int[] classOfSlot, int[] classOfType) {
    for (int c = 0, done = 0; done < count; c++) {
      int[] d = deltas[c];
      int[] k = classCodes[c];
      int[] o = wideOffsets ? null : offsets[c];
      long[] lo = wideOffsets ? longOffsets[c] : null;
      int n = Math.min(CHUNK, count - done);
      for (int i = 0; i < n; i++) {
        int code = k[i];
        long offset = o != null ? o[i] & 0xFFFF_FFFFL : lo[i];
        sink.add(first + ((long) d[i] << 3), offset, code >= 0 ? classOfSlot[code] : classOfType[-1 - code]);
      }
      done += n;
    }
  }

  interface Sink {
    void add(long address, long offset, int classIndex);
  }
}
