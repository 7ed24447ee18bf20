package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BadInputTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"histo", "summary", "path", "show", "summarize"})
  void anEmptyFileGivesExitThreeAndOneLineSayingItIsEmpty(String command) throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.hprof"));
    Cli r = switch (command) {
      case "path" -> Cli.run(command, empty.toString(), "--class", "X");
      case "show" -> Cli.run(command, empty.toString(), "0x10");
      case "summarize" -> Cli.run(command, empty.toString(), "-o", dir.resolve("s.json").toString());
      default -> Cli.run(command, empty.toString());
    };
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).isEqualTo("memdiff: " + empty + ": empty (0 bytes): nothing to read\n");
  }

  @Test
  void aFileThatIsNotHprofIsRefusedAsSuch() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.hprof"), "hello, this is not a heap dump\n");
    Cli r = Cli.run("histo", text.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("not an HPROF heap dump").contains("at offset 0x0");
  }

  @Test
  void anUnsupportedVersionIsNamed() throws IOException {
    byte[] header = "JAVA PROFILE 9.9\0\0\0\0\u0008\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1);
    Path f = Files.write(dir.resolve("future.hprof"), header);
    Cli r = Cli.run("summary", f.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("unsupported HPROF version 'JAVA PROFILE 9.9'");
  }

  @Test
  void aMissingFileGivesExitThree() {
    Cli r = Cli.run("histo", dir.resolve("nope.hprof").toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err().strip()).isEqualTo("memdiff: " + dir.resolve("nope.hprof") + ": no such file");
  }

  @Test
  void aTruncatedHeaderNamesWhatIsMissing() throws IOException {
    Path f = Files.write(dir.resolve("cut.hprof"), "JAVA PROFILE 1.0.2\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
    Cli r = Cli.run("histo", f.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("truncated header").contains("expected 12 bytes, 2 available");
  }

  @Test
  void aJsonFileThatIsNoSiteSummaryIsRefusedLikeABrokenDump() throws IOException {
    Path json = Files.writeString(dir.resolve("other.json"), "{\"schema_version\": 7, \"dump\": null}");
    Path bad = Files.writeString(dir.resolve("bad.json"), "{ not json");
    Cli wrongSchema = Cli.run(json.toString(), bad.toString());
    assertThat(wrongSchema.exitCode()).isEqualTo(3);
    assertThat(wrongSchema.errLines()).hasSize(1);
    assertThat(wrongSchema.err()).startsWith("memdiff: " + json + ": ").contains("schema version 7");
    Cli notJson = Cli.run(bad.toString(), json.toString());
    assertThat(notJson.exitCode()).isEqualTo(3);
    assertThat(notJson.err()).startsWith("memdiff: " + bad + ": not a memdiff site summary");
  }

  @Test
  void optionValuesThatMakeNoSenseAreUsageErrors() throws IOException {
    Path empty = Files.createFile(dir.resolve("e.hprof"));
    Cli by = Cli.run(empty.toString(), empty.toString(), "--by", "thread");
    assertThat(by.exitCode()).isEqualTo(2);
    assertThat(by.err()).contains("--by").contains("expected one of site, class, package, allocation but was 'thread'");
    assertThat(Cli.run(empty.toString(), empty.toString(), "--parallel", "0").exitCode()).isEqualTo(2);
    Cli frames = Cli.run(empty.toString(), empty.toString(), "--frames", "-1");
    assertThat(frames.exitCode()).isEqualTo(2);
    assertThat(frames.err()).contains("--frames");
    Cli tmp = Cli.run("histo", empty.toString(), "--tmp-dir", empty.toString());
    assertThat(tmp.exitCode()).isEqualTo(2);
    assertThat(tmp.err()).contains("is not a directory");
  }

  @Test
  void aStackTraceIsPrintedOnlyWithDebug() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.hprof"));
    assertThat(Cli.run("histo", empty.toString()).err()).doesNotContain("\tat ");
    Cli debug = Cli.run("--debug", "histo", empty.toString());
    assertThat(debug.exitCode()).isEqualTo(3);
    assertThat(debug.err()).contains("\tat io.memdiff");
    // After the subcommand too, where the top level is only the subcommand's (see SubcommandRoot).
    Cli after = Cli.run("histo", empty.toString(), "--debug");
    assertThat(after.exitCode()).isEqualTo(3);
    assertThat(after.err()).contains("\tat io.memdiff");
  }
}
