package io.memdiff.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * One progress line on stderr for work that takes more than a second, rewritten in place; silent
 * unless stderr is a terminal (whatever stdout is), so pipes and CI logs stay clean. {@code
 * --progress} asks for it anyway: on a terminal as usual, elsewhere one plain line per phase. With
 * the dumps known ({@link #dumps}), a line says which dump of how many and how far the whole run is.
 *
 * <p>With {@code -Dmemdiff.timings=true} (for example in {@code MEMDIFF_EXTRA_JAVA_OPTS}) every
 * phase's wall time and the peak Java heap so far are written to stderr instead, one line per phase:
 * the instrument the benchmark uses to say where the time goes. The peak is the sum of each heap
 * pool's own peak, which need not have come at the same moment: an upper bound.
 */
final class Progress implements AutoCloseable {
  private final PrintWriter err;
  private final boolean enabled;
  private final boolean timings = Boolean.getBoolean("memdiff.timings");
  private final long start = System.nanoTime();
  private boolean shown;
  private final boolean terminal;
  private String phase;
  private long phaseStart;
  private List<String> dumps = List.of();
  private int percent;

  /** Set from the command line's {@code --progress} for the run (see {@link Main#run}). */
  static volatile boolean requested;

  /** A dump's phases in the order the engine reports them, for the share of the run done. */
  private static final List<String> PHASES = List.of("reading ", "indexing objects", "reading references",
      "finding shortest paths", "computing dominators", "summarizing sites");

  Progress(PrintWriter err) {
    this.err = err;
    this.terminal = stderrIsATerminal();
    this.enabled = requested || (terminal && System.getenv("CI") == null);
  }

  /** The dumps of this run, in order, as the engine names them in its phases. */
  Progress dumps(List<String> names) {
    this.dumps = List.copyOf(names);
    return this;
  }

  /** A phase of the engine's, as memdiff's line: {@code memdiff: [2/3] reading b.hprof (41%)}. */
  void phase(String what) {
    step("memdiff: " + withPlace(what));
  }

  /** The phase with its dump's place among the dumps and the run's share done, when it names one. */
  private synchronized String withPlace(String what) {
    int k = -1;
    for (int i = 0; i < dumps.size(); i++) {
      if (what.endsWith(" " + dumps.get(i))) {
        k = i;
      }
    }
    if (k < 0 || dumps.size() < 2) {
      return what;
    }
    int step = 0;
    for (int i = 0; i < PHASES.size(); i++) {
      if (what.startsWith(PHASES.get(i))) {
        step = i;
      }
    }
    // Read-ahead reports the next dump's first phases early: the share only ever grows.
    percent = Math.max(percent, (int) (100L * (k * PHASES.size() + step) / (dumps.size() * PHASES.size())));
    return "[" + (k + 1) + "/" + dumps.size() + "] " + what + " (" + percent + "%)";
  }

  /** Shows {@code what} once more than a second has passed since this progress began. */
  synchronized void step(String what) {
    if (timings) {
      endPhase();
      phase = what;
      phaseStart = System.nanoTime();
      return;
    }
    if (!enabled) {
      return;
    }
    if (!terminal) {
      err.println(what); // a log, not a screen: a line per phase, from the first
      err.flush();
    } else if (System.nanoTime() - start > 1_000_000_000L) {
      err.print("\r\033[K" + what);
      err.flush();
      shown = true;
    }
  }

  private void endPhase() {
    if (phase == null) {
      return;
    }
    long now = System.nanoTime();
    err.println(String.format(Locale.ROOT, "%-60s %7.2f s  (total %7.2f s, peak heap %,d MB)", phase,
        (now - phaseStart) / 1e9, (now - start) / 1e9, peakHeap() >> 20));
    err.flush();
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  @Override
  public synchronized void close() {
    if (timings) {
      endPhase();
      phase = null;
      return;
    }
    if (shown) {
      err.print("\r\033[K");
      err.flush();
    }
  }

  /**
   * Whether standard error is a terminal, whatever standard output is: progress belongs on a terminal
   * even in {@code memdiff a b c | grep leak}. Linux says where descriptor 2 leads; elsewhere the
   * console (both standard streams a terminal) is the best guess.
   */
  private static boolean stderrIsATerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return System.console() != null;
    }
  }
}
