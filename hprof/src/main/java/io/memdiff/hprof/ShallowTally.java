package io.memdiff.hprof;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-class counts and sizes gathered in one pass, before the layout is known. An array's size is
 * {@code align(base + n·e)}: the sum of {@code n·e} is kept per class with a histogram of
 * {@code n·e mod 256}, from which the padding of any base and any alignment dividing 256 follows
 * exactly once the layout is inferred.
 */
final class ShallowTally {
  private static final int BUCKETS = 256;
  private final Long2IntOpenHashMap slotByClassId = new Long2IntOpenHashMap();
  private final LongArrayList classIds = new LongArrayList();
  private final LongArrayList counts = new LongArrayList();
  private final LongArrayList elementSums = new LongArrayList();
  private final List<long[]> buckets = new ArrayList<>();
  private final LongArrayList firstValueLength = new LongArrayList();
  private final LongArrayList otherValueLengths = new LongArrayList();
  /** Per instance class: the smallest address gap to an ascending next object, an upper bound of its size. */
  private final LongArrayList minGaps = new LongArrayList();
  private final long[] primitiveCounts = new long[12];
  private final long[] primitiveBytes = new long[12];
  private final long[][] primitiveBuckets = new long[12][];

  private final IdCache cache = new IdCache(slotByClassId);

  ShallowTally() {
    slotByClassId.defaultReturnValue(-1);
  }

  private int slot(long classId) {
    int s = cache.get(classId);
    if (s < 0) {
      s = classIds.size();
      slotByClassId.put(classId, s);
      classIds.add(classId);
      counts.add(0);
      elementSums.add(0);
      buckets.add(null);
      firstValueLength.add(-1);
      otherValueLengths.add(0);
      minGaps.add(Long.MAX_VALUE);
    }
    return s;
  }

  /** @return the class's slot, for {@link #gapAfterInstance} */
  int instance(long classId, int valuesLength) {
    int s = slot(classId);
    counts.set(s, counts.getLong(s) + 1);
    long first = firstValueLength.getLong(s);
    if (first < 0) {
      firstValueLength.set(s, valuesLength);
    } else if (first != valuesLength) {
      otherValueLengths.set(s, otherValueLengths.getLong(s) + 1);
    }
    return s;
  }

  void gapAfterInstance(int slot, long gap) {
    if (gap < minGaps.getLong(slot)) {
      minGaps.set(slot, gap);
    }
  }

  /**
   * Whether the instance sizes the address gaps allow fit per-class field blocks (HotSpot before
   * JDK 15) better than packed fields: each rule scores the classes it predicts exactly and loses
   * heavily for a class it predicts larger than a gap, which no real object can be.
   */
  boolean gapsFavourFieldBlocks(ClassTableBuilder table) {
    long packed = 0;
    long blocks = 0;
    for (int s = 0; s < classIds.size(); s++) {
      long gap = minGaps.getLong(s);
      ClassInfo c = table.classById(classIds.getLong(s));
      if (gap == Long.MAX_VALUE || c == null || c.isSynthetic() || buckets.get(s) != null || c.packedSize == c.blockSize) {
        continue;
      }
      packed += c.packedSize == gap ? 1 : c.packedSize > gap ? -10 : 0;
      blocks += c.blockSize == gap ? 1 : c.blockSize > gap ? -10 : 0;
    }
    return blocks > packed;
  }

  /** @return the class's slot */
  int objectArray(long arrayClassId, int length) {
    int s = slot(arrayClassId);
    counts.set(s, counts.getLong(s) + 1);
    elementSums.set(s, elementSums.getLong(s) + length);
    long[] b = buckets.get(s);
    if (b == null) {
      b = new long[BUCKETS];
      buckets.set(s, b);
    }
    // n·ref mod 256 depends only on n mod 64 for ref sizes 4 and 8.
    b[length & 63]++;
    return s;
  }

  void primitiveArray(int type, int length) {
    primitiveCounts[type]++;
    long bytes = (long) length * BasicType.size(type, 0);
    primitiveBytes[type] += bytes;
    long[] b = primitiveBuckets[type];
    if (b == null) {
      b = primitiveBuckets[type] = new long[BUCKETS];
    }
    b[(int) (bytes & (BUCKETS - 1))]++;
  }

  /** Adds another run of the file's tallies to this one. */
  void merge(ShallowTally later) {
    for (int ls = 0; ls < later.classIds.size(); ls++) {
      int s = slot(later.classIds.getLong(ls));
      long n = later.counts.getLong(ls);
      counts.set(s, counts.getLong(s) + n);
      elementSums.set(s, elementSums.getLong(s) + later.elementSums.getLong(ls));
      long[] lb = later.buckets.get(ls);
      if (lb != null) {
        long[] b = buckets.get(s);
        if (b == null) {
          buckets.set(s, lb.clone());
        } else {
          for (int r = 0; r < BUCKETS; r++) {
            b[r] += lb[r];
          }
        }
      }
      long first = firstValueLength.getLong(s);
      long laterFirst = later.firstValueLength.getLong(ls);
      long laterOthers = later.otherValueLengths.getLong(ls);
      if (first < 0) {
        firstValueLength.set(s, laterFirst);
        otherValueLengths.set(s, otherValueLengths.getLong(s) + laterOthers);
      } else if (laterFirst >= 0) {
        long differing = laterFirst == first ? laterOthers : n - laterOthers;
        otherValueLengths.set(s, otherValueLengths.getLong(s) + differing);
      }
      minGaps.set(s, Math.min(minGaps.getLong(s), later.minGaps.getLong(ls)));
    }
    for (int type = 0; type < primitiveCounts.length; type++) {
      primitiveCounts[type] += later.primitiveCounts[type];
      primitiveBytes[type] += later.primitiveBytes[type];
      long[] lb = later.primitiveBuckets[type];
      if (lb != null) {
        if (primitiveBuckets[type] == null) {
          primitiveBuckets[type] = lb.clone();
        } else {
          for (int r = 0; r < BUCKETS; r++) {
            primitiveBuckets[type][r] += lb[r];
          }
        }
      }
    }
  }

  /** Class ids objects referred to, so classes without a CLASS DUMP still get a row. */
  long[] classIds() {
    return classIds.toLongArray();
  }

  /**
   * Adds counts and shallow bytes into arrays indexed by class index.
   *
   * @return instances whose value bytes disagree with their class's field layout
   */
  long totals(ClassTableBuilder table, Layout layout, long[] count, long[] shallow) {
    long mismatches = 0;
    for (int s = 0; s < classIds.size(); s++) {
      ClassInfo c = table.classById(classIds.getLong(s));
      int ci = c.index();
      long n = counts.getLong(s);
      count[ci] += n;
      long[] b = buckets.get(s);
      if (b == null) {
        shallow[ci] += n * c.shallowInstanceSize();
        long first = firstValueLength.getLong(s);
        long others = otherValueLengths.getLong(s);
        mismatches += first == c.valueBytes() || c.isSynthetic() ? others : n - others;
      } else {
        int ref = layout.refSize();
        long base = layout.arrayBase(ref);
        long total = n * base + elementSums.getLong(s) * ref;
        for (int r = 0; r < 64; r++) {
          if (b[r] != 0) {
            total += b[r] * padding(base + (long) r * ref, layout.align());
          }
        }
        shallow[ci] += total;
      }
    }
    for (int type = 0; type < primitiveCounts.length; type++) {
      if (primitiveCounts[type] == 0) {
        continue;
      }
      ClassInfo c = table.primitiveArrayClasses()[type];
      long base = layout.arrayBase(BasicType.size(type, 0));
      long total = primitiveCounts[type] * base + primitiveBytes[type];
      long[] b = primitiveBuckets[type];
      for (int r = 0; r < BUCKETS; r++) {
        if (b[r] != 0) {
          total += b[r] * padding(base + r, layout.align());
        }
      }
      count[c.index()] += primitiveCounts[type];
      shallow[c.index()] += total;
    }
    return mismatches;
  }

  private static long padding(long size, int align) {
    long rem = size % align;
    return rem == 0 ? 0 : align - rem;
  }
}
