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
    return lineStarting("CONFIG = ");
  }

  /** The line of the script that starts with {@code text} (after its indentation). */
  private static int lineStarting(String text) throws IOException {
    List<String> lines = Files.readAllLines(script);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().startsWith(text)) {
        return i + 1;
      }
    }
    throw new IllegalStateException("no line " + text);
  }

  private static JsonNode findingWith(JsonNode report, String siteKey) {
    List<JsonNode> out = new ArrayList<>();
    report.get("findings").forEach(f -> f.get("sites").forEach(k -> {
      if (k.asText().equals(siteKey)) {
        out.add(f);
      }
    }));
    assertThat(out).as(siteKey).hasSize(1);
    return out.get(0);
  }

  private static long growth(long[] series) {
    return Math.min(series[1], series[2]) - series[0];
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  /**
   * Each leak is one finding, headed by the class whose count grows, with exactly that growth, held
   * by the object the script keeps it in (the Hash in Registry::SESSIONS, the worker thread, the
   * Array in CALLBACKS), whose retained bytes, found here by brute force in each dump, are the
   * finding's bytes. The cache is the fourth finding, and nothing else passes --min-bytes.
   */
  @Test
  void eachLeakIsOneFindingWithItsExactGrowthAndItsOwnersRetainedBytes() throws IOException {
    JsonNode report = diff();
    assertThat(report.get("findings")).hasSize(4);
    List<Heap> heaps = new ArrayList<>();
    for (Path d : dumps) {
      heaps.add(Heap.read(d));
    }
    // ownerType: the owner's Ruby type, or for a DATA object its C type.
    record Leak(String className, String mark, int growth, String ownerType, String ownerLine, String heldBy) {}
    String worker = "thread started at " + script + ":" + lineStarting("WORKER = Thread.new");
    List<Leak> leaks = List.of(
        new Leak("Session", "registry", 100, "HASH", "SESSIONS = {}", "module Registry"),
        new Leak("String", "thread-local", 50, "VM/thread", "WORKER = Thread.new", worker),
        new Leak("Proc", "callback-proc", 30, "ARRAY", "CALLBACKS = []", "class Object"));
    for (Leak leak : leaks) {
      JsonNode f = findingWith(report, key(leak.className(), leak.mark()));
      assertThat(f.get("headline").asText()).isEqualTo(key(leak.className(), leak.mark()));
      assertThat(f.get("class").asText()).isEqualTo(leak.className());
      assertThat(f.get("shape").asText()).isEqualTo("leak");
      assertThat(f.get("growth_objects").asLong()).isEqualTo(leak.growth());
      assertThat(f.get("owner").asText()).isEqualTo(leak.heldBy());
      int line = lineStarting(leak.ownerLine());
      long[] retained = new long[heaps.size()];
      for (int i = 0; i < heaps.size(); i++) {
        Heap h = heaps.get(i);
        retained[i] = h.retained(h.allocatedAt(leak.ownerType(), script.toString(), line));
      }
      assertThat(longs(f.get("bytes"))).as(leak.mark()).containsExactly(retained);
      assertThat(f.get("growth_bytes").asLong()).isEqualTo(growth(retained));
    }
    assertThat(findingWith(report, key("Proc", "callback-proc")).get("sites").toString())
        .contains(key("String", "callback-string"));
    JsonNode cache = findingWith(report, key("String", "cache"));
    assertThat(cache.get("headline").asText()).isEqualTo(key("String", "cache"));
    assertThat(cache.get("shape").asText()).isEqualTo("bloat");
  }

  @Test
  void findingsAddUpToAtMostTheHeapsGrowth() throws IOException {
    JsonNode report = diff();
    long[] heap = new long[3];
    for (int i = 0; i < 3; i++) {
      heap[i] = report.get("dumps").get(i).get("bytes").asLong();
    }
    long findings = 0;
    for (JsonNode f : report.get("findings")) {
      findings += f.get("growth_bytes").asLong();
    }
    assertThat(findings).isPositive().isLessThanOrEqualTo(growth(heap));
  }

  /** Paths through Ruby's collections read as them, so an element's site holds whatever order it was added in. */
  @Test
  void pathsThroughAHashOrAnArrayReadAsTheirEntriesOrElements() throws IOException {
    JsonNode report = diff();
    Map<String, JsonNode> sites = sitesByKey(report);
    assertThat(steps(sites.get(key("Session", "registry")))).containsExactly("module Registry Hash",
        "Hash{entries} Session");
    assertThat(steps(sites.get(key("Proc", "callback-proc")))).containsExactly("class Object Array",
        "Array{elements} Proc");
  }

  private static List<String> steps(JsonNode site) {
    List<String> out = new ArrayList<>();
    site.get("path").forEach(s -> out.add(s.get("edge").asText() + " " + s.get("class").asText()));
    return out;
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
    assertThat(steps.get(0).get("edge").asText()).isEqualTo("module Registry");
    assertThat(steps.get(0).get("class_name").asText()).isEqualTo("Hash");
    assertThat(steps.get(steps.size() - 1).get("class_name").asText()).isEqualTo("Session");
    Heap heap = Heap.read(dumps.get(2));
    for (JsonNode step : steps) {
      long address = Long.decode(step.get("address").asText());
      assertThat(step.get("retained_bytes").asLong()).as(step.toString()).isEqualTo(heap.retained(address));
      assertThat(step.get("shallow_bytes").asLong()).isEqualTo(heap.memsize.get(address));
    }
  }

  /**
   * The dump read naively, for brute force: retained(x) is what no root reaches once x is gone. The
   * roots are Ruby's (the ROOT lines' references) and, as memdiff takes them, every named class and
   * module and every thread a ractor runs.
   */
  private record Heap(Map<Long, long[]> references, Map<Long, Long> memsize, List<Long> roots, List<JsonNode> lines) {
    static Heap read(Path dump) throws IOException {
      Map<Long, long[]> refs = new HashMap<>();
      Map<Long, Long> sizes = new HashMap<>();
      List<Long> roots = new ArrayList<>();
      List<JsonNode> lines = new ArrayList<>();
      Map<Long, String> classNames = new HashMap<>();
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
            lines.add(o);
            String type = o.get("type").asText();
            if ((type.equals("CLASS") || type.equals("MODULE")) && o.has("name")) {
              classNames.put(a, o.get("name").asText());
              if (!o.get("name").asText().contains("#<")) {
                roots.add(a);
              }
            }
          }
        }
      }
      for (JsonNode o : lines) {
        if (o.get("type").asText().equals("DATA") && "Ractor".equals(classNames.get(classOf(o)))) {
          for (long t : refs.get(Long.decode(o.get("address").asText()))) {
            JsonNode target = lines.stream().filter(x -> Long.decode(x.get("address").asText()) == t).findFirst()
                .orElseThrow();
            if (target.get("type").asText().equals("DATA") && "Thread".equals(classNames.get(classOf(target)))) {
              roots.add(t);
            }
          }
        }
      }
      return new Heap(refs, sizes, roots, lines);
    }

    private static long classOf(JsonNode o) {
      return o.has("class") ? Long.decode(o.get("class").asText()) : 0;
    }

    /** The one object of this type (or a DATA object of this C type) allocated at {@code file:line}. */
    long allocatedAt(String type, String file, int line) {
      List<Long> found = lines.stream().filter(o -> (o.get("type").asText().equals(type)
              || o.path("struct").asText().equals(type))
              && file.equals(o.path("file").asText()) && o.path("line").asInt() == line)
          .map(o -> Long.decode(o.get("address").asText())).toList();
      assertThat(found).as(type + " at " + file + ":" + line).hasSize(1);
      return found.get(0);
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
