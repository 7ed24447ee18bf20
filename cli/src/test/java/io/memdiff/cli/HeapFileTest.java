package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.engine.Engine;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.ServiceHeap;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dump that needs more memory than {@code --memory} allows is analysed in a second JVM whose heap
 * is mapped from a file under {@code --tmp-dir}. Forced with a tiny budget on real dumps, every
 * command's output must be the same, byte for byte, as in memory; the heap must really be a mapping
 * of a file in that directory, whose name is gone while it is in use, so no end of the process leaves
 * it behind.
 */
class HeapFileTest {
  @TempDir static Path dir;
  static List<Path> dumps;

  @BeforeAll
  static void dumps() throws Exception {
    dumps = ScenarioRunner.run(ServiceHeap.class, dir.resolve("dumps"), "20000");
  }

  @Test
  void theDiffPathAndRetainedHistogramAreTheSameFromAHeapFile() throws Exception {
    Path tmp = onDisk();
    List<String> diff = new ArrayList<>();
    dumps.forEach(d -> diff.add(d.toString()));
    diff.addAll(List.of("--format", "json"));
    String last = dumps.get(2).toString();
    for (List<String> args : List.of(diff, List.of("histo", last, "--retained", "--top", "40"),
        List.of("path", last, "--class", "java.lang.String", "--fold", "--format", "json"))) {
      Run inMemory = memdiff(args, null);
      Run inFile = memdiff(args, tmp);
      assertThat(inMemory.code()).as("%s: %s", args, inMemory.err()).isIn(0, 1);
      assertThat(inMemory.err()).doesNotContain("heap mapped from a file");
      assertThat(inFile.err()).contains("it runs in a heap mapped from a file under " + tmp);
      assertThat(inFile.code()).isEqualTo(inMemory.code());
      assertThat(inFile.out()).isNotEmpty().isEqualTo(inMemory.out());
      try (Stream<Path> left = Files.list(tmp)) {
        assertThat(left).as("what the run left in --tmp-dir").isEmpty();
      }
    }
  }

  @Test
  void theSecondJvmsHeapIsAFileInTmpDirWhoseNameIsAlreadyGone() throws Exception {
    Path tmp = onDisk();
    List<String> command = javaCommand(List.of(dumps.get(0).toString(), dumps.get(2).toString(), "--memory", "1MiB",
        "--tmp-dir", tmp.toString()));
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String heapMapping = null;
    List<String> namesSeen = new ArrayList<>();
    while (p.isAlive() && heapMapping == null) {
      for (ProcessHandle child : p.descendants().toList()) {
        Optional<String> line = mappingUnder(child.pid(), tmp);
        if (line.isPresent()) {
          heapMapping = line.get();
          try (Stream<Path> names = Files.list(tmp)) {
            names.forEach(n -> namesSeen.add(n.toString()));
          }
        }
      }
      Thread.sleep(5);
    }
    assertThat(p.waitFor()).isIn(0, 1);
    assertThat(heapMapping).as("a mapping of a file under --tmp-dir in the second JVM").isNotNull();
    assertThat(heapMapping).contains("(deleted)");
    assertThat(namesSeen).as("names in --tmp-dir while the heap file was mapped").isEmpty();
  }

  @Test
  void endingTheFirstJvmEndsTheSecond() throws Exception {
    Path tmp = onDisk();
    List<String> command = javaCommand(List.of("summarize", dumps.get(2).toString(), "-o",
        dir.resolve("ended.json").toString(), "--memory", "1MiB", "--tmp-dir", tmp.toString()));
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(dir.resolve("ended.err").toFile()).start();
    ProcessHandle second = null;
    while (p.isAlive() && second == null) {
      second = p.descendants().filter(h -> mappingUnder(h.pid(), tmp).isPresent()).findFirst().orElse(null);
      Thread.sleep(5);
    }
    assertThat(second).as("the second JVM; stderr: %s", Files.readString(dir.resolve("ended.err"))).isNotNull();
    // Held still until the first is gone, so that it cannot finish its small summary meanwhile: the
    // signal the first sends it waits, and ends it as soon as it runs again.
    assertThat(signal("-STOP", second.pid())).isZero();
    p.destroy();
    p.waitFor();
    // Not checked: caught before the JVM has its SIGTERM handler, the second is ended at once, stopped
    // or not, and is gone before this.
    signal("-CONT", second.pid());
    ProcessHandle ended = second;
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (ended.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(ended.isAlive()).as("the second JVM after the first was ended").isFalse();
    // Ended, not finished: it was stopped at its start, long before it could write its summary.
    assertThat(dir.resolve("ended.json")).doesNotExist();
  }

  private static int signal(String signal, long pid) throws Exception {
    return new ProcessBuilder("kill", signal, Long.toString(pid)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  @Test
  void aHeapLargerThanTheMachineReadsTheNextDumpOnlyAfterTheLastOnesAnalysis() throws Exception {
    long machine = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
    List<String> args = new ArrayList<>();
    dumps.forEach(d -> args.add(d.toString()));
    args.addAll(List.of("--format", "json", "--progress"));
    List<String> command = javaCommand(args);
    // A heap of twice the machine's memory, which only a heap file could back; the JVM reserves it unused.
    command.addAll(command.indexOf("-cp"), List.of("-Xmx" + (2 * machine >> 20) + "m", "-D" + HeapPlacement.PLACED + "=here"));
    Run large = run(command);
    Run usual = memdiff(args.subList(0, args.size() - 1), null);
    assertThat(large.code()).as(large.err()).isEqualTo(usual.code());
    assertThat(large.out()).isNotEmpty().isEqualTo(usual.out());
    for (int k = 1; k < dumps.size(); k++) {
      int summarized = large.err().indexOf("[" + k + "/3] summarizing sites of " + dumps.get(k - 1));
      int read = large.err().indexOf("[" + (k + 1) + "/3] reading " + dumps.get(k));
      assertThat(summarized).as(large.err()).isPositive();
      assertThat(read).as("dump %d read after dump %d's analysis: %s", k + 1, k, large.err()).isGreaterThan(summarized);
    }
  }

  @Test
  void aDumpThatFitsTheBudgetIsAnalysedInThisJvm() {
    long need = Engine.heapNeed(dumps.get(2));
    assertThat(HeapPlacement.plan(need, need, need, 0).where()).isEqualTo(HeapPlacement.Where.HERE);
    assertThat(HeapPlacement.plan(need, 4 * need, 2 * need, 0).where()).isEqualTo(HeapPlacement.Where.HERE);
  }

  @Test
  void aBudgetAboveThisHeapRunsASecondJvmWithThatHeap() {
    HeapPlacement.Plan plan = HeapPlacement.plan(3L << 30, 4L << 30, 2L << 30, 0);
    assertThat(plan.where()).isEqualTo(HeapPlacement.Where.LARGER_HEAP);
    assertThat(plan.heapBytes()).isEqualTo(4L << 30);
  }

  @Test
  void aHeapFileIsSizedAboveTheGuessAndWithinTheDiskLeavingRoom() {
    long gb = 1L << 30;
    HeapPlacement.Plan roomy = HeapPlacement.plan(8 * gb, 4 * gb, 4 * gb, 100 * gb);
    assertThat(roomy.where()).isEqualTo(HeapPlacement.Where.FILE);
    assertThat(roomy.heapBytes()).isEqualTo(16 * gb);
    HeapPlacement.Plan tight = HeapPlacement.plan(8 * gb, 4 * gb, 4 * gb, 7 * gb);
    assertThat(tight.heapBytes()).isLessThanOrEqualTo(7 * gb - (3 * gb / 2)).isGreaterThanOrEqualTo(4 * gb);
    assertThatThrownBy(() -> HeapPlacement.plan(8 * gb, 4 * gb, 4 * gb, 3 * gb))
        .isInstanceOf(UsageException.class).hasMessageContaining("--tmp-dir has 3.0 GiB free");
  }

  @Test
  void theGuessedHeapIsEnoughForTheDiff() throws Exception {
    long need = 0;
    for (Path d : dumps) {
      need = Math.max(need, Engine.heapNeed(d));
    }
    List<String> args = new ArrayList<>();
    dumps.forEach(d -> args.add(d.toString()));
    args.addAll(List.of("--format", "json"));
    List<String> command = javaCommand(args);
    command.add(command.indexOf("-cp"), "-Xmx" + (need >> 20) + "m");
    Run r = run(command);
    assertThat(r.code()).as("the diff with a heap of the guess (%d MB): %s", need >> 20, r.err()).isIn(0, 1);
    assertThat(r.err()).doesNotContain("heap mapped from a file");
  }

  @Test
  void aTmpDirInMemoryIsRefusedForTheHeapFile() throws IOException {
    Path shm = Path.of("/dev/shm");
    assumeTrue(Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"), "no tmpfs at /dev/shm");
    Cli r = Cli.run("path", dumps.get(0).toString(), "--class", "java.lang.String", "--memory", "1MiB",
        "--tmp-dir", shm.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains("--tmp-dir /dev/shm is in memory (tmpfs)");
  }

  @Test
  void aTmpDirThatIsNoDirectoryIsAUsageErrorBeforeAnyHeapFile() {
    Path missing = dir.resolve("no-such-dir");
    Cli r = Cli.run("path", dumps.get(0).toString(), "--class", "java.lang.String", "--memory", "1MiB",
        "--tmp-dir", missing.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.errLines()).containsExactly("memdiff: --tmp-dir " + missing + " is not a directory");
  }

  @Test
  void aBudgetBelowOneMebibyteIsAUsageError() {
    Cli r = Cli.run("path", dumps.get(0).toString(), "--class", "java.lang.String", "--memory", "1000");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--memory must be at least 1MiB");
  }

  @Test
  void theSecondJvmKeepsThisOnesOptionsButTheHeapsAndTheArchivesAndRunsTheSameArguments() {
    HeapPlacement.Plan plan = new HeapPlacement.Plan(HeapPlacement.Where.FILE, 5L << 30, 6L << 30);
    List<String> command = HeapPlacement.command(plan, Path.of("/var/tmp"), new String[] {"a.hprof", "--top", "3"});
    assertThat(command).contains("-Xmx6144m", "-XX:AllocateHeapAt=/var/tmp", "-Dmemdiff.heapPlaced=file",
        Main.class.getName());
    assertThat(command.subList(command.size() - 3, command.size())).containsExactly("a.hprof", "--top", "3");
    assertThat(command).noneMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit") || o.startsWith("-agentlib:jdwp"));
    assertThat(command.stream().filter(o -> o.startsWith("-Xmx"))).containsExactly("-Xmx6144m");
    // A heap file's heap is committed whole; a larger heap in memory grows as it is used.
    assertThat(command.stream().filter(o -> o.startsWith("-Xms"))).containsExactly("-Xms6144m");
    List<String> larger = HeapPlacement.command(new HeapPlacement.Plan(HeapPlacement.Where.LARGER_HEAP, 5L << 30,
        6L << 30), Path.of("/var/tmp"), new String[] {"a.hprof"});
    assertThat(larger).contains("-Xmx6144m").noneMatch(o -> o.startsWith("-Xms") || o.startsWith("-XX:AllocateHeapAt"));
  }

  private static Optional<String> mappingUnder(long pid, Path tmp) {
    try (Stream<String> maps = Files.lines(Path.of("/proc", Long.toString(pid), "maps"))) {
      return maps.filter(l -> l.contains(" " + tmp + "/")).findFirst();
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  record Run(int code, String out, String err) {}

  /** memdiff in a JVM of its own, with a budget that forces the heap file when {@code tmp} is given. */
  private static Run memdiff(List<String> args, Path tmp) throws Exception {
    List<String> all = new ArrayList<>(args);
    if (tmp != null) {
      all.addAll(List.of("--memory", "1MiB", "--tmp-dir", tmp.toString()));
    }
    return run(javaCommand(all));
  }

  private static List<String> javaCommand(List<String> args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(args);
    return command;
  }

  private static Run run(List<String> command) throws Exception {
    Path errFile = Files.createTempFile(dir, "stderr", ".txt");
    Process p = new ProcessBuilder(command).redirectError(errFile.toFile()).start();
    byte[] out = p.getInputStream().readAllBytes();
    int code = p.waitFor();
    return new Run(code, new String(out, StandardCharsets.UTF_8), Files.readString(errFile));
  }

  /** A directory on disk (the build's), since the system's temp dir may be in memory, where no heap file goes. */
  private static Path onDisk() throws IOException {
    Path target = Path.of("target");
    Files.createDirectories(target);
    return Files.createTempDirectory(target.toAbsolutePath(), "heap-file");
  }
}
