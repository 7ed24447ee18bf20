package io.memdiff.hprof;

import it.unimi.dsi.fastutil.longs.LongArrays;
import java.util.List;

/**
 * What the first pass hands the index beyond the catalogue's facts, so that {@link HeapIndexBuilder}
 * sizes its arrays exactly, packs addresses where it can, splits its own pass as the first was split,
 * and puts class mirrors in place as the objects come — or skips its pass, when the first one kept
 * every object's record.
 */
final class IndexSeed {
  private final long[] objectsPerPart;
  private final long[] firstObjectPerPart;
  /** The class mirrors' addresses, ascending, and their CLASS DUMP records' offsets. */
  private final long[] mirrorAddresses;
  private final long[] mirrorOffsets;
  private final long lowestAddress;
  private final boolean addressesPack;
  /** Each part's objects as the first pass met them, until the index takes them; null if not kept. */
  private ObjectRecords[] objectRecords;

  private IndexSeed(long[] objectsPerPart, long[] firstObjectPerPart, long[] mirrorAddresses, long[] mirrorOffsets,
      long lowestAddress, boolean addressesPack, ObjectRecords[] objectRecords) {
    this.objectsPerPart = objectsPerPart;
    this.firstObjectPerPart = firstObjectPerPart;
    this.mirrorAddresses = mirrorAddresses;
    this.mirrorOffsets = mirrorOffsets;
    this.lowestAddress = lowestAddress;
    this.addressesPack = addressesPack;
    this.objectRecords = objectRecords;
  }

  /**
   * @param heap every part of the pass, merged
   * @param objectsPerPart and {@code firstObjectPerPart}: see their getters; null after a sequential pass
   * @param records each part's objects, or null when not kept
   */
  static IndexSeed of(HeapPart heap, long[] objectsPerPart, long[] firstObjectPerPart, ObjectRecords[] records) {
    List<ClassDump> dumps = heap.classDumps;
    long[] addresses = new long[dumps.size()];
    long[] offsets = new long[dumps.size()];
    for (int i = 0; i < dumps.size(); i++) {
      addresses[i] = dumps.get(i).classId();
      offsets[i] = dumps.get(i).recordOffset();
    }
    LongArrays.quickSort(addresses, offsets);
    boolean pack = heap.lowestAddress > heap.highestAddress // no objects
        || IndexColumns.addressesPack(heap.lowestAddress, heap.highestAddress, heap.lowBitsOr == heap.lowBitsAnd);
    return new IndexSeed(objectsPerPart, firstObjectPerPart, addresses, offsets, heap.lowestAddress, pack, records);
  }

  /** The same seed without the kept records, for an index that reads the dump again and leaves them to a later one. */
  IndexSeed withoutRecords() {
    return new IndexSeed(objectsPerPart, firstObjectPerPart, mirrorAddresses, mirrorOffsets, lowestAddress,
        addressesPack, null);
  }

  /**
   * Each part's objects as the first pass met them, in file order, or null if they were not kept or
   * did not fit (see {@link ObjectRecords}). The seed lets go of them: the index takes them once.
   */
  ObjectRecords[] takeObjectRecords() {
    ObjectRecords[] r = objectRecords;
    objectRecords = null;
    if (r != null) {
      for (ObjectRecords part : r) {
        if (!part.usable()) {
          return null;
        }
      }
    }
    return r;
  }

  /**
   * Objects other than class mirrors in each part of the first pass when it was split over threads
   * (a later pass split the same way finds the same parts), or null when it ran on one thread.
   */
  long[] objectsPerPart() {
    return objectsPerPart;
  }

  /**
   * The address of the first object other than a class mirror in each part of a split first pass
   * ({@link Long#MAX_VALUE} for a part without any), or null when it ran on one thread.
   */
  long[] firstObjectPerPart() {
    return firstObjectPerPart;
  }

  /** The class mirrors' addresses, ascending (a copy). */
  long[] mirrorAddresses() {
    return mirrorAddresses.clone();
  }

  /** The offsets of the class mirrors' CLASS DUMP records, in the order of {@link #mirrorAddresses}. */
  long[] mirrorOffsets() {
    return mirrorOffsets.clone();
  }

  /** The lowest object address, class mirrors included (Long.MAX_VALUE when there are no objects). */
  long lowestAddress() {
    return lowestAddress;
  }

  /**
   * Whether every object address is the lowest plus a multiple of 8 below 32 GiB, so the index can
   * keep addresses in 4 bytes (see {@link HeapIndex}).
   */
  boolean addressesPack() {
    return addressesPack;
  }
}
