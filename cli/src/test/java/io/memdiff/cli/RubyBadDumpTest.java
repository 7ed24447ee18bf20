package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged Ruby dump is exit code 3 and one line naming the file and the line; --lenient reads on. */
class RubyBadDumpTest {
  private static final String GOOD = """
      {"type":"ROOT", "root":"vm", "references":["0x1000"]}
      {"address":"0x1000", "type":"OBJECT", "class":"0x2000", "references":[], "memsize":40}
      {"address":"0x2000", "type":"CLASS", "name":"Session", "references":[], "memsize":400}
      """;

  @TempDir
  Path dir;

  @Test
  void badLineIsOneLineWithExitCode3() throws IOException {
    Path dump = dir.resolve("bad.json");
    Files.writeString(dump, GOOD + "{\"address\":\"0x3000\", \"type\":\"STRING\", \"value\":\"hunter2\" \"memsize\":40}\n");
    Cli r = Cli.run("histo", dump.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("memdiff: " + dump + ": line 4: not valid JSON")
        .doesNotContain("hunter2");
  }

  @Test
  void aLineStartingWithNulBytesIsBadJsonAtItsColumnNotAGuessAtUtf32() throws IOException {
    Path dump = dir.resolve("nul.json");
    Files.write(dump, (GOOD + "\0\0\0{\"address\":\"0x3000\"}\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Cli r = Cli.run("histo", dump.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("memdiff: " + dump + ": line 4: not valid JSON at column 1").doesNotContain("UTF-32", "Exception");
  }

  @Test
  void aSingletonFlagThatIsAnArrayIsReadAsNotASingleton() throws IOException {
    Path dump = dir.resolve("array-flag.json");
    Files.writeString(dump, GOOD.replace("\"type\":\"CLASS\",", "\"type\":\"CLASS\", \"singleton\":[\"0x1\", {}],"));
    Cli r = Cli.run("histo", dump.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Session\t1\t40");
  }

  @Test
  void aTypeWithALineBreakStaysInsideTheOneErrorLine() throws IOException {
    Path dump = dir.resolve("break.json");
    Files.writeString(dump, GOOD + "{\"type\":\"X\\nmemdiff: forged\"}\n");
    Cli r = Cli.run("histo", dump.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.errLines()).singleElement().asString().startsWith("memdiff: " + dump + ": line 4: a X\\nmemdiff: forged line");
  }

  @Test
  void lenientSkipsTheLineAndSaysSo() throws IOException {
    Path dump = dir.resolve("bad.json");
    Files.writeString(dump, GOOD + "{\"address\":\"0x3000\", \"type\":\n");
    Cli r = Cli.run("histo", "--lenient", dump.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("Session\t1\t40");
  }
}
