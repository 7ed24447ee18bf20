package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.testdata.HprofWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An empty file is one line saying "empty" whatever kind of file was expected: exit code 3 for what
 * the command reads (a dump, a Ruby dump, a site summary), a warning and the run unchanged for what
 * only helps it (a recording or a process record beside a dump).
 */
class EmptyFilesTest {
  @TempDir Path dir;
  private String one;
  private String two;

  @BeforeEach
  void dumps() throws IOException {
    one = GoldenDumps.write(1, dir.resolve("1.hprof")).toString();
    two = GoldenDumps.write(2, dir.resolve("2.hprof")).toString();
  }

  private static void isOneEmptyLineWithExitThree(Cli r, Path file) {
    assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.BAD_DUMP);
    assertThat(r.errLines()).singleElement().asString()
        .isEqualTo("memdiff: " + file + ": empty (0 bytes): nothing to read");
  }

  @Test
  void anEmptyRubyDumpIsEmpty() throws IOException {
    Path dump = Files.write(dir.resolve("ruby.json"), new byte[0]);
    isOneEmptyLineWithExitThree(Cli.run("histo", dump.toString()), dump);
  }

  @Test
  void aGzipOfNothingIsEmpty() throws IOException {
    Path dump = Files.write(dir.resolve("ruby.json.gz"), HprofWriter.gzip(new byte[0]));
    isOneEmptyLineWithExitThree(Cli.run("histo", dump.toString()), dump);
  }

  @Test
  void anEmptySummaryIsEmptyNotAHeapDump() throws IOException {
    Path summary = Files.write(dir.resolve("base.sites.json"), new byte[0]);
    isOneEmptyLineWithExitThree(Cli.run(summary.toString(), one), summary);
  }

  @Test
  void anEmptyProcessRecordIsOneWarningAndTheDiffRuns() throws IOException {
    Path record = Files.write(dir.resolve("1.proc.json"), new byte[0]);
    Cli r = Cli.run(one, two);
    assertThat(r.exitCode()).isZero();
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("memdiff: warning: " + record + ": empty (0 bytes), not a memdiff process record");
  }

  @Test
  void anEmptyRecordingIsOneWarningAndTheDiffRuns() throws IOException {
    Path recording = Files.write(dir.resolve("2.jfr"), new byte[0]);
    Cli r = Cli.run(one, two);
    assertThat(r.exitCode()).isZero();
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("memdiff: warning: " + recording + ": empty, not a JFR recording");
  }
}
