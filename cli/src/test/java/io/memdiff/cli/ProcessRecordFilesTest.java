package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diff without process records, with ones it cannot read, and what reads {@code /proc} and NMT's
 * summary, on hand-built inputs.
 */
class ProcessRecordFilesTest {
  @TempDir Path dir;
  private String[] dumps;

  @BeforeEach
  void dumps() throws IOException {
    dumps = new String[3];
    for (int k = 1; k <= 3; k++) {
      dumps[k - 1] = GoldenDumps.write(k, dir.resolve(k + ".hprof")).toString();
    }
  }

  @Test
  void withoutProcessRecordsTheReportEndsWithOneLineThatProcessMemoryIsUnknown() {
    Cli c = Cli.run(dumps);
    assertThat(c.exitCode()).isZero();
    assertThat(c.err()).isEmpty();
    List<String> lines = c.out().lines().toList();
    assertThat(lines.get(lines.size() - 2)).startsWith("heap  objects ");
    assertThat(lines.get(lines.size() - 1)).isEqualTo("verdict  unknown  process memory is unknown: no process record"
        + " beside the dumps (memdiff capture writes k.proc.json beside k.hprof; or give --proc FILE,...)");
  }

  @Test
  void aCorruptRecordIsOneWarningNamingItAndTheDiffStillRuns() throws IOException {
    Cli clean = Cli.run(dumps);
    writeRecords();
    Path corrupt = dir.resolve("2.proc.json");
    Files.writeString(corrupt, "{\"schema_version\": 1, \"rss_bytes\": tok", StandardCharsets.UTF_8);
    Cli c = Cli.run(dumps);
    assertThat(c.exitCode()).isZero();
    assertThat(c.errLines()).singleElement().asString()
        .startsWith("memdiff: warning: " + corrupt + ": not a memdiff process record: unreadable at line 1")
        .doesNotContain("tok");
    assertThat(c.out()).isEqualTo(clean.out().replace("no process record beside the dumps", "no process record for dump 2"));
  }

  @Test
  void aForeignJsonFileIsOneWarningNamingItsVersion() throws IOException {
    writeRecords();
    Path summary = dir.resolve("3.proc.json");
    Files.delete(summary);
    assertThat(Cli.run("summarize", dumps[2], "-o", summary.toString()).exitCode()).isZero();
    Cli c = Cli.run(dumps);
    assertThat(c.exitCode()).isZero();
    assertThat(c.errLines()).singleElement().asString().isEqualTo("memdiff: warning: " + summary
        + ": process record schema version 2 is not supported (expected 1); the diff goes on without this process record");
    Path binary = dir.resolve("1.proc.json");
    Files.write(binary, new byte[] {0, 0, 0, 'x', 1, 2});
    assertThat(Cli.run(dumps).errLines()).hasSize(2).anyMatch(l -> l.startsWith("memdiff: warning: " + binary + ": not"));
  }

  @Test
  void recordsGivenWithProcAreReadInTheDumpsOrder() throws IOException {
    Path apart = Files.createDirectories(dir.resolve("apart"));
    writeRecords();
    StringBuilder files = new StringBuilder();
    for (int k = 1; k <= 3; k++) {
      files.append(k > 1 ? "," : "").append(Files.move(dir.resolve(k + ".proc.json"), apart.resolve("p" + k + ".json")));
    }
    Cli c = Cli.run(dumps[0], dumps[1], dumps[2], "--proc", files.toString());
    assertThat(c.exitCode()).as(c.err()).isZero();
    assertThat(c.out()).contains("process  dump 3  rss 314572800").contains("verdict  native  ");
    Cli twoForThree = Cli.run(dumps[0], dumps[1], dumps[2], "--proc", apart.resolve("p1.json") + "," + apart.resolve("p2.json"));
    assertThat(twoForThree.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(twoForThree.err()).contains("--proc names 2 file(s) for 3 dump(s)");
  }

  @Test
  void theOutsideHeapGateCrossesOnNativeGrowthAndNeedsRecords() throws IOException {
    Cli without = Cli.run(dumps[0], dumps[1], dumps[2], "--fail-on-growth-outside-heap", "10MiB");
    assertThat(without.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(without.errLines()).singleElement().asString().contains("needs a process record for every dump");
    writeRecords();
    Cli crossed = Cli.run(dumps[0], dumps[1], dumps[2], "--fail-on-growth-outside-heap", "100MiB");
    assertThat(crossed.exitCode()).isEqualTo(ExitCodes.THRESHOLD);
    assertThat(crossed.errLines()).singleElement().asString()
        .startsWith("memdiff: threshold crossed: growth outside the heap ").endsWith("(verdict native)");
    assertThat(Cli.run(dumps[0], dumps[1], dumps[2], "--fail-on-growth-outside-heap", "300MiB").exitCode()).isZero();
  }

  /** The CI formats carry the verdict too: a JUnit test case of its own for the gate, a Markdown line. */
  @Test
  void junitHasATestCaseForTheOutsideHeapGateAndMarkdownTheVerdict() throws Exception {
    writeRecords();
    Cli junit = Cli.run(dumps[0], dumps[1], dumps[2], "--fail-on-growth-outside-heap", "100MiB", "--format", "junit");
    assertThat(junit.exitCode()).isEqualTo(ExitCodes.THRESHOLD);
    org.w3c.dom.Document doc = CiFormatsTest.validJUnit(junit.out());
    org.w3c.dom.NodeList cases = doc.getElementsByTagName("testcase");
    org.w3c.dom.Element gate = (org.w3c.dom.Element) cases.item(cases.getLength() - 1);
    assertThat(gate.getAttribute("name")).isEqualTo("process growth outside the heap");
    org.w3c.dom.Element failure = (org.w3c.dom.Element) gate.getElementsByTagName("failure").item(0);
    assertThat(failure.getAttribute("type")).isEqualTo("growth-outside-heap");
    assertThat(failure.getAttribute("message")).startsWith("growth outside the heap ").endsWith("(verdict native)");
    assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo(String.valueOf(cases.getLength()));
    String passed = Cli.run(dumps[0], dumps[1], dumps[2], "--fail-on-growth-outside-heap", "300MiB", "--format",
        "junit").out();
    assertThat(CiFormatsTest.validJUnit(passed).getElementsByTagName("failure").getLength()).isZero();

    Cli markdown = Cli.run(dumps[0], dumps[1], dumps[2], "--format", "markdown");
    assertThat(markdown.out().lines().toList().get((int) markdown.out().lines().count() - 1))
        .startsWith("verdict: **native** — ");
  }

  /** RSS 100, 300, 300 MiB with a flat heap and no NMT: native growth of 200 MiB. */
  private void writeRecords() throws IOException {
    long[] rss = {100L << 20, 300L << 20, 300L << 20};
    for (int k = 1; k <= 3; k++) {
      Files.writeString(dir.resolve(k + ".proc.json"), "{\"schema_version\": 1, \"time\": \"2024-01-01T00:0" + k
          + ":00Z\", \"pid\": 7, \"rss_bytes\": " + rss[k - 1] + ", \"heap_committed_bytes\": 67108864,"
          + " \"native_memory_tracking\": \"off\", \"a_later_field\": [1]}");
    }
  }

  @Test
  void procFilesReadRssAndOnlyTheArenaVariableOfTheEnvironment() throws IOException {
    Path proc = Files.createDirectories(dir.resolve("proc"));
    Files.writeString(proc.resolve("status"), "Name:\tjava\nVmRSS:\t  204800 kB\nRssAnon:\t  102400 kB\n"
        + "RssFile:\t 1024 kB\nRssShmem:\t 0 kB\nThreads:\t23\n");
    Files.writeString(proc.resolve("smaps_rollup"), "00-ff ---p 0 00:00 0 [rollup]\nRss:  204000 kB\nPss:  150000 kB\n");
    Files.write(proc.resolve("environ"), "TOKEN=MALLOC_ARENA_MAX=9\0MALLOC_ARENA_MAX=4\0PATH=/bin\0"
        .getBytes(StandardCharsets.US_ASCII));
    Files.writeString(proc.resolve("maps"), "7f00-7f01 r-xp 0 08:01 1 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2\n");
    ProcFiles f = new ProcFiles(proc);
    assertThat(f.rssBytes()).isEqualTo(204800L * 1024);
    assertThat(f.rssAnonBytes()).isEqualTo(102400L * 1024);
    assertThat(f.pssBytes()).isEqualTo(150000L * 1024);
    assertThat(f.threads()).isEqualTo(23);
    assertThat(f.arenaMaxSet()).isTrue();
    assertThat(f.arenaMax()).isEqualTo(4);
    assertThat(f.allocator()).isEqualTo("jemalloc");
    Files.write(proc.resolve("environ"), "MALLOC_ARENA_MAXIMUM=2\0HOME=/root\0".getBytes(StandardCharsets.US_ASCII));
    Files.delete(proc.resolve("maps"));
    assertThat(f.arenaMaxSet()).isFalse();
    assertThat(f.arenaMax()).isNull();
    assertThat(f.allocator()).isNull();
    ProcFiles gone = new ProcFiles(dir.resolve("no-such-process"));
    assertThat(gone.rssBytes()).isNull();
    assertThat(gone.arenaMaxSet()).isNull();
  }

  @Test
  void nmtSummaryGivesCommittedBytesPerCategoryOrNullWhenTrackingIsOff() {
    String summary = """
        Native Memory Tracking:

        Total: reserved=7742838KB, committed=484694KB
               malloc: 18946KB #46855, peak=18488KB #43860

        -                 Java Heap (reserved=6172672KB, committed=393216KB)
                                    (mmap: reserved=6172672KB, committed=393216KB, at peak)

        -                     Other (reserved=262144KB, committed=262144KB)
                                    (malloc=262144KB #4) (at peak)
        """;
    assertThat(NmtSummary.parse(summary)).containsExactly(java.util.Map.entry("Java Heap", 393216L * 1024),
        java.util.Map.entry("Other", 262144L * 1024));
    assertThat(NmtSummary.parse("Native memory tracking is not enabled")).isNull();
  }
}
