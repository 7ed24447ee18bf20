package io.memdiff.paths;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dominator search's non-tree edges, each a (target, source) pair of depth-first numbers in one
 * long (the target in the high int), in chunks: a heap can have more of them than a Java array
 * holds. Every chunk but the last holds exactly {@code 2^shift} pairs. Each chunk is sorted by
 * target on its own ({@link #sortByTarget}), so that the sort's second array is one chunk long at
 * most; Lengauer–Tarjan then reads the chunks side by side, as sorted runs, with no merge. Nearly
 * always there is one chunk, and this is the single array it replaces.
 */
final class Pairs {
  /** The chunks' shift: 2^30 pairs (8 GiB), the largest power of two a Java array holds. */
  private static final int SHIFT = 30;

  /** When positive, the chunks' shift instead of {@link #SHIFT}: tests try small ones. */
  static volatile int chunkShift;

  /** Chunks started after the first, by every search so far: tests check that theirs cut the pairs. */
  static final AtomicLong chunksAdded = new AtomicLong();

  final int shift;
  private long[][] chunks = new long[1][];
  private int chunkCount = 1;
  /** Pairs in the last chunk; the search keeps its own copy while it runs. */
  int fill;

  /** @param estimate the pairs expected: the first chunk's length, as far as a chunk goes */
  Pairs(long estimate) {
    int forced = chunkShift;
    shift = forced > 0 ? forced : SHIFT;
    chunks[0] = new long[(int) Math.min(1L << shift, Math.max(16, estimate))];
  }

  long size() {
    return ((long) (chunkCount - 1) << shift) + fill;
  }

  int chunkCount() {
    return chunkCount;
  }

  /** Chunk {@code c}'s array; its pairs are the first {@link #length} entries. */
  long[] chunk(int c) {
    return chunks[c];
  }

  /** How many pairs chunk {@code c} holds. */
  int length(int c) {
    return c == chunkCount - 1 ? fill : 1 << shift;
  }

  /** The last chunk, which the search appends to. */
  long[] last() {
    return chunks[chunkCount - 1];
  }

  /**
   * Room after the last chunk's {@code fill} pairs, which fill it: the chunk grows by half (the
   * estimate is close, and this is the pass's largest array), or, once as long as a chunk may be, a
   * new one starts. Returns the chunk to append to; {@link #fill} is where.
   */
  long[] grow(int fill) {
    long[] full = last();
    int most = 1 << shift;
    if (full.length < most) {
      long[] longer = Arrays.copyOf(full, (int) Math.min(most, full.length + (full.length >> 1) + 16L));
      chunks[chunkCount - 1] = longer;
      this.fill = fill;
      return longer;
    }
    if (chunkCount == chunks.length) {
      chunks = Arrays.copyOf(chunks, 2 * chunkCount);
    }
    // Every chunk is full here: the next is half as long as all of them, as far as a chunk goes.
    long[] next = new long[(int) Math.min(most, ((long) chunkCount << shift) / 2)];
    chunks[chunkCount++] = next;
    chunksAdded.incrementAndGet();
    this.fill = 0;
    return next;
  }

  /**
   * Sorts the pairs from {@code from} on by target, each chunk's on its own. Pairs before
   * {@code from} were sorted earlier and all have smaller targets, so each chunk stays one run.
   */
  void sortByTarget(long from, int maxTarget) {
    for (int c = (int) (from >>> shift); c < chunkCount; c++) {
      int lo = c == from >>> shift ? (int) (from - ((long) c << shift)) : 0;
      PairSort.sortByTarget(chunks[c], lo, length(c), maxTarget);
    }
  }
}
