package io.memdiff.paths;

import it.unimi.dsi.fastutil.longs.LongArrays;
import java.util.Arrays;

/**
 * The dominator pass's sort of its (target, source) pairs: Lengauer–Tarjan takes each vertex's
 * non-tree predecessors in turn, so {@link DominatorSearch} and {@link DominatorBuilder} sort the
 * pairs by target, the high int of each.
 */
final class PairSort {
  private PairSort() {}

  /**
   * Sorts the (target, source) pairs in {@code [lo, hi)} by target, the high int: a
   * least-significant-digit radix sort of 16-bit digits over the target's bits only (two passes for
   * up to 2^31 targets), where a sort by the whole long would also order the sources, work
   * Lengauer–Tarjan does not need. Where the heap has no room for the sort's second array, an
   * in-place radix sort instead.
   */
  static void sortByTarget(long[] pairs, int lo, int hi, int maxTarget) {
    int n = hi - lo;
    if (n < 2) {
      return;
    }
    int[] start = new int[1 << 16];
    long[] to = scratch(n);
    if (to == null) {
      // By the whole long, so also by source within a target: Lengauer–Tarjan takes the minimum
      // over a target's sources, whatever their order.
      LongArrays.radixSort(pairs, lo, hi);
      return;
    }
    long[] from = pairs;
    int fromOffset = lo;
    int toOffset = 0;
    for (int shift = 32; shift < 64 && (maxTarget >>> (shift - 32)) != 0; shift += 16) {
      Arrays.fill(start, 0);
      countDigits(from, fromOffset, n, shift, start);
      int sum = toOffset;
      for (int d = 0; d < start.length; d++) {
        int c = start[d];
        start[d] = sum;
        sum += c;
      }
      scatter(from, fromOffset, n, shift, start, to);
      long[] t = from;
      from = to;
      to = t;
      int o = fromOffset;
      fromOffset = toOffset;
      toOffset = o;
    }
    if (from != pairs) {
      System.arraycopy(from, fromOffset, pairs, lo, n);
    }
  }

  /**
   * The radix sort's second array, or null where the heap has no room for it, at the peak of a dump
   * that only just fits: an in-place sort is slower but needs nothing more.
   */
  private static long[] scratch(int n) {
    if (forceInPlace) {
      return null;
    }
    try {
      return new long[n];
    } catch (OutOfMemoryError e) {
      return null;
    }
  }

  /** Tests set this to take the in-place sort. */
  static volatile boolean forceInPlace;

  // The sort's two loops over every pair are methods of their own: each reached C2 by on-stack
  // replacement inside sortByTarget, which compiled all of it once per loop (four compilations of
  // it in a three-dump diff).

  private static void countDigits(long[] from, int offset, int n, int shift, int[] count) {
    for (int i = 0; i < n; i++) {
      count[(int) (from[offset + i] >>> shift) & 0xFFFF]++;
    }
  }

  private static void scatter(long[] from, int offset, int n, int shift, int[] start, long[] to) {
    for (int i = 0; i < n; i++) {
      long p = from[offset + i];
      to[start[(int) (p >>> shift) & 0xFFFF]++] = p;
    }
  }
}
