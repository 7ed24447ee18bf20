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
    if (before > ObjectGraph.MAX_EDGES) {
      throw new IllegalStateException("more than 2^31 references are not supported yet: " + before);
    }
    targets = new int[BLOCK];
    slots = new byte[BLOCK];
    used = 0;
  }

  long size() {
    return before + used;
  }

  /** The index the next edge gets, within these blocks. */
  int offset() {
    return (int) (before + used);
  }

  void copyTo(int[] allTargets, byte[] allSlots, int at) {
    int p = at;
    for (int b = 0; b < fullTargets.size(); b++) {
      System.arraycopy(fullTargets.get(b), 0, allTargets, p, BLOCK);
      System.arraycopy(fullSlots.get(b), 0, allSlots, p, BLOCK);
      p += BLOCK;
    }
    System.arraycopy(targets, 0, allTargets, p, used);
    System.arraycopy(slots, 0, allSlots, p, used);
  }
}
