package io.memdiff.testdata.synthetic;

/**
 * How many of each structure a dump of a series holds, so that the series' last dump comes out near the
 * asked size: the leak takes about 30% of it, the session stores 35%, the recent list, the tree and the
 * full cache 10% each, garbage 5%. Everything but the leak (and the cache, which fills over the first two
 * dumps) is the same in every dump of the series.
 *
 * @param leakedPerDump sessions the registry gains per dump: dump k holds {@code k * leakedPerDump}
 */
record HeapPlan(long leakedPerDump, long sessionsPerStore, long recentSessions, long treeEntries,
    long cacheCapacity, long garbageSessions) {
  static final int STORES = 4;
  static final int BATCH_LISTS = 64;
  static final int LEAK_PAYLOAD = 48;
  static final int STORE_PAYLOAD = 80;
  static final int RECENT_PAYLOAD = 32;
  static final int TREE_PAYLOAD = 64;
  static final int GARBAGE_PAYLOAD = 128;
  static final int PAGE_BYTES = 256;

  /** Sizes each structure from the bytes its records take in the file, for a last dump of {@code lastDumpBytes}. */
  static HeapPlan of(long lastDumpBytes, int seriesLength, HeapClasses c, int idSize) {
    Records r = new Records(c.table, idSize);
    double slot = idSize * 4.0 / 3; // a hash table is at most three quarters full
    double leakUnit = r.instance(c.node) + r.session(c, LEAK_PAYLOAD) + slot;
    double storeUnit = r.instance(c.node) + r.session(c, STORE_PAYLOAD) + slot;
    double recentUnit = r.session(c, RECENT_PAYLOAD) + idSize * 1.5;
    double treeUnit = r.instance(c.treeEntry) + r.session(c, TREE_PAYLOAD);
    double cacheUnit = r.instance(c.node) + r.instance(c.boxedLong) + r.instance(c.cachedPage) + r.bytes(PAGE_BYTES) + slot;
    double garbageUnit = r.session(c, GARBAGE_PAYLOAD);
    double s = lastDumpBytes;
    return new HeapPlan(
        Math.max(1, (long) (0.30 * s / seriesLength / leakUnit)),
        Math.max(1, (long) (0.35 * s / STORES / storeUnit)),
        Math.max(8, (long) (0.10 * s / recentUnit)),
        Math.max(1, (long) (0.10 * s / treeUnit)),
        Math.max(2, (long) (0.10 * s / cacheUnit) / 2 * 2),
        Math.max(1, (long) (0.05 * s / garbageUnit)));
  }

  long leaked(int dumpIndex) {
    return dumpIndex * leakedPerDump;
  }

  /** The cache is half full in the first dump and full from the second on: it fills, then holds. */
  long cacheEntries(int dumpIndex) {
    return Math.min(dumpIndex, 2) * (cacheCapacity / 2);
  }

  /** Bytes of sub-records in the file, by the format's layouts. */
  private record Records(ClassTable table, int id) {
    long instance(int classIndex) {
      return 1 + 2L * id + 8 + table.valueBytes(classIndex);
    }

    long bytes(int length) {
      return 1 + id + 9L + length;
    }

    long session(HeapClasses c, int payload) {
      return instance(c.session) + instance(c.string) + bytes(16) + bytes(payload);
    }
  }
}
