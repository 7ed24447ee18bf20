package io.memdiff.paths;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.PathShapes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One dump of the {@link PathShapes} scenario for every test of this module that reads it, written
 * once per test JVM (a child JVM and a heap dump each time, for four test classes, was seconds of
 * the build) and deleted when the JVM exits. Tests only read it.
 */
final class PathShapesDump {
  private static Path dump;

  private PathShapesDump() {}

  static synchronized Path get() throws IOException {
    if (dump == null) {
      Path dir = Files.createTempDirectory("memdiff-pathshapes");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
      dump = ScenarioRunner.run(PathShapes.class, dir).get(0);
    }
    return dump;
  }

  private static void delete(Path dir) {
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
