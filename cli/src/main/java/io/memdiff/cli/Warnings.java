package io.memdiff.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.function.Consumer;

/** Warning lines on stderr for what a lenient read lost or skipped. */
final class Warnings {
  private Warnings() {}

  static void print(PrintWriter err, List<String> warnings) {
    for (String w : warnings) {
      err.println("memdiff: warning: " + w);
    }
  }

  /** For the engine's {@code warn} callbacks. */
  static Consumer<String> to(PrintWriter err) {
    return w -> err.println("memdiff: warning: " + w);
  }
}
