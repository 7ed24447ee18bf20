package io.memdiff.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * The end of {@code memdiff watch}: the shape of RSS and of the heap over the samples, and the line
 * to run next.
 */
final class WatchVerdict {
  /** Change under this (or a twentieth of the first value, if more) is noise. */
  static final long NOISE_FLOOR_BYTES = 8L << 20;

  private final long pid;
  private final double seconds;

  WatchVerdict(long pid, double seconds) {
    this.pid = pid;
    this.seconds = seconds;
  }

  /** @param prefixed whether lines start with {@code memdiff: } (they share stderr with the samples' stdout) */
  void print(List<WatchCommand.Sample> samples, PrintWriter out, boolean prefixed) {
    String p = prefixed ? "memdiff: " : "";
    long[] rss = series(samples, true);
    long[] heap = lows(series(samples, false));
    if (rss == null || samples.size() < 2) {
      out.println(p + "watch: too few samples to name a shape");
      out.flush();
      return;
    }
    SeriesShape rssShape = SeriesShape.of(rss, noise(rss));
    SeriesShape heapShape = heap == null ? null : SeriesShape.of(heap, noise(heap));
    out.println(p + "watch: rss " + rssShape.label() + " " + signed(rss[rss.length - 1] - rss[0])
        + (heapShape == null ? "; heap unknown" : "; heap " + heapShape.label() + " "
            + signed(heap[heap.length - 1] - heap[0]) + " (lows of heap in use)"));
    boolean nmtOn = samples.get(samples.size() - 1).nmtCommittedBytes() != null;
    String capture = String.format(Locale.ROOT, "memdiff capture %d --count 3 --interval %d --out dumps/", pid,
        Math.max(60, Math.round(seconds / 2)));
    String next;
    if (heapShape != null && heapShape.grows()) {
      next = capture + "   (the heap grows: the diff of the dumps names what holds it)";
    } else if (rssShape.grows() && !nmtOn) {
      next = "restart the JVM with " + MemoryRenderer.NMT_FLAG + ", then " + capture
          + "   (only memory outside the heap grows: NMT names its category)";
    } else if (rssShape.grows()) {
      next = capture + "   (only memory outside the heap grows: the process records name NMT's categories)";
    } else {
      next = "nothing grows: watch longer, or under the load that makes memory grow";
    }
    out.println(p + "next: " + next);
    out.flush();
  }

  private static long noise(long[] series) {
    return Math.max(NOISE_FLOOR_BYTES, series[0] / 20);
  }

  /** RSS or heap in use per sample; null when a sample lacks it. */
  private static long[] series(List<WatchCommand.Sample> samples, boolean rss) {
    long[] out = new long[samples.size()];
    for (int i = 0; i < out.length; i++) {
      Long v = rss ? samples.get(i).rssBytes() : samples.get(i).heapUsedBytes();
      if (v == null) {
        return null;
      }
      out[i] = v;
    }
    return out;
  }

  /**
   * The lowest of each sample and the two before it: garbage raises the heap in use between
   * collections, and the lows are what collections leave.
   */
  private static long[] lows(long[] heap) {
    if (heap == null) {
      return null;
    }
    long[] out = new long[heap.length];
    for (int i = 0; i < heap.length; i++) {
      out[i] = heap[i];
      for (int j = Math.max(0, i - 2); j < i; j++) {
        out[i] = Math.min(out[i], heap[j]);
      }
    }
    return out;
  }

  private static String signed(long bytes) {
    return (bytes >= 0 ? "+" : "") + bytes + " bytes";
  }
}
