package io.memdiff.hprof;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import java.util.Arrays;

/**
 * A direct-mapped cache in front of an id → int map. Objects of one class tend to sit together in a
 * dump, so most lookups of an object's class id hit here instead of probing the hash map, which was
 * the largest cost of a histogram pass.
 */
final class IdCache {
  private static final int SIZE = 1024;
  private final long[] ids = new long[SIZE];
  private final int[] values = new int[SIZE];
  private final Long2IntOpenHashMap map;

  IdCache(Long2IntOpenHashMap map) {
    this.map = map;
    Arrays.fill(ids, Long.MIN_VALUE);
  }

  /** The map's value for {@code id}, or its default return value. */
  int get(long id) {
    int h = (int) ((id >>> 3) ^ (id >>> 13)) & (SIZE - 1);
    if (ids[h] == id) {
      return values[h];
    }
    int v = map.get(id);
    if (v != map.defaultReturnValue()) {
      ids[h] = id;
      values[h] = v;
    }
    return v;
  }
}
