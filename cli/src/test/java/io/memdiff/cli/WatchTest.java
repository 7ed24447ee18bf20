package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.MemoryGrowthService;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memdiff watch} on JVMs the test starts: one whose heap grows while it is watched, one that stays. */
class WatchTest {
  private static final int STEP_MIB = 8;

  @TempDir Path dir;

  @Test
  void aGrowingHeapIsGrowthAndTheNextLineIsCapture() throws Exception {
    Process p = start("heap");
    try (Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      Path file = dir.resolve("w.csv");
      CompletableFuture<Cli> watch = CompletableFuture.supplyAsync(() -> Cli.run("watch", Long.toString(p.pid()),
          "--every", "0.5", "--for", "6", "--out", file.toString()));
      // A step of STEP_MIB every 0.4 s from the first sample until the watch ends: growth throughout.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((!Files.exists(file) || Files.readAllLines(file).size() < 2) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      // When each step was done (its "grown" read), to tell which steps the last sample must hold.
      List<Instant> done = new ArrayList<>();
      while (!watch.isDone()) {
        in.write("grow\n");
        in.flush();
        assertThat(out.readLine()).isEqualTo("grown");
        done.add(Instant.now());
        Thread.sleep(400);
      }
      int grown = done.size();
      Cli c = watch.get(60, TimeUnit.SECONDS);
      assertThat(c.exitCode()).as(c.err()).isZero();
      List<String> rows = Files.readAllLines(file);
      assertThat(rows.get(0)).isEqualTo(WatchCommand.CSV_HEADER);
      assertThat(rows).hasSize(1 + 13);
      // The first sample's heap in use may hold garbage that the growth's collections free.
      long first = heapUsed(rows.get(1));
      long last = heapUsed(rows.get(rows.size() - 1));
      // A row's time is taken once its sample is read, and the last sample is read after the row
      // before it: a step done before that row's time is in the last sample. How many steps came
      // after the last sample, while the watch closed and worded its verdict, depends on the
      // machine's load; those are not counted. (The watch runs in this JVM: one clock.)
      Instant beforeLast = Instant.parse(rows.get(rows.size() - 2).split(",", -1)[0]);
      long held = done.stream().filter(t -> t.isBefore(beforeLast)).count();
      String seen = String.format("%d steps, %d before the last sample's row %s; rows: %s", grown, held, beforeLast, rows);
      assertThat(held).as(seen).isGreaterThan(6);
      assertThat(last - first).as(seen).isGreaterThanOrEqualTo((held * STEP_MIB << 20) * 9 / 10);
      List<String> said = c.out().lines().toList();
      assertThat(said).hasSize(2);
      assertThat(said.get(0)).startsWith("watch: rss ").containsPattern("heap (linear growth|steps) \\+");
      assertThat(said.get(1)).startsWith("next: memdiff capture " + p.pid() + " --count 3 ");
    } finally {
      stop(p);
    }
  }

  @Test
  void aProcessThatHoldsStillIsSteadyAndJsonLinesGoToTheFile() throws Exception {
    Process p = start("heap");
    try {
      new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
      Path file = dir.resolve("w.jsonl");
      Cli c = Cli.run("watch", Long.toString(p.pid()), "--every", "0.5", "--for", "3", "--format", "json", "--out",
          file.toString());
      assertThat(c.exitCode()).as(c.err()).isZero();
      List<String> lines = Files.readAllLines(file);
      assertThat(lines).hasSize(7);
      for (String l : lines) {
        assertThat(Json.MAPPER.readTree(l).get("rss_bytes").asLong()).isPositive();
      }
      assertThat(c.out().lines().toList()).hasSize(2);
      assertThat(c.out()).startsWith("watch: rss steady ").contains("; heap steady ").contains("next: nothing grows");
    } finally {
      stop(p);
    }
  }

  @Test
  void badDurationsAreUsageErrors() {
    Cli c = Cli.run("watch", Long.toString(ProcessHandle.current().pid()), "--every", "5", "--for", "1");
    assertThat(c.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(Cli.run("watch", "1", "--for", "ten").exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  private static long heapUsed(String row) {
    return Long.parseLong(row.split(",", -1)[4]);
  }

  private static Process start(String mode) throws Exception {
    return new ProcessBuilder(ScenarioRunner.currentJavaHome().resolve("bin").resolve("java").toString(), "-Xms16m",
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), MemoryGrowthService.class.getName(), mode,
        Integer.toString(STEP_MIB)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  private static void stop(Process p) throws Exception {
    p.getOutputStream().close();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }
}
