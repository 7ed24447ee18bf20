package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.MemoryGrowthService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real JVMs whose memory grows by a known amount in a known place, captured three times with
 * {@code memdiff capture}: the diff's verdict must name that place, and its figures must hold at
 * least what the program allocated.
 */
class ProcessMemoryTest {
  private static final long STEP = (long) MemoryGrowthService.STEP_MIB << 20;
  /** Heap fixed and touched at start, so that what grows in RSS is what the program allocates outside it. */
  private static final List<String> FLAT_HEAP = List.of("-Xms64m", "-Xmx64m", "-XX:+AlwaysPreTouch");
  private static final String SECRET = "memdiff-test-secret-value";

  @TempDir Path dir;

  /** The diff of three captures of a service grown by one step between each two, text and JSON. */
  private record Run(Cli text, JsonNode json, Path captures) {}

  private Run growAndDiff(Path javaHome, String mode, List<String> options, String arenaMax, String... diffArgs)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString()));
    command.addAll(options);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), MemoryGrowthService.class.getName(), mode));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    Map<String, String> env = builder.environment();
    env.remove("MALLOC_ARENA_MAX");
    if (arenaMax != null) {
      env.put("MALLOC_ARENA_MAX", arenaMax);
    }
    // A variable the record must never copy.
    env.put("MEMDIFF_TEST_TOKEN", SECRET);
    Process p = builder.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
    List<String> dumps = new ArrayList<>();
    try {
      assertThat(out.readLine()).isEqualTo("ready");
      for (int k = 1; k <= 3; k++) {
        Path to = dir.resolve(mode + k);
        Cli c = Cli.run("capture", Long.toString(p.pid()), "--count", "1", "--no-jfr", "--out", to.toString());
        assertThat(c.exitCode()).as(c.err()).isZero();
        dumps.add(to.resolve("1.hprof").toString());
        if (k < 3) {
          in.write("grow\n");
          in.flush();
          assertThat(out.readLine()).isEqualTo("grown");
        }
      }
    } finally {
      in.close();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
    List<String> args = new ArrayList<>(dumps);
    args.addAll(List.of(diffArgs));
    Cli text = Cli.run(args.toArray(String[]::new));
    args.addAll(List.of("--format", "json"));
    Cli json = Cli.run(args.toArray(String[]::new));
    assertThat(json.exitCode()).as(json.err()).isIn(0, 1);
    return new Run(text, Json.MAPPER.readTree(json.out()), dir);
  }

  private static String verdictLine(Cli c) {
    List<String> lines = c.out().lines().toList();
    assertThat(lines.get(lines.size() - 1)).startsWith("verdict  ");
    return lines.get(lines.size() - 1);
  }

  /** The captures hold the variable's value nowhere, and the diff prints it nowhere. */
  private static void noSecretLeaks(Run r) throws IOException {
    assertThat(r.text().out()).doesNotContain(SECRET).doesNotContain("MEMDIFF_TEST_TOKEN");
    try (Stream<Path> files = Files.walk(r.captures())) {
      for (Path f : files.filter(f -> f.toString().endsWith(".proc.json")).toList()) {
        assertThat(Files.readString(f)).doesNotContain(SECRET).doesNotContain("MEMDIFF_TEST_TOKEN");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
      }
    }
  }

  @Test
  void nativeGrowthWithTrackingIsNativeAndNamesTheCategoryOnJdk17() throws Exception {
    nativeGrowthWithTracking(ScenarioRunner.currentJavaHome());
  }

  @Test
  void nativeGrowthWithTrackingIsNativeAndNamesTheCategoryOnJdk25() throws Exception {
    Optional<Path> jdk25 = ScenarioRunner.jdk25Home();
    assumeTrue(jdk25.isPresent(), "no JDK 25 on this machine");
    nativeGrowthWithTracking(jdk25.get());
  }

  private void nativeGrowthWithTracking(Path javaHome) throws Exception {
    List<String> options = new ArrayList<>(FLAT_HEAP);
    options.add("-XX:NativeMemoryTracking=summary");
    Run r = growAndDiff(javaHome, "native", options, null, "--fail-on-growth-outside-heap", STEP / 2 + "");
    JsonNode v = r.json().get("memory_verdict");
    assertThat(v.get("kind").asText()).as(v.toString()).isEqualTo("native");
    // Unsafe.allocateMemory touched STEP bytes between dumps 1 and 2 and again before 3.
    assertThat(v.get("outside_heap_growth_bytes").asLong()).as(v.toString()).isGreaterThanOrEqualTo(STEP);
    assertThat(v.get("rss_growth_bytes").asLong()).isGreaterThanOrEqualTo(STEP);
    assertThat(v.get("heap_growth_bytes").asLong()).isLessThan(STEP / 16);
    // NMT counts Unsafe.allocateMemory under Other, byte for byte.
    assertThat(v.get("nmt_grown").get("Other").asLong()).isGreaterThanOrEqualTo(STEP);
    assertThat(v.get("nmt_grown").fieldNames().next()).isEqualTo("Other");
    JsonNode process = r.json().get("process");
    assertThat(process).hasSize(3);
    for (JsonNode p : process) {
      assertThat(p.get("nmt").get("Other")).isNotNull();
      assertThat(p.get("malloc_arena_max_set").asBoolean()).isFalse();
      assertThat(p.has("malloc_arena_max")).isFalse();
      assertThat(p.get("allocator").asText()).isEqualTo("libc");
    }
    String line = verdictLine(r.text());
    assertThat(line).startsWith("verdict  native  ").contains("Native Memory Tracking names Other +")
        .contains("MALLOC_ARENA_MAX is unset").doesNotContain(MemoryRenderer.NMT_FLAG);
    assertThat(r.text().exitCode()).isEqualTo(ExitCodes.THRESHOLD);
    assertThat(r.text().err()).contains("memdiff: threshold crossed: growth outside the heap ");
    noSecretLeaks(r);
  }

  @Test
  void nativeGrowthWithoutTrackingGivesTheFlagToRestartWith() throws Exception {
    Run r = growAndDiff(ScenarioRunner.currentJavaHome(), "native", FLAT_HEAP, "2");
    JsonNode v = r.json().get("memory_verdict");
    assertThat(v.get("kind").asText()).as(v.toString()).isEqualTo("native");
    assertThat(v.get("outside_heap_growth_bytes").asLong()).isGreaterThanOrEqualTo(STEP);
    assertThat(v.has("nmt_grown")).isFalse();
    for (JsonNode p : r.json().get("process")) {
      assertThat(p.has("nmt")).isFalse();
      assertThat(p.get("malloc_arena_max_set").asBoolean()).isTrue();
      assertThat(p.get("malloc_arena_max").asInt()).isEqualTo(2);
    }
    // With the arena count capped, fragmentation over arenas is not the suspect.
    assertThat(verdictLine(r.text())).startsWith("verdict  native  ")
        .contains("restart it with " + MemoryRenderer.NMT_FLAG).doesNotContain("MALLOC_ARENA_MAX is unset");
    assertThat(r.text().exitCode()).isZero();
    noSecretLeaks(r);
  }

  @Test
  void aHeapLeakIsHeapAndItsFindingExplainsTheHeapGrowth() throws Exception {
    Run r = growAndDiff(ScenarioRunner.currentJavaHome(), "heap", List.of("-Xms16m", "-Xmx512m"), null,
        "--fail-on-growth-outside-heap", "1GiB");
    JsonNode v = r.json().get("memory_verdict");
    assertThat(v.get("kind").asText()).as(v.toString()).isEqualTo("heap");
    assertThat(v.get("heap_growth_bytes").asLong()).isGreaterThanOrEqualTo(STEP);
    JsonNode blocks = finding(r.json(), MemoryGrowthService.Block.class.getName());
    // The blocks' arrays are the step, byte for byte, plus each block's own header.
    assertThat(blocks.get("growth_bytes").asLong()).isGreaterThanOrEqualTo(STEP)
        .isGreaterThanOrEqualTo(v.get("heap_growth_bytes").asLong() * 9 / 10);
    assertThat(verdictLine(r.text())).startsWith("verdict  heap  ").contains("which the findings above explain");
    assertThat(r.text().exitCode()).as(r.text().err()).isZero();
    noSecretLeaks(r);
  }

  @Test
  void aDirectBufferLeakIsOffHeapAndNamesItsFindingOnJdk17() throws Exception {
    directBufferLeak(ScenarioRunner.currentJavaHome());
  }

  @Test
  void aDirectBufferLeakIsOffHeapAndNamesItsFindingOnJdk25() throws Exception {
    Optional<Path> jdk25 = ScenarioRunner.jdk25Home();
    assumeTrue(jdk25.isPresent(), "no JDK 25 on this machine");
    directBufferLeak(jdk25.get());
  }

  private void directBufferLeak(Path javaHome) throws Exception {
    List<String> options = new ArrayList<>(FLAT_HEAP);
    options.add("-XX:MaxDirectMemorySize=512m");
    Run r = growAndDiff(javaHome, "direct", options, null);
    JsonNode v = r.json().get("memory_verdict");
    assertThat(v.get("kind").asText()).as(v.toString()).isEqualTo("off-heap");
    assertThat(v.get("off_heap_growth_bytes").asLong()).isGreaterThanOrEqualTo(STEP);
    assertThat(v.get("outside_heap_growth_bytes").asLong()).isGreaterThanOrEqualTo(STEP);
    JsonNode buffers = null;
    for (JsonNode f : r.json().get("findings")) {
      if (f.get("key").asText().equals(v.get("off_heap_finding").asText())) {
        buffers = f;
      }
    }
    assertThat(buffers).as("the finding the verdict names").isNotNull();
    assertThat(buffers.get("owner").asText()).isEqualTo("static " + MemoryGrowthService.class.getName() + ".BUFFERS");
    assertThat(buffers.get("growth_off_heap_bytes").asLong()).isEqualTo(STEP);
    // The record's buffer pool saw the same buffers the dump did.
    JsonNode process = r.json().get("process");
    assertThat(process.get(2).get("direct_bytes").asLong() - process.get(0).get("direct_bytes").asLong())
        .isGreaterThanOrEqualTo(2 * STEP);
    assertThat(verdictLine(r.text())).startsWith("verdict  off-heap  ")
        .contains("held by static " + MemoryGrowthService.class.getName() + ".BUFFERS");
    noSecretLeaks(r);
  }

  private static JsonNode finding(JsonNode report, String className) {
    for (JsonNode f : report.get("findings")) {
      if (f.get("class").asText().equals(className)) {
        return f;
      }
    }
    throw new AssertionError("no finding for " + className + " in " + report.get("findings"));
  }
}
