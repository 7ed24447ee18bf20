package io.memdiff.engine;

import io.memdiff.diff.OldObjectSamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The JFR recording beside a dump, where there is one: {@code k.jfr} for {@code k.hprof} or {@code k.hprof.gz}. */
final class Recordings {
  private Recordings() {}

  /**
   * The old-object samples of a dump's recording ({@code jfr}, null for none); one that cannot be
   * read is a warning, not a failure.
   */
  static OldObjectSamples read(Path jfr, Path dump, Consumer<String> warn) {
    if (jfr == null) {
      return null;
    }
    try {
      return OldObjectSamples.read(jfr);
    } catch (IOException e) {
      warn.accept(e.getMessage() + "; no allocation stacks for " + dump);
      return null;
    }
  }
}
