package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.KnownCounts;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults around a dump: outputs that cannot be written, and a dump cut short while it is read. */
class FaultsTest {
  @TempDir static Path dir;
  static Path dump;

  @BeforeAll
  static void dumpOnce() throws Exception {
    dump = ScenarioRunner.run(KnownCounts.class, dir.resolve("known")).get(0);
  }

  @Test
  void aSummaryIntoAMissingDirectoryIsAWriteFailureOfOneLine() {
    Path target = dir.resolve("missing").resolve("s.json");
    Cli r = Cli.run("summarize", dump.toString(), "-o", target.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.WRITE);
    assertThat(r.errLines()).containsExactly(
        "memdiff: cannot write " + target + ": no such directory (0 bytes written; the file was left as it was)");
    assertThat(target).doesNotExist();
  }

  /** The file-size limit makes the write fail part-way, as a full disk does. */
  @Test
  void aSummaryThatCannotBeWrittenWholeLeavesTheOldFileAndNoPart() throws Exception {
    Path target = dir.resolve("kept.json");
    Files.writeString(target, "{\"earlier\": true}");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = "ulimit -f 8; exec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
        + Main.class.getName() + " summarize '" + dump + "' -o '" + target + "'";
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(ExitCodes.WRITE);
    assertThat(output.strip().lines().toList()).singleElement().asString()
        .startsWith("memdiff: cannot write " + target + ": ").contains("bytes written; the file was left as it was");
    assertThat(Files.readString(target)).isEqualTo("{\"earlier\": true}");
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(Path::getFileName).map(Path::toString)).noneMatch(n -> n.endsWith(".partial"));
    }
  }

  /** The file-size limit stands in for a full temp dir while a gzip dump is inflated. */
  @Test
  void aGzipDumpThatCannotBeInflatedIsAWriteFailureNamingTheTempDir() throws Exception {
    Path gz = dir.resolve("known.hprof.gz");
    try (java.io.OutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(dump, out);
    }
    Path scratch = Files.createDirectories(dir.resolve("scratch"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String command = "ulimit -f 8; exec '" + java + "' -cp '" + System.getProperty("java.class.path") + "' "
        + Main.class.getName() + " histo '" + gz + "' --tmp-dir '" + scratch + "'";
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(ExitCodes.WRITE);
    assertThat(output.strip().lines().toList()).singleElement().asString()
        .startsWith("memdiff: cannot inflate " + gz + " into " + scratch + ": ")
        .endsWith("bytes written; give --tmp-dir a directory with more room)");
    try (Stream<Path> left = Files.list(scratch)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void partsThatAKilledRunLeftAreRemovedByTheNextWriteOfTheSameFile() throws Exception {
    Path target = dir.resolve("again.json");
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path stale = Files.writeString(dir.resolve(".again.json." + gone.pid() + "-123.partial"), "half");
    Path live = Files.writeString(dir.resolve(".again.json." + ProcessHandle.current().pid() + "-456.partial"), "mine");
    assertThat(Cli.run("summarize", dump.toString(), "-o", target.toString()).exitCode()).isZero();
    assertThat(stale).doesNotExist();
    assertThat(live).exists(); // its writer is alive: not ours to remove
    assertThat(target).exists();
    Files.delete(live);
  }

  /**
   * A gzip dump is inflated into a temporary file whose name is deleted once it is open: killed at
   * any moment, by SIGTERM or SIGKILL, a diff leaves nothing in its temp dir.
   */
  @Test
  void aDiffOfGzipDumpsKilledAtAnyMomentLeavesNoTempFile() throws Exception {
    Path gz = dir.resolve("known.hprof.gz");
    if (!Files.exists(gz)) {
      try (var in = Files.newInputStream(dump); var out = new GZIPOutputStream(Files.newOutputStream(gz))) {
        in.transferTo(out);
      }
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    int caughtWithItsCopyOpen = 0;
    for (boolean hard : new boolean[] {false, true}) {
      // -1: as soon as the inflated copy is open, however slow the machine is today.
      for (int millis : new int[] {150, 300, 500, 800, 1200, -1}) {
        Path tmp = Files.createDirectories(dir.resolve("tmp-" + hard + "-" + millis));
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            gz.toString(), gz.toString(), "--tmp-dir", tmp.toString()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (millis >= 0) {
          Thread.sleep(millis);
        } else {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (p.isAlive() && !holdsDeletedFileIn(p.pid(), tmp) && System.nanoTime() < deadline) {
            Thread.sleep(1);
          }
        }
        if (holdsDeletedFileIn(p.pid(), tmp)) {
          caughtWithItsCopyOpen++;
        }
        if (hard) {
          p.destroyForcibly();
        } else {
          p.destroy();
        }
        p.waitFor(20, TimeUnit.SECONDS);
        try (Stream<Path> left = Files.list(tmp)) {
          assertThat(left).as("%s after %d ms", hard ? "SIGKILL" : "SIGTERM", millis).isEmpty();
        }
      }
    }
    // Not a test of nothing: some kills came while the inflated copy was open (Linux shows it in /proc).
    if (Files.isDirectory(Path.of("/proc/self/fd"))) {
      assertThat(caughtWithItsCopyOpen).isPositive();
    }
  }

  /** Whether the process has a file open that was in {@code dir} and is deleted now. */
  private static boolean holdsDeletedFileIn(long pid, Path dir) {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      return fds.anyMatch(fd -> {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          return target.startsWith(dir.toAbsolutePath().toString()) && target.endsWith("(deleted)");
        } catch (IOException e) {
          return false;
        }
      });
    } catch (IOException e) {
      return false;
    }
  }

  /** A run killed outright leaves at most a part beside the target, never a half file under its name. */
  @Test
  void aSummarizeKilledWhileWritingLeavesTheTargetAsItWas() throws Exception {
    Path target = dir.resolve("killed.json");
    Files.writeString(target, "{\"earlier\": true}");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "summarize", dump.toString(), "-o", target.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    // Kill it as soon as it has begun writing its part (or at once, if it has not got there in time).
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline && p.isAlive()) {
      try (Stream<Path> parts = Files.list(dir)) {
        if (parts.anyMatch(x -> x.getFileName().toString().startsWith(".killed.json."))) {
          break;
        }
      }
      Thread.sleep(1);
    }
    p.destroyForcibly().waitFor();
    // The target is what it was, or, when the run finished before the kill, a whole summary.
    if (!Files.readString(target).equals("{\"earlier\": true}")) {
      assertThat(io.memdiff.engine.Engine.readSummary(target).sites()).isNotEmpty();
    }
    // The next write of the same file clears what the killed run left.
    assertThat(Cli.run("summarize", dump.toString(), "-o", target.toString()).exitCode()).isZero();
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left.map(x -> x.getFileName().toString())).noneMatch(n -> n.startsWith(".killed.json."));
    }
  }

  @Test
  void aDumpCutShortWhileItIsReadIsNamedWithItsSizes() throws IOException {
    Path copy = Files.copy(dump, dir.resolve("cut.hprof"));
    long size = Files.size(copy);
    HprofFile f = HprofFile.open(copy);
    try (RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "rw")) {
      raf.setLength(100);
    }
    // The JVM's word for a mapped page whose file was cut under it.
    assertThatThrownBy(() -> DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE))
        .isInstanceOf(InternalError.class);
    assertThat(Main.vanishedPages()).isEqualTo("memdiff: " + copy.toAbsolutePath()
        + " changed while it was read: now 100 bytes, was " + size + " (is it still being written?)");
    // Closing it says so too, as a bad dump: what was read may mix two versions of the file.
    assertThatThrownBy(f::close).isInstanceOf(io.memdiff.hprof.HprofFormatException.class)
        .hasMessage("changed while it was read: now 100 bytes, was " + size + " (is it still being written?)"
            + " at offset 0x64");
    assertThat(Main.vanishedPages()).doesNotContain(copy.toString());
    Files.delete(copy);
  }

  @Test
  void aDumpOverwrittenWhileACommandReadsItFailsWithExitThree() throws IOException {
    Path copy = Files.copy(dump, dir.resolve("overwritten.hprof"));
    HprofFile f = HprofFile.open(copy);
    DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
    Files.write(copy, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(f::close).isInstanceOf(io.memdiff.hprof.HprofFormatException.class)
        .hasMessageContaining("(was it replaced, or is it still being written?) at offset 0x");
  }

  @Test
  void aTruncatedSummaryIsNamedInMemdiffsWords() throws IOException {
    Path whole = dir.resolve("whole.json");
    assertThat(Cli.run("summarize", dump.toString(), "-o", whole.toString()).exitCode()).isZero();
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.json"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Cli r = Cli.run(whole.toString(), cut.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCodes.BAD_DUMP);
    assertThat(r.errLines()).singleElement().asString().startsWith("memdiff: " + cut + ": truncated site summary")
        .doesNotContain("Exception", "VALUE_", "Feature", "REDACTED");
    Path garbage = Files.writeString(dir.resolve("garbage.json"), "{\"schema_version\": 2, \"dump\": [}");
    Cli g = Cli.run(whole.toString(), garbage.toString());
    assertThat(g.exitCode()).isEqualTo(ExitCodes.BAD_DUMP);
    assertThat(g.errLines()).singleElement().asString().startsWith("memdiff: " + garbage + ": not a memdiff site summary")
        .doesNotContain("Exception", "Feature");
  }

  @Test
  void namesFromADumpCannotBreakALineOfText() throws IOException {
    String evil = "Evil\nName\u0007|<b>";
    Path one = hostile(dir.resolve("evil1.hprof"), evil, 1);
    Path three = hostile(dir.resolve("evil3.hprof"), evil, 3);
    Cli histo = Cli.run("histo", three.toString());
    assertThat(histo.out().lines()).contains("Evil\\nName\\u0007|<b>\t3\t" + histo.out().lines()
        .filter(l -> l.startsWith("Evil")).findFirst().orElseThrow().split("\t")[2]);
    Cli diff = Cli.run(one.toString(), three.toString(), "--min-bytes", "0");
    assertThat(diff.exitCode()).isZero();
    assertThat(diff.out().lines()).allMatch(l -> l.startsWith("grew  ") || l.startsWith("    ") || l.startsWith("heap  ")
        || l.startsWith("new  ") || l.startsWith("verdict  "));
    assertThat(diff.out()).contains("grew  Evil\\nName\\u0007|<b>  +2 objects");
  }

  /** A dump of {@code count} instances of a class named {@code name}, each a JNI global root. */
  private static Path hostile(Path file, String name, int count) throws IOException {
    io.memdiff.testdata.HprofWriter w = new io.memdiff.testdata.HprofWriter(8);
    long cls = 0x100;
    w.loadClass(1, cls, 1, w.string(name));
    w.trace(1, 1);
    io.memdiff.testdata.HprofWriter.Bytes heap = w.body().classDump(cls, 0, 0, 0, new long[0][], new long[0][]);
    for (int i = 0; i < count; i++) {
      long address = 0x1000 + 0x10L * i;
      heap.instance(address, 1, cls, w.body());
      heap.rootJniGlobal(address, i + 1);
    }
    w.segment(heap);
    w.heapDumpEnd();
    return w.writeTo(file);
  }

  @Test
  void underACLocaleTheOutputIsStillUtf8() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "summarize", dump.toString(), "-o", "-");
    pb.environment().clear();
    pb.environment().put("LANG", "C");
    Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out).contains(" → ").doesNotContain(" ? ");
    assertThat(out.strip()).startsWith("{").endsWith("}");
  }

  @Test
  void theHelpListsTheWriteFailureExitCode() {
    assertThat(Cli.run("--help").out()).contains("5 an output file could not be written");
    assertThat(List.of(ExitCodes.OK, ExitCodes.THRESHOLD, ExitCodes.USAGE, ExitCodes.BAD_DUMP, ExitCodes.INTERNAL,
        ExitCodes.WRITE)).doesNotHaveDuplicates();
  }
}
