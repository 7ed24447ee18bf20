package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.memdiff.engine.ProcessRecord;
import io.memdiff.engine.ProcessRecords;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every JSON output, pinned to a golden file under {@code src/test/resources/golden/}, and each
 * golden file's fields to those {@code docs/json.md} lists, so neither the output nor its
 * documentation changes unnoticed. {@code -Dmemdiff.golden.update=true} writes the golden files
 * instead of comparing; review their diff before committing it.
 */
class JsonGoldenTest {
  /** Relative to the cli module, where the build runs its tests. */
  static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
  static final Path DOC = Path.of("..", "docs", "json.md");
  static final boolean UPDATE = Boolean.getBoolean("memdiff.golden.update");

  @TempDir static Path dir;
  static Path a;
  static Path b;
  static Path c;

  @BeforeAll
  static void dumps() throws IOException {
    a = GoldenDumps.write(1, dir.resolve("a.hprof"));
    b = GoldenDumps.write(2, dir.resolve("b.hprof"));
    c = GoldenDumps.write(3, dir.resolve("c.hprof"));
  }

  @Test
  void theDiffReportIsAsPinned() throws IOException {
    matchesGolden("diff.json", run(a.toString(), b.toString(), c.toString(), "--format", "json"));
  }

  /**
   * Process records beside copies of the dumps: RSS grows by 100 MiB while the heap stays flat and
   * NMT's Other category grows alike, under glibc's malloc with default arenas.
   */
  @Test
  void theDiffWithProcessRecordsIsAsPinned() throws IOException {
    Path p = Files.createDirectories(dir.resolve("p"));
    long mib = 1 << 20;
    long[] rss = {100 * mib, 180 * mib, 200 * mib};
    long[] other = {10 * mib, 90 * mib, 110 * mib};
    String[] names = {"a", "b", "c"};
    for (int k = 0; k < 3; k++) {
      Path dump = Files.copy(List.of(a, b, c).get(k), p.resolve(names[k] + ".hprof"));
      try (var out = Files.newOutputStream(p.resolve(names[k] + ".proc.json"))) {
        ProcessRecords.write(record(k, rss[k], other[k]), out);
      }
      assertThat(dump).isRegularFile();
    }
    matchesGolden("diff-process.json", run(p.resolve("a.hprof").toString(), p.resolve("b.hprof").toString(),
        p.resolve("c.hprof").toString(), "--format", "json"));
  }

  /** A record with every field, as capture writes it. */
  @Test
  void theProcessRecordIsAsPinned() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ProcessRecords.write(record(0, 100L << 20, 10L << 20), out);
    matchesGolden("proc.json", out.toString(StandardCharsets.UTF_8));
  }

  private static ProcessRecord record(int k, long rss, long other) {
    long mib = 1 << 20;
    return new ProcessRecord(ProcessRecord.SCHEMA_VERSION, "2023-11-14T22:1" + k + ":20Z", 4711, rss, rss - 30 * mib,
        28 * mib, 2 * mib, rss - 5 * mib, 31, 20 * mib, 64 * mib, 12 * mib, 13 * mib, 14, 0L, 0L, 0L, 0L, "summary",
        nmt(64 * mib, 13 * mib, 15 * mib, other),
        false, null, "libc", null);
  }

  /** NMT's categories in the order its summary lists them. */
  private static Map<String, Long> nmt(long heap, long classes, long threads, long other) {
    Map<String, Long> nmt = new LinkedHashMap<>();
    nmt.put("Java Heap", heap);
    nmt.put("Class", classes);
    nmt.put("Thread", threads);
    nmt.put("Other", other);
    return nmt;
  }

  @Test
  void theSiteSummaryFileIsOneLineAndAsPinned() throws IOException {
    Path file = dir.resolve("c.sites.json");
    run("summarize", c.toString(), "-o", file.toString());
    String written = withoutDir(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(written.strip()).as("a summary file is compact: one line").doesNotContain("\n");
    // Indented as '-o -' prints it, so that a change shows as a readable diff of the golden file.
    matchesGolden("summarize.json", Json.MAPPER.writeValueAsString(Json.MAPPER.readTree(written)) + System.lineSeparator());
    assertThat(Json.MAPPER.readTree(run("summarize", c.toString(), "-o", "-"))).isEqualTo(Json.MAPPER.readTree(written));
  }

  @Test
  void theHistogramIsAsPinned() throws IOException {
    matchesGolden("histo.json", run("histo", c.toString(), "--format", "json"));
  }

  @Test
  void theHistogramWithRetainedBytesIsAsPinned() throws IOException {
    matchesGolden("histo-retained.json", run("histo", c.toString(), "--retained", "--format", "json"));
  }

  @Test
  void theRoutesToAClassAreAsPinned() throws IOException {
    matchesGolden("path.json", run("path", c.toString(), "--class", GoldenDumps.SESSION_CLASS, "--format", "json"));
  }

  @Test
  void oneObjectIsShownAsPinned() throws IOException {
    matchesGolden("show.json", run("show", c.toString(), Addresses.hex(GoldenDumps.firstSession()), "--format", "json"));
  }

  @Test
  void theDumpSummaryIsAsPinned() throws IOException {
    matchesGolden("summary.json", run("summary", c.toString(), "--format", "json"));
  }

  @Test
  void everyGoldenFieldIsDocumentedAndEveryDocumentedFieldIsInItsGolden() throws IOException {
    List<JsonDoc.Section> sections = JsonDoc.parse(Files.readString(DOC, StandardCharsets.UTF_8));
    Set<String> linked = new TreeSet<>();
    SoftAssertions softly = new SoftAssertions();
    for (JsonDoc.Section s : sections) {
      Set<String> produced = new TreeSet<>();
      for (String golden : s.goldens()) {
        linked.add(golden);
        produced.addAll(JsonDoc.fieldsOf(Json.MAPPER.readTree(GOLDEN.resolve(golden).toFile()), s.maps()));
      }
      Set<String> undocumented = new TreeSet<>(produced);
      undocumented.removeAll(s.fields().keySet());
      softly.assertThat(undocumented).as("fields of %s missing from '%s' in docs/json.md", s.goldens(), s.heading())
          .isEmpty();
      Set<String> absent = new TreeSet<>(s.required());
      absent.removeAll(produced);
      softly.assertThat(absent).as("fields '%s' in docs/json.md lists that %s lack", s.heading(), s.goldens()).isEmpty();
    }
    try (Stream<Path> files = Files.list(GOLDEN)) {
      softly.assertThat(files.map(p -> p.getFileName().toString())).as("golden files docs/json.md links to")
          .containsExactlyInAnyOrderElementsOf(linked);
    }
    softly.assertAll();
  }

  /** Runs memdiff; its output with the dumps' directory left out of their paths. */
  private static String run(String... args) throws IOException {
    Cli r = Cli.run(args);
    assertThat(r.err()).as("stderr of memdiff %s", String.join(" ", args)).isEmpty();
    assertThat(r.exitCode()).isZero();
    return withoutDir(r.out());
  }

  /** Outputs name the dumps as given, and the temporary directory differs from run to run. */
  private static String withoutDir(String json) throws IOException {
    String quoted = Json.MAPPER.writeValueAsString(dir + File.separator);
    return json.replace(quoted.substring(1, quoted.length() - 1), "");
  }

  private static void matchesGolden(String name, String actual) throws IOException {
    Path golden = GOLDEN.resolve(name);
    if (UPDATE) {
      Files.createDirectories(GOLDEN);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(golden)) {
      fail("no golden file " + golden + "; write it with -Dmemdiff.golden.update=true");
    }
    List<String> expected = Files.readString(golden, StandardCharsets.UTF_8).lines().toList();
    List<String> lines = actual.lines().toList();
    for (int i = 0; i < Math.max(expected.size(), lines.size()); i++) {
      String e = i < expected.size() ? expected.get(i) : "(end of file)";
      String got = i < lines.size() ? lines.get(i) : "(end of output)";
      if (!e.equals(got)) {
        fail(golden + " differs from the output at line " + (i + 1) + ":\n  golden: " + e + "\n  output: " + got
            + "\nIf the change is meant, rewrite the golden files with -Dmemdiff.golden.update=true, review their diff"
            + " and update docs/json.md.");
      }
    }
  }
}
