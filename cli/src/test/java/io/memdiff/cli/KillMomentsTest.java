package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.engine.Engine;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.KnownCounts;
import io.memdiff.testdata.scenarios.LiveService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slow fault-injection cases, run by {@code faults/run} (skipped in the default build, whose
 * quick cases are in {@link FaultsTest} and {@link CaptureKillTest}): summarize, a diff that writes a
 * baseline, the analysis of a gzip dump and capture, each killed by SIGTERM and by SIGKILL at
 * {@value #DEFAULT_MOMENTS} moments spread over a whole run of it. After each kill no final name holds
 * part of a file, the temp dir is empty, a SIGTERM leaves no part file at all, and what a SIGKILL left
 * beside a target is gone after the next run writes it.
 */
class KillMomentsTest {
  static final String ENABLE = "MEMDIFF_SLOW_FAULTS";
  static final String MOMENTS = "MEMDIFF_FAULT_MOMENTS";
  static final int DEFAULT_MOMENTS = 20;
  private static final String EARLIER = "{\"earlier\": true}";

  @TempDir static Path dir;
  static Path dump;
  static Path gz;
  static int moments;

  @BeforeAll
  static void dumps() throws Exception {
    assumeTrue("1".equals(System.getenv(ENABLE)), "slow fault cases: run faults/run, or set " + ENABLE + "=1");
    String n = System.getenv(MOMENTS);
    moments = n == null || n.isBlank() ? DEFAULT_MOMENTS : Integer.parseInt(n);
    dump = ScenarioRunner.run(KnownCounts.class, dir.resolve("known")).get(0);
    gz = dir.resolve("known.hprof.gz");
    try (var in = Files.newInputStream(dump); var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      in.transferTo(out);
    }
  }

  /** One operation's run, its output file (or null) and the temp dir it is given. */
  interface Operation {
    List<String> args(Path target, Path tmp);
  }

  @Test
  void summarizeKilledAtAnyMoment() throws Exception {
    killedAtEveryMoment("summarize", (target, tmp) -> List.of("summarize", dump.toString(), "-o", target.toString(),
        "--tmp-dir", tmp.toString()), "s.json", target -> Engine.readSummary(target).sites().size());
  }

  @Test
  void aDiffWritingABaselineKilledAtAnyMoment() throws Exception {
    killedAtEveryMoment("diff", (target, tmp) -> List.of(dump.toString(), dump.toString(), "--write-baseline",
        target.toString(), "--tmp-dir", tmp.toString()), "known.txt", target -> Files.readString(target).length());
  }

  @Test
  void aGzipAnalysisKilledAtAnyMoment() throws Exception {
    killedAtEveryMoment("gzip", (target, tmp) -> List.of("summarize", gz.toString(), "-o", target.toString(),
        "--tmp-dir", tmp.toString()), "gz.json", target -> Engine.readSummary(target).sites().size());
  }

  interface WholeFile {
    int read(Path target) throws IOException;
  }

  private void killedAtEveryMoment(String name, Operation op, String targetName, WholeFile whole) throws Exception {
    Path work = Files.createDirectories(dir.resolve(name));
    long full = fullRunMillis(op.args(work.resolve("timing-" + targetName), Files.createDirectories(work.resolve("tmp-timing"))));
    int interrupted = 0;
    for (int i = 0; i < moments; i++) {
      long at = full * i / moments;
      for (boolean hard : new boolean[] {false, true}) {
        String what = String.format("%s SIG%s after %d of %d ms", name, hard ? "KILL" : "TERM", at, full);
        Path out = Files.createDirectories(work.resolve((hard ? "kill-" : "term-") + i));
        Path tmp = Files.createDirectories(out.resolve("tmp"));
        Path target = out.resolve(targetName);
        Files.writeString(target, EARLIER);
        Process p = start(op.args(target, tmp));
        Thread.sleep(at);
        signal(p, hard);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(what).isTrue();
        interrupted += p.exitValue() == 0 ? 0 : 1;
        assertThat(list(tmp)).as("%s: the temp dir", what).isEmpty();
        if (!Files.readString(target).equals(EARLIER)) {
          assertThat(whole.read(target)).as("%s: a whole file under the final name", what).isPositive();
        }
        List<String> parts = list(out).stream().filter(f -> f.endsWith(".partial")).toList();
        if (!hard) {
          assertThat(parts).as("%s: part files", what).isEmpty();
        }
        // The next run of the same write removes a part the killed one left.
        Process next = start(op.args(target, tmp));
        assertThat(next.waitFor(120, TimeUnit.SECONDS)).as(what).isTrue();
        assertThat(next.exitValue()).as("%s: the next run", what).isZero();
        assertThat(list(out)).as("%s: after the next run", what).containsExactlyInAnyOrder(targetName, "tmp");
        assertThat(whole.read(target)).as("%s: the next run's file", what).isPositive();
      }
    }
    // Not a test of nothing: most kills came before the run's end.
    assertThat(interrupted).as("%s: runs the signal cut short", name).isGreaterThan(moments);
  }

  @Test
  void captureKilledAtAnyMoment() throws Exception {
    Path java = ScenarioRunner.currentJavaHome().resolve("bin").resolve("java");
    Process live = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        LiveService.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader ready = new BufferedReader(new InputStreamReader(live.getInputStream(), StandardCharsets.UTF_8));
      assertThat(ready.readLine()).isEqualTo("ready");
      Path work = Files.createDirectories(dir.resolve("capture"));
      List<String> args = List.of("capture", Long.toString(live.pid()), "--count", "2", "--interval", "1", "--out");
      long full = fullRunMillis(with(args, work.resolve("timing").toString()));
      for (int i = 0; i < moments; i++) {
        long at = full * i / moments;
        for (boolean hard : new boolean[] {false, true}) {
          String what = String.format("capture SIG%s after %d of %d ms", hard ? "KILL" : "TERM", at, full);
          Path out = work.resolve((hard ? "kill-" : "term-") + i);
          Process p = start(with(args, out.toString()));
          Thread.sleep(at);
          signal(p, hard);
          assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(what).isTrue();
          CaptureKillTest.settle(out, live.pid());
          // The next capture removes what the dead one left, whether or not it then refuses the directory.
          Cli next = Cli.run("capture", Long.toString(live.pid()), "--count", "1", "--no-jfr", "--out", out.toString());
          assertThat(next.exitCode()).as("%s: %s", what, next.err()).isIn(ExitCodes.OK, ExitCodes.USAGE);
          assertThat(list(out)).as(what).allSatisfy(f -> assertThat(f).matches("\\d+\\.(hprof|jfr|proc\\.json)"));
          CaptureKillTest.assertWhole(out);
        }
      }
    } finally {
      live.getOutputStream().close();
      if (!live.waitFor(20, TimeUnit.SECONDS)) {
        live.destroyForcibly();
      }
    }
  }

  private static List<String> with(List<String> args, String last) {
    List<String> all = new ArrayList<>(args);
    all.add(last);
    return all;
  }

  /** How long a run that is not killed takes, start to end, which the moments divide. */
  private static long fullRunMillis(List<String> args) throws Exception {
    long start = System.nanoTime();
    Process p = start(args);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("a run of %s", args).isZero();
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private static Process start(List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static void signal(Process p, boolean hard) {
    if (hard) {
      p.destroyForcibly();
    } else {
      p.destroy();
    }
  }

  private static List<String> list(Path d) throws IOException {
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.map(f -> f.getFileName().toString()).toList();
    }
  }
}
