package io.memdiff.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one file a fuzz target writes each input to, since the readers take paths; gone on exit. */
final class FuzzScratch {
  private FuzzScratch() {}

  static Path file(String suffix) {
    try {
      Path file = Files.createTempFile("memdiff-fuzz-", suffix);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
