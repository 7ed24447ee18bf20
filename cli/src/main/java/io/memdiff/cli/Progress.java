package io.memdiff.cli;

import java.io.PrintWriter;

/**
 * One progress line on stderr for work that takes more than a second, rewritten in place; silent
 * unless memdiff runs in a terminal, so pipes and CI logs stay clean.
 */
final class Progress implements AutoCloseable {
  private final PrintWriter err;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private boolean shown;

  Progress(PrintWriter err) {
    this.err = err;
    this.enabled = System.console() != null && System.getenv("CI") == null;
  }

  /** Shows {@code what} once more than a second has passed since this progress began. */
  synchronized void step(String what) {
    if (enabled && System.nanoTime() - start > 1_000_000_000L) {
      err.print("\r\033[K" + what);
      err.flush();
      shown = true;
    }
  }

  @Override
  public synchronized void close() {
    if (shown) {
      err.print("\r\033[K");
      err.flush();
    }
  }
}
