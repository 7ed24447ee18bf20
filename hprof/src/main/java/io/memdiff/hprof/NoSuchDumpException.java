package io.memdiff.hprof;

import java.nio.file.Path;

/** {@code --dump-index} names a heap dump the file does not have: a usage error, not a corrupt file. */
public final class NoSuchDumpException extends HprofFormatException {
  public NoSuchDumpException(Path file, int dumps, int requested) {
    super(file, 0, "has " + dumps + " heap dump" + (dumps == 1 ? "" : "s") + "; --dump-index " + requested + " is out of range");
  }
}
