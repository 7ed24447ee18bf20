package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memdiff.testdata.ruby.RubyScenarios;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory verdict of a real Ruby process ({@code memory.rb}) whose process records the documented
 * snippet wrote: a leak of live objects reads {@code heap}, malloc'ed memory no object owns reads as
 * outside the object heap, each figure checked against the dumps and records read here. Skipped where
 * no {@code ruby} runs, unless {@code MEMDIFF_REQUIRE_RUBY=1}, where that fails.
 */
class RubyProcessMemoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** memory.rb's leak: bytes of the Integer arrays one step keeps (1000 arrays of 5000 8-byte elements). */
  private static final long LEAK_STEP_BYTES = 1000L * 5000 * 8;
  /** memory.rb's MALLOC_BYTES, malloc'ed and written per step. */
  private static final long MALLOC_STEP_BYTES = 64L << 20;

  @TempDir
  static Path dir;
  static List<Path> leak;
  static List<Path> malloc;

  @BeforeAll
  static void runTheProcess() throws Exception {
    if (!RubyScenarios.rubyAvailable()) {
      if ("1".equals(System.getenv("MEMDIFF_REQUIRE_RUBY"))) {
        fail("MEMDIFF_REQUIRE_RUBY=1 but no ruby runs here");
      }
      Assumptions.abort("no ruby on this machine");
    }
    leak = RubyScenarios.writeMemoryDumps(Files.createDirectory(dir.resolve("leak")), "leak");
    malloc = RubyScenarios.writeMemoryDumps(Files.createDirectory(dir.resolve("malloc")), "malloc");
  }

  private static JsonNode diff(List<Path> dumps) throws IOException {
    Cli r = Cli.run("--format", "json", dumps.get(0).toString(), dumps.get(1).toString(), dumps.get(2).toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    return JSON.readTree(r.out());
  }

  /** Growth as concepts.md defines it for three dumps: the smaller of the last two, less the first. */
  private static long growth(long[] v) {
    return Math.min(v[1], v[2]) - v[0];
  }

  /** Each dump's live bytes: the sum of its lines' memsize, read with a JSON tree per line. */
  private static long[] memsizes(List<Path> dumps) throws IOException {
    long[] out = new long[dumps.size()];
    for (int i = 0; i < out.length; i++) {
      try (BufferedReader in = Files.newBufferedReader(dumps.get(i), StandardCharsets.UTF_8)) {
        for (String line; (line = in.readLine()) != null; ) {
          JsonNode n = JSON.readTree(line);
          out[i] += n.path("memsize").asLong(0);
        }
      }
    }
    return out;
  }

  private static long[] rss(List<Path> dumps) throws IOException {
    long[] out = new long[dumps.size()];
    for (int i = 0; i < out.length; i++) {
      String name = dumps.get(i).getFileName().toString().replace(".dump", ".proc.json");
      out[i] = JSON.readTree(dumps.get(i).resolveSibling(name).toFile()).get("rss_bytes").asLong();
    }
    return out;
  }

  private static List<Long> liveBytes(JsonNode report) {
    List<Long> out = new ArrayList<>();
    report.get("process").forEach(p -> out.add(p.get("heap_live_bytes").asLong()));
    return out;
  }

  @Test
  void aLeakOfLiveObjectsReadsHeapWithTheDumpsMemsizeAndTheRecordsRss() throws IOException {
    JsonNode report = diff(leak);
    JsonNode verdict = report.get("memory_verdict");
    long[] memsize = memsizes(leak);
    long[] rss = rss(leak);
    assertThat(verdict.get("kind").asText()).as(verdict.toString()).isEqualTo("heap");
    assertThat(liveBytes(report)).containsExactly(memsize[0], memsize[1], memsize[2]);
    assertThat(verdict.get("heap_growth_bytes").asLong()).isEqualTo(growth(memsize))
        .isGreaterThan(LEAK_STEP_BYTES * 95 / 100);
    assertThat(verdict.get("rss_growth_bytes").asLong()).isEqualTo(growth(rss));
    assertThat(verdict.get("outside_heap_growth_bytes").asLong()).isEqualTo(growth(rss) - growth(memsize));
    assertThat(verdict.get("text").asText()).contains("live objects' bytes (memsize)").doesNotContain("MALLOC_ARENA_MAX");
    assertThat(report.get("process").get(0).has("off_heap_bytes")).as("no JVM figure is made up for Ruby").isFalse();
  }

  @Test
  void mallocedMemoryNoObjectOwnsReadsAsOutsideTheObjectHeapWithTheArenaTest() throws IOException {
    JsonNode report = diff(malloc);
    JsonNode verdict = report.get("memory_verdict");
    long[] memsize = memsizes(malloc);
    long[] rss = rss(malloc);
    assertThat(verdict.get("kind").asText()).as(verdict.toString()).isEqualTo("native");
    assertThat(liveBytes(report)).containsExactly(memsize[0], memsize[1], memsize[2]);
    assertThat(Math.abs(growth(memsize))).as("live bytes stay flat").isLessThan(MALLOC_STEP_BYTES / 16);
    long outside = growth(rss) - Math.max(0, growth(memsize));
    assertThat(verdict.get("outside_heap_growth_bytes").asLong()).isEqualTo(outside)
        .isGreaterThanOrEqualTo(MALLOC_STEP_BYTES);
    assertThat(verdict.get("malloc_growth_bytes").asLong()).isGreaterThan(MALLOC_STEP_BYTES * 9 / 10)
        .isEqualTo(outside - Math.max(0, verdict.get("free_slot_growth_bytes").asLong()));
    assertThat(verdict.get("text").asText()).contains("outside the Ruby object heap", "malloc holds",
        "MALLOC_ARENA_MAX=2").doesNotContain("GC.compact", "Native Memory Tracking");
  }

  @Test
  void theTextNamesEachDumpsRssLiveBytesAndMemsizeOfAll() throws IOException {
    Cli r = Cli.run(malloc.get(0).toString(), malloc.get(1).toString(), malloc.get(2).toString());
    long[] memsize = memsizes(malloc);
    long[] rss = rss(malloc);
    for (int i = 0; i < 3; i++) {
      assertThat(r.out()).contains("process  dump " + (i + 1) + "  rss " + rss[i] + "  heap-live " + memsize[i]
          + "  memsize-of-all ");
    }
    assertThat(r.out()).containsPattern("(?m)^verdict  native  RSS grew by \\+" + growth(rss) + " bytes");
  }

  @Test
  void theConceptsPageGivesTheSnippetTheProcessRan() throws IOException {
    String concepts = Files.readString(Path.of("..", "docs", "concepts.md"), StandardCharsets.UTF_8);
    List<String> snippet = RubyScenarios.procRecordSnippet();
    assertThat(snippet).hasSize(3);
    assertThat(concepts).contains(String.join("\n", snippet));
  }
}
