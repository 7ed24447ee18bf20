package io.memdiff.cli;

import java.util.Locale;

/** Byte counts for people: {@code 1.5 MiB}. */
final class Sizes {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB"};

  private Sizes() {}

  static String human(long bytes) {
    long abs = Math.abs(bytes);
    if (abs < 1024) {
      return bytes + " B";
    }
    double v = abs;
    int u = 0;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    return (bytes < 0 ? "-" : "") + String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
  }
}
