package io.memdiff.diff;

import java.util.Locale;

/**
 * How a site's count moved across the dumps, after the shapes engineers fight: a leak grows at every
 * step; bloat jumps, then holds (a cache that filled up); a transient grew, then fell back.
 */
public enum Shape {
  LEAK, BLOAT, TRANSIENT, NEW, GONE, GREW, SHRANK, STABLE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The shape of a series of counts, one per dump, oldest first. */
  public static Shape of(long[] c) {
    int n = c.length;
    long first = c[0];
    long last = c[n - 1];
    if (n >= 3 && growingSince(c) > 0) {
      return LEAK;
    }
    if (first == 0 && last > 0) {
      return NEW;
    }
    if (first > 0 && last == 0) {
      return GONE;
    }
    if (n == 2) {
      return last > first ? GREW : last < first ? SHRANK : STABLE;
    }
    boolean nonDecreasing = true;
    long max = first;
    for (int i = 1; i < n; i++) {
      nonDecreasing &= c[i] >= c[i - 1];
      max = Math.max(max, c[i]);
    }
    if (nonDecreasing && last > first && last == c[n - 2]) {
      return BLOAT;
    }
    if (max > first && last < max) {
      return TRANSIENT;
    }
    if (last == first && max == first) {
      return STABLE;
    }
    return last > first ? GREW : SHRANK;
  }

  /**
   * For a series that holds, then grows at every step to the last (at least two steps), the 1-based
   * dump where the growth shows first: 2 when it grows from the start, 3 for {@code 0, 0, 100, 200};
   * 0 for any other series.
   */
  public static int growingSince(long[] c) {
    int n = c.length;
    int k = n - 1;
    while (k > 0 && c[k - 1] < c[k]) {
      k--;
    }
    if (n - 1 - k < 2) {
      return 0;
    }
    for (int i = 1; i <= k; i++) {
      if (c[i] != c[0]) {
        return 0;
      }
    }
    return k + 2;
  }
}
