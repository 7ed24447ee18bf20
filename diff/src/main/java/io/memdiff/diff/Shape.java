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
    if (first == 0 && last > 0) {
      return NEW;
    }
    if (first > 0 && last == 0) {
      return GONE;
    }
    if (n == 2) {
      return last > first ? GREW : last < first ? SHRANK : STABLE;
    }
    boolean increasing = true;
    boolean nonDecreasing = true;
    long max = first;
    for (int i = 1; i < n; i++) {
      increasing &= c[i] > c[i - 1];
      nonDecreasing &= c[i] >= c[i - 1];
      max = Math.max(max, c[i]);
    }
    if (increasing) {
      return LEAK;
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
}
