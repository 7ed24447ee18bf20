package io.memdiff.paths;

import java.util.ArrayList;
import java.util.List;

/**
 * Edges as they are read, in blocks of a fixed size, so growing never copies: targets and slots
 * side by side.
 */
final class EdgeBlocks {
  /**
   * Just under 4 MB of targets: with the launcher's serial collector a block goes straight to the
   * old generation (it is over 1 MiB) and is garbage at the collection after the copy; under G1's
   * usual 4 MB regions (heaps of 8 to 16 GB) it takes a region of its own, where a whole 4 MB would
   * spill 16 bytes into a second one.
   */
  static final int BLOCK = (1 << 20) - 16;
  private final List<int[]> fullTargets = new ArrayList<>();
  private final List<byte[]> fullSlots = new ArrayList<>();
  private int[] targets = new int[BLOCK];
  private byte[] slots = new byte[BLOCK];
  private int used;
  /** Edges in the full blocks. */
  private long before;

  void add(int target, byte slot) {
    if (used == BLOCK) {
      nextBlock();
    }
    slots[used] = slot;
    targets[used++] = target;
  }

  private void nextBlock() {
    fullTargets.add(targets);
    fullSlots.add(slots);
    before += BLOCK;
    targets = new int[BLOCK];
    slots = new byte[BLOCK];
    used = 0;
  }

  long size() {
    return before + used;
  }

  /** The index the next edge gets, within these blocks, modulo 2^32 (see {@link ObjectGraph}). */
  int offset() {
    return (int) (before + used);
  }

  /**
   * Copies every edge to the chunks' arrays, the first to position {@code at} over all chunks.
   *
   * @param chunkStart per chunk, the position over all chunks of its first edge (see {@link ObjectGraph.Chunks})
   */
  void copyTo(int[][] allTargets, byte[][] allSlots, long[] chunkStart, long at) {
    long p = at;
    for (int b = 0; b < fullTargets.size(); b++) {
      copy(fullTargets.get(b), fullSlots.get(b), BLOCK, allTargets, allSlots, chunkStart, p);
      p += BLOCK;
    }
    copy(targets, slots, used, allTargets, allSlots, chunkStart, p);
  }

  /** One block's first {@code length} edges to position {@code at} over all chunks, cut where a chunk ends. */
  private static void copy(int[] blockTargets, byte[] blockSlots, int length, int[][] allTargets, byte[][] allSlots,
      long[] chunkStart, long at) {
    int c = 0;
    int from = 0;
    while (from < length) {
      long p = at + from;
      while (chunkStart[c + 1] <= p) {
        c++;
      }
      int n = (int) Math.min(length - from, chunkStart[c + 1] - p);
      System.arraycopy(blockTargets, from, allTargets[c], (int) (p - chunkStart[c]), n);
      System.arraycopy(blockSlots, from, allSlots[c], (int) (p - chunkStart[c]), n);
      from += n;
    }
  }
}
