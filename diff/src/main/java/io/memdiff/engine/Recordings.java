package io.memdiff.engine;

import io.memdiff.diff.OldObjectSamples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** The JFR recording beside a dump, where there is one: {@code k.jfr} for {@code k.hprof} or {@code k.hprof.gz}. */
final class Recordings {
  private Recordings() {}

  /** Its old-object samples, or null when there is none; one that cannot be read is a warning, not a failure. */
  static OldObjectSamples beside(Path dump, Consumer<String> warn) {
    Path jfr = OldObjectSamples.besideDump(dump);
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
