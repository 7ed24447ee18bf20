package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.ServiceHeap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysis splits its passes over the cores the JVM is given, or over {@code --threads}: the
 * output must not depend on how many. The diff runs in JVMs given 1, 2 and 8 cores (and 3 threads
 * on 2 cores), with the first pass split from any file size, on dumps big enough that every pass
 * that splits by object count takes 8 parts; each JSON report must be the same, byte for byte.
 */
class ThreadsTest {
  @TempDir static Path dir;
  static List<Path> dumps;

  @BeforeAll
  static void dumps() throws Exception {
    dumps = ScenarioRunner.run(ServiceHeap.class, dir, "40000");
  }

  @Test
  void theDiffIsTheSameOnOneTwoOrEightCoresAndWithThreeThreads() throws Exception {
    String one = diff(1);
    assertThat(one).contains("\"findings\"");
    assertThat(diff(2)).isEqualTo(one);
    assertThat(diff(8)).isEqualTo(one);
    assertThat(diff(2, "--threads", "3")).isEqualTo(one);
  }

  @Test
  void histogramAndSummaryOfOneDumpAreTheSameOnOneOrEightCores() throws Exception {
    String last = dumps.get(2).toString();
    assertThat(run(8, "histo", last, "--retained", "--top", "30"))
        .isEqualTo(run(1, "histo", last, "--retained", "--top", "30"));
  }

  @Test
  void aThreadCountOutOfRangeIsAUsageError() {
    Cli r = Cli.run("summary", dumps.get(0).toString(), "--threads", "0");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--threads must be between 1 and 4096, got 0");
  }

  private static String diff(int cores, String... more) throws Exception {
    List<String> args = new ArrayList<>();
    for (Path d : dumps) {
      args.add(d.toString());
    }
    args.add("--format");
    args.add("json");
    args.addAll(List.of(more));
    return run(cores, args.toArray(new String[0]));
  }

  /** Runs memdiff in a JVM given this many cores; its stdout, or a failure with its stderr. */
  private static String run(int cores, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:ActiveProcessorCount=" + cores, "-Dmemdiff.splitThreshold=0", "-Xmx1g",
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
    byte[] out = p.getInputStream().readAllBytes();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    assertThat(code).as("exit code on %d cores: %s", cores, err).isIn(0, 1);
    return new String(out, StandardCharsets.UTF_8);
  }
}
