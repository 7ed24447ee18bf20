package io.memdiff.hprof;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The small hand-written Ruby dumps under the test resources' {@code ruby/}, copied where a test reads them. */
final class RubyResources {
  private RubyResources() {}

  static Path copy(Path dir, String name) throws IOException {
    Path out = dir.resolve(name);
    try (InputStream in = RubyResources.class.getResourceAsStream("ruby/" + name)) {
      Files.copy(in, out);
    }
    return out;
  }
}
