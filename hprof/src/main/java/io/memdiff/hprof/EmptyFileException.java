package io.memdiff.hprof;

import java.nio.file.Path;

/**
 * An input of no bytes at all. It is named "empty" whatever kind of file was expected: its name may
 * say summary, Ruby dump or heap dump, but there is nothing in it to tell them apart.
 */
public final class EmptyFileException extends HprofFormatException {
  public EmptyFileException(Path file) {
    super(file, 0, "empty (0 bytes): nothing to read");
  }

  /** No offset: there is no byte to point at. */
  @Override
  public String getMessage() {
    return problem();
  }
}
