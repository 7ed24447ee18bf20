package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.KnownCounts;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken copies of a real dump: cut short anywhere, bytes flipped in headers, tags and lengths. Every
 * command must answer with exit 0 or exit 3 and one line naming the file and an offset, in bounded
 * time, never a stack trace or an internal error.
 */
class CorruptionTest {
  @TempDir static Path dir;
  static Path dump;
  static byte[] bytes;

  @BeforeAll
  static void dump() throws IOException {
    dump = ScenarioRunner.run(KnownCounts.class, dir).get(0);
    bytes = Files.readAllBytes(dump);
  }

  private static void assertCleanOutcome(Path file, String... command) {
    Cli r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> Cli.run(command));
    assertThat(r.exitCode()).as("%s on %s: %s", command[0], file, r.err()).isIn(0, 3);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("internal error");
    if (r.exitCode() == 3) {
      assertThat(r.errLines()).hasSize(1);
      assertThat(r.err()).startsWith("memdiff: " + file + ": ").contains("offset 0x");
    }
  }

  @Test
  void aDumpCutShortAnywhereIsRefusedWithItsOffset() throws IOException {
    Random random = new Random(42);
    for (int i = 0; i < 40; i++) {
      int cut = i < 5 ? new int[] {1, 18, 25, 31, 40}[i] : 31 + random.nextInt(bytes.length - 31);
      Path f = Files.write(dir.resolve("cut.hprof"), Arrays.copyOf(bytes, cut));
      Cli r = Cli.run("histo", f.toString());
      assertThat(r.exitCode()).as("cut at %d", cut).isEqualTo(3);
      assertThat(r.errLines()).hasSize(1);
      assertThat(r.err()).contains(f.toString()).contains("offset 0x");
    }
  }

  @Test
  void flippedBytesNeverCrashAnyCommand() throws IOException {
    Random random = new Random(7);
    for (int i = 0; i < 60; i++) {
      byte[] broken = bytes.clone();
      int at = i < 20 ? random.nextInt(200) : random.nextInt(broken.length);
      broken[at] = (byte) (i % 3 == 0 ? 0xFF : broken[at] ^ (1 << random.nextInt(8)));
      Path f = Files.write(dir.resolve("flip.hprof"), broken);
      assertCleanOutcome(f, "summary", f.toString());
      if (i % 4 == 0) {
        assertCleanOutcome(f, "histo", f.toString(), "--retained");
      }
    }
  }

  @Test
  void lyingLengthFieldsAreCaughtEvenWhenHuge() throws IOException {
    // Overwrite the length of every 50th top-level record with 0xFFFFFFFF or 0.
    int pos = 31;
    int record = 0;
    while (pos + 9 <= bytes.length) {
      long length = ((bytes[pos + 5] & 0xFFL) << 24) | ((bytes[pos + 6] & 0xFF) << 16) | ((bytes[pos + 7] & 0xFF) << 8)
          | (bytes[pos + 8] & 0xFF);
      if (record++ % 50 == 0) {
        byte[] broken = bytes.clone();
        Arrays.fill(broken, pos + 5, pos + 9, record % 2 == 0 ? (byte) 0xFF : 0);
        Path f = Files.write(dir.resolve("lying.hprof"), broken);
        assertCleanOutcome(f, "summary", f.toString());
      }
      pos += 9 + (int) length;
    }
  }

  @Test
  void aTruncatedGzipIsRefusedAtItsCompressedOffset() throws IOException {
    Path gz = dir.resolve("cut.hprof.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(bytes);
    }
    byte[] zipped = Files.readAllBytes(gz);
    Files.write(gz, Arrays.copyOf(zipped, zipped.length / 2));
    Cli r = Cli.run("histo", gz.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("truncated gzip stream").contains("offset 0x");
  }

  @Test
  void lenientReadsOfATruncatedDumpWarnOnceAndMarkTheJson() throws IOException {
    Path f = Files.write(dir.resolve("half.hprof"), Arrays.copyOf(bytes, bytes.length * 3 / 4));
    Cli r = Cli.run("histo", f.toString(), "--lenient", "--format", "json");
    assertThat(r.exitCode()).isZero();
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).startsWith("memdiff: warning: " + f + ": truncated file").contains("bytes lost");
    JsonNode doc = Json.MAPPER.readTree(r.out());
    assertThat(doc.get("dump").get("truncated").asBoolean()).isTrue();
    assertThat(doc.get("classes")).isNotEmpty();
  }

  @Test
  void lyingLengthsDoNotExhaustASmallHeap() throws Exception {
    // A child JVM with -Xmx256m, as a user's might be: lengths that lie must not be believed.
    int pos = 31;
    int checked = 0;
    while (pos + 9 <= bytes.length && checked < 6) {
      long length = ((bytes[pos + 5] & 0xFFL) << 24) | ((bytes[pos + 6] & 0xFF) << 16) | ((bytes[pos + 7] & 0xFF) << 8)
          | (bytes[pos + 8] & 0xFF);
      if (bytes[pos] == 0x1C) {
        byte[] broken = bytes.clone();
        Arrays.fill(broken, pos + 5, pos + 9, (byte) 0xFF);
        int at = pos + 9 + 1 + 8 + 4; // first sub-record's length or count field
        if (at + 4 < broken.length) {
          Arrays.fill(broken, at, at + 4, (byte) 0x7F);
        }
        Path f = Files.write(dir.resolve("lying-" + checked + ".hprof"), broken);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
            "-cp", System.getProperty("java.class.path"), Main.class.getName(), "summary", f.toString())
            .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isIn(0, 3);
        assertThat(output).doesNotContain("OutOfMemoryError").doesNotContain("Exception");
        checked++;
      }
      pos += 9 + (int) length;
    }
    assertThat(checked).isPositive();
  }

  @Test
  void aHeapTooSmallForTheAnalysisGivesOneLineSayingWhatToDo() throws Exception {
    // 360 k sessions' worth of objects in the last dump, analysed in a 48 MB heap.
    List<Path> dumps = ScenarioRunner.run(io.memdiff.testdata.scenarios.ServiceHeap.class, dir.resolve("service"), "40000");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
        // The heap stays the small one it is given, instead of going to a heap file.
        "-D" + HeapPlacement.PLACED + "=here", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "path", dumps.get(2).toString(),
        "--class", "io.memdiff.testdata.scenarios.ServiceHeap$Session")
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isEqualTo(4);
    assertThat(output.lines()).as(output).hasSize(1);
    assertThat(output).startsWith("memdiff: out of memory: the Java heap (").contains("MEMDIFF_EXTRA_JAVA_OPTS=-Xmx")
        .containsPattern(" [0-9,]+ objects need about [0-9]+ GB ");
  }

  @Test
  void aSummaryInAHeapTooSmallForTheIndexLeavesOutTheChecksThatNeedItAndSaysSo() throws Exception {
    // 48 MB: room for the first pass of this small dump, not for the index beside the margin it keeps.
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
        "-D" + HeapPlacement.PLACED + "=here", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "summary", "--format", "json",
        dump.toString()).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(err).isZero();
    assertThat(err.lines()).as(err).hasSize(1);
    assertThat(err).startsWith("memdiff: warning: " + dump + ": ").contains(" objects are too many to index")
        .contains("not checked");
    JsonNode summary = Json.MAPPER.readTree(out).path("summary");
    assertThat(summary.path("instances").asLong()).isGreaterThanOrEqualTo(
        KnownCounts.WIDGETS + KnownCounts.GADGETS + KnownCounts.NODES);
    assertThat(summary.path("anomalies").has("dangling_references")).isFalse();
    assertThat(summary.path("anomalies").has("truncated")).isTrue();
    // With room, the same command checks the references.
    Cli full = Cli.run("summary", "--format", "json", dump.toString());
    assertThat(full.exitCode()).isZero();
    assertThat(full.err()).isEmpty();
    JsonNode checked = Json.MAPPER.readTree(full.out()).path("summary");
    assertThat(checked.path("anomalies").path("dangling_references").isNumber()).isTrue();
    assertThat(summary.path("objects").asLong()).isEqualTo(checked.path("objects").asLong());
  }

  @Test
  void theAdviceForAHeapTooSmallFollowsTheDumpsObjectsAndTheMachine() {
    long gib = 1L << 30;
    // 10 M objects at 70 bytes each: 700 MB, so a 1 GB heap, which a 24 GiB machine has.
    assertThat(Main.outOfMemory(256L << 20, 10_000_000, 24 * gib, false))
        .contains("10,000,000 objects need about 1 GB").endsWith("MEMDIFF_EXTRA_JAVA_OPTS=-Xmx1g");
    // 662 M objects: 44 GB, more than a 24 GiB machine holds: a heap file, on a disk with room.
    assertThat(Main.outOfMemory(16L * gib, 661_796_212, 24 * gib, false))
        .contains("661,796,212 objects need about 44 GB")
        .contains("more than this machine can give (24 GB of memory)")
        .endsWith("with --memory 12GB the analysis runs in a heap mapped from a file instead, under a --tmp-dir"
            + " with 56 GB free.")
        .doesNotContain("-Xmx");
    // Already in a heap file: more room on the disk.
    assertThat(Main.outOfMemory(40L * gib, 661_796_212, 24 * gib, true))
        .contains("(40960 MB, mapped from a file under --tmp-dir)")
        .endsWith("Give --tmp-dir a disk with 56 GB free.");
    // Count unknown: the old advice, twice the heap.
    assertThat(Main.outOfMemory(4L * gib, 0, 24 * gib, false)).endsWith("MEMDIFF_EXTRA_JAVA_OPTS=-Xmx8g");
  }

  @Test
  void aDumpOfAnotherFormatIsRefused() throws IOException {
    Path phd = Files.write(dir.resolve("ibm.phd"), "portable heap dump\0\0\0\6".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    Cli r = Cli.run("summary", phd.toString());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("not an HPROF heap dump");
  }

  @Test
  void aGzipOfSeveralMembersLikeJcmdWritesIsRead() throws IOException {
    Path gz = dir.resolve("members.hprof.gz");
    try (OutputStream out = Files.newOutputStream(gz)) {
      for (int from = 0; from < bytes.length; from += 1 << 20) {
        // independent members of at most 1 MiB, as jcmd GC.heap_dump -gz writes
        java.io.ByteArrayOutputStream member = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(member)) {
          z.write(bytes, from, Math.min(1 << 20, bytes.length - from));
        }
        out.write(member.toByteArray());
      }
    }
    Cli zipped = Cli.run("histo", gz.toString());
    assertThat(zipped.exitCode()).isZero();
    assertThat(zipped.out()).isEqualTo(Cli.run("histo", dump.toString()).out().replace(dump.toString(), gz.toString()));
  }

  @Test
  void nothingIsWrittenNextToTheDump() throws IOException {
    long before;
    try (var s = Files.list(dir)) {
      before = s.count();
    }
    Path gz = dir.resolve("whole.hprof.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(bytes);
    }
    assertThat(Cli.run("histo", gz.toString(), "--top", "1").exitCode()).isZero();
    try (var s = Files.list(dir)) {
      assertThat(s.count()).isEqualTo(before + 1);
    }
  }
}
