package io.memdiff.hprof;

import it.unimi.dsi.fastutil.ints.IntArrayList;

/**
 * Every object's address in a Ruby dump, ascending, with a directory of where each stretch of the
 * address range starts among them, so that finding an address searches the few objects of its
 * stretch instead of all (a Ruby heap is pages of equal slots: the stretches fill evenly). Where the
 * addresses cluster far apart a stretch holds many, and the search is a binary search over them.
 */
final class RubyAddresses {
  private final long[] sorted;
  private final long min;
  /** {@code max − min}, unsigned. */
  private final long span;
  private final int shift;
  /** {@code firstAt[s]}: the first address of stretch {@code s} or later; one more entry than stretches. */
  private final int[] firstAt;

  /** @param sorted ascending (signed order, as a sort leaves them); kept, not copied */
  RubyAddresses(long[] sorted) {
    this.sorted = sorted;
    int n = sorted.length;
    if (n == 0) {
      min = 0;
      span = 0;
      shift = 0;
      firstAt = new int[] {0, 0};
      return;
    }
    min = sorted[0];
    span = sorted[n - 1] - min;
    int s = 0;
    while (Long.compareUnsigned(span >>> s, n) > 0) {
      s++;
    }
    shift = s;
    int stretches = (int) (span >>> shift) + 1;
    firstAt = new int[stretches + 1];
    int i = 0;
    for (int k = 0; k <= stretches; k++) {
      while (i < n && (int) ((sorted[i] - min) >>> shift) < k) {
        i++;
      }
      firstAt[k] = i;
    }
  }

  /**
   * Sorts addresses ascending with their values, equal addresses by value: a merge sort of the
   * ascending runs the addresses come in. A dump lists objects by heap page, so the runs are long and
   * few, and the passes that halve their number few.
   */
  static void sort(long[] addresses, int[] values) {
    int n = addresses.length;
    IntArrayList runs = new IntArrayList();
    runs.add(0);
    for (int i = 1; i < n; i++) {
      if (before(addresses, values, i, i - 1)) {
        runs.add(i);
      }
    }
    runs.add(n);
    if (runs.size() <= 2) {
      return;
    }
    long[] fromA = addresses;
    int[] fromV = values;
    long[] toA = new long[n];
    int[] toV = new int[n];
    int[] bounds = runs.toIntArray();
    int count = bounds.length - 1;
    while (count > 1) {
      int merged = 0;
      for (int r = 0; r < count; r += 2) {
        int lo = bounds[r];
        int mid = bounds[Math.min(r + 1, count)];
        int hi = bounds[Math.min(r + 2, count)];
        merge(fromA, fromV, lo, mid, hi, toA, toV);
        bounds[merged++] = lo;
      }
      bounds[merged] = n;
      count = merged;
      long[] t = fromA;
      fromA = toA;
      toA = t;
      int[] u = fromV;
      fromV = toV;
      toV = u;
    }
    if (fromA != addresses) {
      System.arraycopy(fromA, 0, addresses, 0, n);
      System.arraycopy(fromV, 0, values, 0, n);
    }
  }

  private static boolean before(long[] a, int[] v, int i, int j) {
    return a[i] < a[j] || (a[i] == a[j] && v[i] < v[j]);
  }

  private static void merge(long[] a, int[] v, int lo, int mid, int hi, long[] toA, int[] toV) {
    int i = lo;
    int j = mid;
    int k = lo;
    while (i < mid && j < hi) {
      if (before(a, v, j, i)) {
        toA[k] = a[j];
        toV[k++] = v[j++];
      } else {
        toA[k] = a[i];
        toV[k++] = v[i++];
      }
    }
    System.arraycopy(a, i, toA, k, mid - i);
    System.arraycopy(v, i, toV, k, mid - i);
    k += mid - i;
    System.arraycopy(a, j, toA, k, hi - j);
    System.arraycopy(v, j, toV, k, hi - j);
  }

  int size() {
    return sorted.length;
  }

  /** Where {@code address} is among the sorted addresses (the first of equal ones), or −1. */
  int indexOf(long address) {
    long d = address - min;
    if (Long.compareUnsigned(d, span) > 0) {
      return -1;
    }
    int k = (int) (d >>> shift);
    int lo = firstAt[k];
    int hi = firstAt[k + 1] - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long v = sorted[mid];
      if (v < address) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return lo < sorted.length && sorted[lo] == address ? lo : -1;
  }

  boolean contains(long address) {
    return indexOf(address) >= 0;
  }
}
