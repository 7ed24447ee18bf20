package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.testdata.ScenarioRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code memdiff capture} killed by SIGTERM or SIGKILL at several moments (starting, attaching,
 * dumping, between dumps): once the JVM it attached to has finished what it was asked, and the next
 * capture into the same directory has started, the directory holds only whole dumps, recordings and
 * process records under final names, and no temporary file.
 */
class CaptureKillTest {
  @TempDir static Path dir;
  static Process live;

  @BeforeAll
  static void startService() throws IOException {
    live = LiveServices.start(ScenarioRunner.currentJavaHome());
  }

  @AfterAll
  static void stopService() throws Exception {
    LiveServices.stop(live);
  }

  @ParameterizedTest(name = "SIG{0} after {1} ms")
  @CsvSource({"TERM, 400", "KILL, 400", "TERM, 1500", "KILL, 1500", "TERM, 3000", "KILL, 3000"})
  void aKilledCaptureLeavesOnlyWholeFilesOnceTheNextOneStarts(String signal, int millis) throws Exception {
    Path out = dir.resolve(signal + millis);
    Process capture = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "capture", Long.toString(live.pid()),
        "--count", "3", "--interval", "1", "--out", out.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    Thread.sleep(millis);
    if (signal.equals("KILL")) {
      capture.destroyForcibly();
    } else {
      capture.destroy();
    }
    assertThat(capture.waitFor(30, TimeUnit.SECONDS)).isTrue();
    settle(out, live.pid());

    // The next capture removes what the dead one left, whether or not it then refuses the directory.
    Cli next = Cli.run("capture", Long.toString(live.pid()), "--count", "1", "--no-jfr", "--out", out.toString());
    assertThat(next.exitCode()).as(next.err()).isIn(ExitCodes.OK, ExitCodes.USAGE);
    List<Path> left = files(out);
    assertThat(left).as("SIG%s after %d ms", signal, millis)
        .allSatisfy(f -> assertThat(f.getFileName().toString()).matches("\\d+\\.(hprof|jfr|proc\\.json)"));
    assertWhole(out);
  }

  /** Every dump, recording and process record in the directory reads as one. */
  static void assertWhole(Path out) throws IOException {
    for (Path f : files(out)) {
      if (f.toString().endsWith(".hprof")) {
        Cli summary = Cli.run("summary", f.toString());
        assertThat(summary.exitCode()).as("%s: %s", f, summary.err()).isZero();
      } else if (f.toString().endsWith(".jfr")) {
        assertThat(RecordingFile.readAllEvents(f)).as("%s", f).isNotNull();
      } else {
        assertThat(Json.MAPPER.readTree(f.toFile()).isObject()).as("%s", f).isTrue();
      }
    }
  }

  /**
   * Waits until the JVM {@code pid} has no file of the directory open and none has grown for a
   * second: the JVM may finish a dump asked for. A dump's file stays open from before the JVM's
   * collection until its last byte, which on a loaded machine may be more than a second without
   * growth; a second of quiet is still waited for, for a request the JVM has not yet begun.
   */
  static void settle(Path out, long pid) throws Exception {
    long last = -1;
    for (int i = 0; i < 60; i++) {
      long size = 0;
      for (Path f : files(out)) {
        try {
          size += Files.size(f);
        } catch (NoSuchFileException gone) {
          // deleted since it was listed
        }
      }
      if (size == last && !holdsFileIn(pid, out)) {
        return;
      }
      last = size;
      Thread.sleep(1000);
    }
  }

  /** Whether the process has a file in {@code dir} open (Linux shows it in /proc; elsewhere: no). */
  private static boolean holdsFileIn(long pid, Path dir) {
    String prefix = dir.toAbsolutePath() + "/";
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.anyMatch(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith(prefix);
        } catch (IOException e) {
          return false;
        }
      });
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private static List<Path> files(Path out) throws IOException {
    if (!Files.isDirectory(out)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(out)) {
      return new ArrayList<>(s.toList());
    }
  }
}
