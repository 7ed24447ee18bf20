package io.memdiff.hprof;

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
