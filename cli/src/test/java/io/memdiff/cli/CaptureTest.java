package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LiveService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code memdiff capture} against real JVMs the test starts, and what it refuses. */
class CaptureTest {
  @TempDir Path dir;

  /** Runs {@code memdiff capture PID args…} on a LiveService started for it, then stops the service. */
  private static Cli captureLive(Path javaHome, String... args) throws Exception {
    Process live = LiveServices.start(javaHome);
    try {
      String[] all = new String[args.length + 2];
      all[0] = "capture";
      all[1] = Long.toString(live.pid());
      System.arraycopy(args, 0, all, 2, args.length);
      return Cli.run(all);
    } finally {
      LiveServices.stop(live);
    }
  }

  @Test
  void capturesThreeDumpsWithRecordingsAndTheDiffFindsBothLeaksOnJdk17() throws Exception {
    captureAndDiff(ScenarioRunner.currentJavaHome());
  }

  @Test
  void capturesAJdk25Jvm() throws Exception {
    Optional<Path> jdk25 = ScenarioRunner.jdk25Home();
    assumeTrue(jdk25.isPresent(), "no JDK 25 on this machine");
    captureAndDiff(jdk25.get());
  }

  private void captureAndDiff(Path javaHome) throws Exception {
    Path out = dir.resolve("capture");
    Cli c = captureLive(javaHome, "--count", "3", "--interval", "1", "--out", out.toString());
    assertThat(c.exitCode()).as(c.err()).isZero();
    assertThat(c.errLines()).hasSize(3).allMatch(l -> l.matches("memdiff: capture [123] of 3: .*\\.hprof .*\\.jfr .*, [123]\\.proc\\.json"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("1.hprof", "1.jfr", "1.proc.json", "2.hprof", "2.jfr", "2.proc.json", "3.hprof", "3.jfr",
              "3.proc.json");
    }
    for (String name : List.of("1.hprof", "3.jfr", "2.proc.json")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(name)))).isEqualTo("rw-------");
    }
    // The recording samples old objects with their allocation stacks (settings 'profile').
    List<RecordedEvent> samples = new ArrayList<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(out.resolve("3.jfr"))) {
      if (e.getEventType().getName().equals("jdk.OldObjectSample")) {
        samples.add(e);
      }
    }
    assertThat(samples).isNotEmpty();
    assertThat(samples).anyMatch(e -> e.getStackTrace() != null && !e.getStackTrace().getFrames().isEmpty());

    Cli diff = Cli.run(out.resolve("1.hprof").toString(), out.resolve("2.hprof").toString(),
        out.resolve("3.hprof").toString(), "--format", "json");
    assertThat(diff.exitCode()).as(diff.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(diff.out());
    JsonNode orders = finding(report, LiveService.class.getName() + "$Order");
    JsonNode audits = finding(report, LiveService.class.getName() + "$Audit");
    assertThat(orders.get("shape").asText()).isEqualTo("leak");
    // The list is a static's, whether or not the service's thread held it in a local at a dump.
    assertThat(orders.get("owner").asText()).isEqualTo("static " + LiveService.class.getName() + ".ORDERS");
    assertThat(audits.get("shape").asText()).isEqualTo("leak");
    // The service adds ORDERS_PER_BATCH orders and AUDITS_PER_BATCH audits per batch: in every dump
    // the two counts keep that ratio, within the one batch a dump may catch half done.
    for (int k = 0; k < 3; k++) {
      long o = orders.get("counts").get(k).asLong();
      long a = audits.get("counts").get(k).asLong();
      assertThat(Math.abs(o * LiveService.AUDITS_PER_BATCH - a * LiveService.ORDERS_PER_BATCH))
          .as("dump %d: %d orders, %d audits", k + 1, o, a)
          .isLessThanOrEqualTo((long) LiveService.ORDERS_PER_BATCH * LiveService.AUDITS_PER_BATCH);
      if (k > 0) {
        assertThat(o).isGreaterThan(orders.get("counts").get(k - 1).asLong());
      }
    }
    // Every byte once: the findings' bytes are about what the heap grew by, never a multiple of it
    // (a live JVM's other parts, its RMI connection say, may shrink meanwhile by a few kilobytes).
    long findingBytes = 0;
    for (JsonNode f : report.get("findings")) {
      findingBytes += f.get("growth_bytes").asLong();
    }
    long heapGrowth = report.get("heap").get("growth_bytes").asLong();
    assertThat(findingBytes).isLessThanOrEqualTo(heapGrowth + heapGrowth / 50);
    // The recordings beside the dumps join their samples to the leaks' sites: each names the method
    // and line of the service's source that allocates its objects.
    assertThat(topFrame(orders)).isEqualTo(frameAt("takeOrders", "ORDERS.add(new Order("));
    assertThat(topFrame(audits)).isEqualTo(frameAt("audit", "AUDITS.put(seq, new Audit(seq))"));
    assertThat(diff.err()).doesNotContain("old-object samples");
    // --by allocation: a row per allocating frame; the audits' arrays are one, and leak.
    Cli byFrame = Cli.run(out.resolve("1.hprof").toString(), out.resolve("2.hprof").toString(),
        out.resolve("3.hprof").toString(), "--by", "allocation", "--format", "json");
    assertThat(byFrame.exitCode()).as(byFrame.err()).isZero();
    String auditArrays = frameAt("Audit.<init>", "final char[] note = new char[64];")
        .replace(LiveService.class.getName() + ".Audit", LiveService.class.getName() + "$Audit");
    assertThat(finding(new ObjectMapper().readTree(byFrame.out()), auditArrays).get("shape").asText()).isEqualTo("leak");
    // --jfr names the recordings when they are not beside their dumps.
    Path apart = Files.createDirectories(dir.resolve("apart"));
    String[] withJfr = new String[9];
    for (int k = 1; k <= 3; k++) {
      withJfr[k - 1] = Files.copy(out.resolve(k + ".hprof"), apart.resolve(k + ".hprof")).toString();
      withJfr[1 + 2 * k] = "--jfr";
      withJfr[2 + 2 * k] = out.resolve(k + ".jfr").toString();
    }
    String[] json = Arrays.copyOf(withJfr, 11);
    json[9] = "--format";
    json[10] = "json";
    Cli named = Cli.run(json);
    assertThat(named.exitCode()).as(named.err()).isZero();
    assertThat(topFrame(finding(new ObjectMapper().readTree(named.out()), LiveService.class.getName() + "$Order")))
        .isEqualTo(frameAt("takeOrders", "ORDERS.add(new Order("));
    // The same recordings beside dumps of another program join nothing, and say so.
    Path other = Files.createDirectories(dir.resolve("other"));
    String[] args = new String[3];
    for (int k = 1; k <= 3; k++) {
      args[k - 1] = GoldenDumps.write(k, other.resolve(k + ".hprof")).toString();
    }
    Cli alone = Cli.run(args);
    for (int k = 1; k <= 3; k++) {
      Files.copy(out.resolve(k + ".jfr"), other.resolve(k + ".jfr"));
    }
    Cli joined = Cli.run(args);
    assertThat(joined.exitCode()).isZero();
    assertThat(joined.out()).isEqualTo(alone.out());
    assertThat(joined.errLines()).hasSize(3)
        .allMatch(l -> l.matches("memdiff: warning: [123]\\.jfr: none of its \\d+ old-object samples is an object of .*"));
    // path reads the recording beside its dump too: the sampler favours the biggest objects, the
    // audits' char arrays, allocated by Audit's constructor.
    Cli path = Cli.run("path", out.resolve("3.hprof").toString(), "--class", "char[]", "--format", "json");
    assertThat(path.exitCode()).as(path.err()).isZero();
    JsonNode stacks = new ObjectMapper().readTree(path.out()).get("allocation_stacks");
    assertThat(stacks).isNotNull();
    assertThat(topFrameOf(stacks)).isEqualTo(frameAt("Audit.<init>", "final char[] note = new char[64];")
        .replace(LiveService.class.getName() + ".Audit", LiveService.class.getName() + "$Audit"));
  }

  /**
   * The first frame outside the JDK of the most sampled stack: what the text line says the objects
   * were allocated at (a leak's list grows its backing array in the JDK, called from the same line).
   */
  private static String topFrame(JsonNode finding) {
    JsonNode stacks = finding.get("allocation_stacks");
    assertThat(stacks).as("allocation stacks of %s", finding.get("class")).isNotNull();
    return topFrameOf(stacks);
  }

  private static String topFrameOf(JsonNode stacks) {
    for (JsonNode frame : stacks.get(0).get("frames")) {
      String f = frame.asText();
      if (!f.startsWith("java.") && !f.startsWith("jdk.") && !f.startsWith("sun.")) {
        return f;
      }
    }
    throw new AssertionError("no frame outside the JDK in " + stacks.get(0));
  }

  /** The frame of the line of LiveService's source that holds {@code code}, read from the source itself. */
  private static String frameAt(String method, String code) throws IOException {
    List<String> lines = Files.readAllLines(
        Path.of("../testdata/src/main/java/io/memdiff/testdata/scenarios/LiveService.java"));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(code)) {
        return LiveService.class.getName() + "." + method + "(LiveService.java:" + (i + 1) + ")";
      }
    }
    throw new AssertionError("no line with " + code);
  }

  private static JsonNode finding(JsonNode report, String className) {
    for (JsonNode f : report.get("findings")) {
      if (f.get("class").asText().equals(className)) {
        return f;
      }
    }
    throw new AssertionError("no finding for " + className + " in " + report.get("findings"));
  }

  @Test
  void compressesWithGzAndTheDumpReads() throws Exception {
    Path out = dir.resolve("gz");
    Cli c = captureLive(ScenarioRunner.currentJavaHome(), "--count", "1", "--gz", "--no-jfr", "--out", out.toString());
    assertThat(c.exitCode()).as(c.err()).isZero();
    try (Stream<Path> files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted()).containsExactly("1.hprof.gz", "1.proc.json");
    }
    Cli histo = Cli.run("histo", out.resolve("1.hprof.gz").toString(), "--include", LiveService.class.getName() + "*");
    assertThat(histo.exitCode()).as(histo.err()).isZero();
    assertThat(histo.out()).contains(LiveService.class.getName() + "$Order");
  }

  /** A JVM that cannot record (JDK 17 still takes -XX:-FlightRecorder): one line, and --no-jfr captures it. */
  @Test
  void aJvmWithoutFlightRecorderIsOneLineAndNoJfrStillCaptures() throws Exception {
    Process live = LiveServices.start(ScenarioRunner.currentJavaHome(), "-XX:-FlightRecorder");
    try {
      Cli c = Cli.run("capture", Long.toString(live.pid()), "--count", "1", "--out", dir.resolve("a").toString());
      assertThat(c.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(c.errLines()).singleElement().asString()
          .startsWith("memdiff: PID " + live.pid() + " did not start a JFR recording").endsWith("with --no-jfr");
      Cli alone = Cli.run("capture", Long.toString(live.pid()), "--count", "1", "--no-jfr", "--out",
          dir.resolve("b").toString());
      assertThat(alone.exitCode()).as(alone.err()).isZero();
      assertThat(dir.resolve("b").resolve("1.hprof")).isRegularFile();
    } finally {
      LiveServices.stop(live);
    }
  }

  @Test
  void aProcessThatIsNoJvmIsNeitherAttachedToNorHarmed() throws Exception {
    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      Cli c = Cli.run("capture", Long.toString(sleep.pid()), "--count", "1", "--out", dir.resolve("x").toString());
      assertThat(c.exitCode()).isEqualTo(ExitCodes.USAGE);
      assertThat(c.errLines()).singleElement().asString()
          .startsWith("memdiff: PID " + sleep.pid() + " is not a Java virtual machine");
      Thread.sleep(200);
      assertThat(sleep.isAlive()).isTrue();
    } finally {
      sleep.destroyForcibly();
    }
  }

  @Test
  void aPidWithNoProcessIsAUsageError() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Cli c = Cli.run("capture", Long.toString(gone.pid()), "--out", dir.resolve("y").toString());
    assertThat(c.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(c.errLines()).singleElement().asString().isEqualTo("memdiff: no process with PID " + gone.pid() + " on this machine");
  }

  @Test
  void anEarlierCaptureIsNeverOverwritten() throws Exception {
    Path out = Files.createDirectories(dir.resolve("earlier"));
    Files.writeString(out.resolve("2.jfr"), "earlier");
    Cli c = Cli.run("capture", Long.toString(ProcessHandle.current().pid()), "--out", out.toString());
    assertThat(c.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(c.errLines()).singleElement().asString().contains("already holds 2.jfr");
    assertThat(Files.readString(out.resolve("2.jfr"))).isEqualTo("earlier");
  }

  /**
   * A full disk: the dump fails in the JVM, capture exits with the write code and one line, and
   * leaves neither a partial file nor a final name behind. Needs a small tmpfs, so root.
   */
  @Test
  void aFullDiskIsTheWriteExitCodeAndLeavesNothingBehind() throws Exception {
    Path mount = Files.createDirectories(dir.resolve("small"));
    assumeTrue(mount(mount), "cannot mount a small tmpfs here (not root?)");
    Process live = LiveServices.start(ScenarioRunner.currentJavaHome());
    try {
      Path out = mount.resolve("dumps");
      Cli c = Cli.run("capture", Long.toString(live.pid()), "--count", "1", "--no-jfr", "--out", out.toString());
      assertThat(c.exitCode()).isEqualTo(ExitCodes.WRITE);
      assertThat(c.errLines()).singleElement().asString()
          .startsWith("memdiff: cannot write " + out.toAbsolutePath().resolve("1.hprof"));
      try (Stream<Path> files = Files.list(out)) {
        assertThat(files).isEmpty();
      }
    } finally {
      LiveServices.stop(live);
      new ProcessBuilder("umount", mount.toString()).start().waitFor();
    }
  }

  private static boolean mount(Path at) throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      return false;
    }
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", at.toString())
        .redirectErrorStream(true).start();
    return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  @Test
  void optionsThatMakeNoSenseAreUsageErrorsBeforeAnyAttach() throws IOException {
    String self = Long.toString(ProcessHandle.current().pid());
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    String[][] cases = {
        {"capture", self, "--count", "0", "--out", dir.resolve("c").toString()},
        {"capture", self, "--interval", "-1", "--out", dir.resolve("c").toString()},
        {"capture", self, "--out", file.toString()},
    };
    String[] said = {"--count must be at least 1", "--interval must not be negative", "is not a directory"};
    for (int k = 0; k < cases.length; k++) {
      Cli c = Cli.run(cases[k]);
      assertThat(c.exitCode()).as(String.join(" ", cases[k])).isEqualTo(ExitCodes.USAGE);
      assertThat(c.errLines()).singleElement().asString().contains(said[k]);
    }
    assertThat(dir.resolve("c")).doesNotExist();
  }
}
