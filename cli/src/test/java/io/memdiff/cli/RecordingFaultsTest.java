package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JFR recording beside a dump is optional help: an empty, truncated or foreign one is one warning
 * line in memdiff's words, and the diff goes on without allocation stacks for that dump.
 */
class RecordingFaultsTest {
  @TempDir Path dir;

  private Path[] dumps() throws IOException {
    Path[] d = new Path[3];
    for (int k = 0; k < 3; k++) {
      d[k] = GoldenDumps.write(k + 1, dir.resolve((k + 1) + ".hprof"));
    }
    return d;
  }

  private Cli diff(Path[] d) {
    return Cli.run(d[0].toString(), d[1].toString(), d[2].toString());
  }

  @Test
  void badRecordingsAreOneWarningEachAndTheDiffIsUnchanged() throws IOException {
    Path[] d = dumps();
    Cli clean = diff(d);
    assertThat(clean.exitCode()).isZero();
    assertThat(clean.err()).isEmpty();

    Files.write(dir.resolve("1.jfr"), new byte[0]);
    // A real recording's magic, then nothing of its chunk: cut short.
    Files.write(dir.resolve("2.jfr"), Arrays.copyOf("FLR\0".getBytes(StandardCharsets.ISO_8859_1), 10));
    Files.writeString(dir.resolve("3.jfr"), "{\"not\": \"a recording\"}\n");
    Cli c = diff(d);

    assertThat(c.exitCode()).isZero();
    assertThat(c.out()).isEqualTo(clean.out());
    assertThat(c.errLines()).hasSize(3);
    assertThat(c.errLines()[0]).startsWith("memdiff: warning: ").contains("1.jfr: empty, not a JFR recording");
    assertThat(c.errLines()[1]).startsWith("memdiff: warning: ").contains("2.jfr: truncated JFR recording, 10 bytes");
    assertThat(c.errLines()[2]).startsWith("memdiff: warning: ").contains("3.jfr: not a JFR recording (it does not start as one)");
    for (String line : c.errLines()) {
      assertThat(line).endsWith("no allocation stacks for " + dir.resolve(line.contains("1.jfr") ? "1.hprof"
          : line.contains("2.jfr") ? "2.hprof" : "3.hprof"))
          .doesNotContain("Exception", "jdk.jfr", "\tat ");
    }
  }

  @Test
  void aRecordingWithoutOldObjectSamplesGivesTheSameReportAndOneNote() throws Exception {
    Path[] d = dumps();
    Cli clean = diff(d);
    // A real recording of this JVM with no old-object sampling: what a 'default' settings file that
    // turned it off, or a recording of other events only, gives.
    try (jdk.jfr.Recording r = new jdk.jfr.Recording()) {
      r.enable("jdk.JavaMonitorEnter");
      r.start();
      r.stop();
      r.dump(dir.resolve("2.jfr"));
    }
    Cli c = diff(d);
    assertThat(c.exitCode()).isZero();
    assertThat(c.out()).isEqualTo(clean.out());
    assertThat(c.errLines()).singleElement().asString()
        .isEqualTo("memdiff: warning: 2.jfr: no old-object samples, so no allocation stacks for " + d[1]
            + " (record with settings=profile, as memdiff capture does)");
  }

  @Test
  void jfrOncePerDumpOrItIsAUsageError() throws IOException {
    Path[] d = dumps();
    Files.writeString(dir.resolve("r.jfr"), "x");
    Cli c = Cli.run(d[0].toString(), d[1].toString(), d[2].toString(), "--jfr", dir.resolve("r.jfr").toString());
    assertThat(c.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(c.errLines()).singleElement().asString()
        .isEqualTo("memdiff: --jfr given 1 time(s) for 3 dump(s): give one per dump, in their order");
    Cli missing = Cli.run("histo", d[0].toString(), "--jfr", dir.resolve("none.jfr").toString());
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.errLines()).singleElement().asString().endsWith("none.jfr: no such file");
  }
}
