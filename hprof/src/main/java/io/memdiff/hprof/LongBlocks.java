package io.memdiff.hprof;

import java.util.Arrays;

/**
 * A list of longs, one per object of a dump, that grows a block at a time instead of copying itself
 * into arrays half as large again: the arrays a growing list leaves behind are big, go straight to
 * the old generation, and stay there as garbage until a full collection, which made the reader's
 * peak heap half again what it holds.
 */
final class LongBlocks {
  private static final int SHIFT = 16;
  private static final int BLOCK = 1 << SHIFT;
  private static final int MASK = BLOCK - 1;

  private long[][] blocks = new long[8][];
  private long size;

  void add(long value) {
    int b = (int) (size >>> SHIFT);
    if (b == blocks.length) {
      blocks = Arrays.copyOf(blocks, b * 2);
    }
    long[] block = blocks[b];
    if (block == null) {
      block = new long[BLOCK];
      blocks[b] = block;
    }
    block[(int) (size & MASK)] = value;
    size++;
  }

  long get(long index) {
    return blocks[(int) (index >>> SHIFT)][(int) (index & MASK)];
  }

  long size() {
    return size;
  }

  /** Copies every value to {@code into} from {@code at}. */
  void copyTo(long[] into, int at) {
    for (int b = 0; (long) b << SHIFT < size; b++) {
      int n = (int) Math.min(BLOCK, size - ((long) b << SHIFT));
      System.arraycopy(blocks[b], 0, into, at + (b << SHIFT), n);
    }
  }

  /** Drops the values (the blocks become garbage). */
  void clear() {
    blocks = new long[8][];
    size = 0;
  }
}
