package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memdiff.testdata.ruby.RubyScenarios;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * memdiff on three dumps of a real Ruby program ({@code scenarios.rb}): each leak's exact growth at
 * its {@code file:line} under its class name, the bounded cache as bloat, churn and stable config
 * absent, paths from Ruby's roots, and retained sizes checked by brute force. Skipped where no
 * {@code ruby} runs, unless {@code MEMDIFF_REQUIRE_RUBY=1} (as CI sets it), where that fails.
 */
class RubyDiffTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;
  static List<Path> dumps;
  static Path script;

  @BeforeAll
  static void writeDumps() throws Exception {
    if (!RubyScenarios.rubyAvailable()) {
      if ("1".equals(System.getenv("MEMDIFF_REQUIRE_RUBY"))) {
        fail("MEMDIFF_REQUIRE_RUBY=1 but no ruby runs here");
      }
      Assumptions.abort("no ruby on this machine");
    }
    dumps = RubyScenarios.writeDumps(dir);
    script = RubyScenarios.script(dir);
  }

  private static JsonNode diff() throws IOException {
    Cli r = Cli.run("--format", "json", "--top", "100", dumps.get(0).toString(), dumps.get(1).toString(),
        dumps.get(2).toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  private static Map<String, JsonNode> sitesByKey(JsonNode report) {
    Map<String, JsonNode> out = new HashMap<>();
    report.get("sites").forEach(s -> out.put(s.get("key").asText(), s));
    return out;
  }

  private static String key(String className, String mark) throws IOException {
    return className + " @ " + script + ":" + RubyScenarios.lineOf(script, mark);
  }

  private static List<Integer> counts(JsonNode site) {
    List<Integer> out = new ArrayList<>();
    site.get("counts").forEach(c -> out.add(c.asInt()));
    return out;
  }

  @Test
  void eachLeakGrowsByItsExactCountAtItsFileAndLine() throws IOException {
    Map<String, JsonNode> sites = sitesByKey(diff());
    assertThat(sites).containsKeys(key("Session", "registry"), key("String", "thread-local"),
        key("Proc", "callback-proc"), key("String", "callback-string"));
    assertThat(counts(sites.get(key("Session", "registry")))).containsExactly(100, 200, 300);
    assertThat(counts(sites.get(key("String", "thread-local")))).containsExactly(50, 100, 150);
    assertThat(counts(sites.get(key("Proc", "callback-proc")))).containsExactly(30, 60, 90);
    assertThat(counts(sites.get(key("String", "callback-string")))).containsExactly(30, 60, 90);
    assertThat(sites.get(key("Session", "registry")).get("shape").asText()).isEqualTo("leak");
  }

  @Test
  void theBoundedCacheIsBloatAndChurnAndConfigAreAbsent() throws IOException {
    Map<String, JsonNode> sites = sitesByKey(diff());
    JsonNode cache = sites.get(key("String", "cache"));
    assertThat(cache).isNotNull();
    assertThat(counts(cache)).containsExactly(50, 200, 200);
    assertThat(cache.get("shape").asText()).isEqualTo("bloat");
    assertThat(sites).doesNotContainKey(key("String", "churn"));
    int configLine = lineOfConfig();
    assertThat(sites.keySet()).noneMatch(k -> k.endsWith(script + ":" + configLine));
  }

  private static int lineOfConfig() throws IOException {
    List<String> lines = Files.readAllLines(script);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("CONFIG = ")) {
        return i + 1;
      }
    }
    throw new IllegalStateException("no CONFIG line");
  }

  @Test
  void theDiffIsTheSameWhenTheDumpsAreReadInOneTwoOrFourParts() {
    // The dumps are about 5 MB: read in parts of at least 1 MiB, eight threads cut them in four.
    String[] args = {"--format", "json", "--top", "100", dumps.get(0).toString(), dumps.get(1).toString(),
        dumps.get(2).toString(), "--threads", "1"};
    Cli one = Cli.run(args);
    assertThat(one.exitCode()).as(one.err()).isZero();
    for (String threads : new String[] {"2", "8"}) {
      args[args.length - 1] = threads;
      assertThat(Cli.run(args).out()).as("--threads %s", threads).isEqualTo(one.out());
    }
  }

  @Test
  void histogramCountsRubyClassesWithTheirMemsize() {
    Cli r = Cli.run("histo", dumps.get(0).toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out().lines()).anyMatch(l -> l.matches("Session\t100\t4000"));
  }

  @Test
  void gzipDumpReadsAsThePlainOne() throws IOException {
    Path gz = dir.resolve("1.json.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(dumps.get(0), out);
    }
    assertThat(Cli.run("histo", gz.toString()).out()).isEqualTo(Cli.run("histo", dumps.get(0).toString()).out());
  }

  @Test
  void pathsStartAtRubysRootsAndRetainedSizesSumMemsizeOverTheDominatedSet() throws IOException {
    Cli r = Cli.run("path", dumps.get(2).toString(), "--class", "Session", "--format", "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode route = JSON.readTree(r.out()).get("routes").get(0);
    assertThat(route.get("instances").asInt()).isEqualTo(300);
    JsonNode steps = route.get("steps");
    assertThat(steps.get(0).get("edge").asText()).isEqualTo("root vm");
    assertThat(steps.get(steps.size() - 1).get("class_name").asText()).isEqualTo("Session");
    Heap heap = Heap.read(dumps.get(2));
    for (JsonNode step : steps) {
      long address = Long.decode(step.get("address").asText());
      assertThat(step.get("retained_bytes").asLong()).as(step.toString()).isEqualTo(heap.retained(address));
      assertThat(step.get("shallow_bytes").asLong()).isEqualTo(heap.memsize.get(address));
    }
  }

  /** The dump read naively, for brute force: retained(x) is what no root reaches once x is gone. */
  private record Heap(Map<Long, long[]> references, Map<Long, Long> memsize, List<Long> roots) {
    static Heap read(Path dump) throws IOException {
      Map<Long, long[]> refs = new HashMap<>();
      Map<Long, Long> sizes = new HashMap<>();
      List<Long> roots = new ArrayList<>();
      try (BufferedReader in = Files.newBufferedReader(dump)) {
        for (String line; (line = in.readLine()) != null; ) {
          JsonNode o = JSON.readTree(line);
          long[] targets = new long[o.path("references").size()];
          for (int i = 0; i < targets.length; i++) {
            targets[i] = Long.decode(o.get("references").get(i).asText());
          }
          if (o.get("type").asText().equals("ROOT")) {
            for (long t : targets) {
              roots.add(t);
            }
          } else {
            long a = Long.decode(o.get("address").asText());
            refs.put(a, targets);
            sizes.put(a, o.path("memsize").asLong());
          }
        }
      }
      return new Heap(refs, sizes, roots);
    }

    long retained(long removed) {
      Set<Long> all = reachable(-1);
      Set<Long> without = reachable(removed);
      long sum = 0;
      for (long a : all) {
        if (!without.contains(a)) {
          sum += memsize.get(a);
        }
      }
      return sum;
    }

    private Set<Long> reachable(long removed) {
      Set<Long> seen = new HashSet<>();
      ArrayDeque<Long> queue = new ArrayDeque<>();
      for (long r : roots) {
        if (r != removed && references.containsKey(r) && seen.add(r)) {
          queue.add(r);
        }
      }
      while (!queue.isEmpty()) {
        for (long t : references.get(queue.poll())) {
          if (t != removed && references.containsKey(t) && seen.add(t)) {
            queue.add(t);
          }
        }
      }
      return seen;
    }
  }
}
