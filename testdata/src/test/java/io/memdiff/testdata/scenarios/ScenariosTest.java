package io.memdiff.testdata.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.testdata.Hprof;
import io.memdiff.testdata.RecordWalkers;
import io.memdiff.testdata.ScenarioRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenario programs, run in child JVMs, write the dumps their constants describe. */
class ScenariosTest {
  private static final String PKG = "io/memdiff/testdata/scenarios/";
  private static final byte[] HEADER_1_0_2 = (Hprof.VERSION_1_0_2 + "\0").getBytes(StandardCharsets.US_ASCII);

  @TempDir Path dir;

  private static byte[] head(Path dump) throws IOException {
    try (InputStream in = Files.newInputStream(dump)) {
      return in.readNBytes(HEADER_1_0_2.length);
    }
  }

  @Test
  void knownCountsWritesOneDumpWithExactlyItsInstances() throws IOException {
    List<Path> dumps = ScenarioRunner.run(KnownCounts.class, dir.resolve("out"));
    assertThat(dumps).hasSize(1);
    assertThat(dumps.get(0).getFileName()).hasToString(KnownCounts.DUMP_FILE);
    assertThat(head(dumps.get(0))).isEqualTo(HEADER_1_0_2);
    RecordWalkers.Counts c = RecordWalkers.read(dumps.get(0));
    assertThat(c.idSize()).isEqualTo(8);
    assertThat(c.count(PKG + "KnownCounts$Widget")).isEqualTo(KnownCounts.WIDGETS);
    assertThat(c.count(PKG + "KnownCounts$Gadget")).isEqualTo(KnownCounts.GADGETS);
    assertThat(c.count(PKG + "KnownCounts$Node")).isEqualTo(KnownCounts.NODES);
    assertThat(c.count("[L" + PKG + "KnownCounts$Widget;")).isEqualTo(1);
    assertThat(c.primitiveArrays(Hprof.INT, KnownCounts.GADGET_INTS)).isGreaterThanOrEqualTo(KnownCounts.GADGETS);
  }

  @Test
  void leakyServiceWritesADumpPerPhaseWithThePublishedCounts() throws IOException {
    List<Path> dumps = ScenarioRunner.run(LeakyService.class, dir.resolve("out"));
    assertThat(dumps).hasSize(LeakyService.DEFAULT_PHASES);
    int chunksInPhase1 = 0;
    for (int phase = 1; phase <= dumps.size(); phase++) {
      Path dump = dumps.get(phase - 1);
      assertThat(dump.getFileName()).hasToString("phase" + phase + ".hprof");
      assertThat(head(dump)).isEqualTo(HEADER_1_0_2);
      RecordWalkers.Counts c = RecordWalkers.read(dump);
      String s = PKG + "LeakyService$";
      assertThat(c.count(s + "Session")).as("phase %d", phase).isEqualTo(LeakyService.sessionsAfter(phase, 1));
      assertThat(c.count(s + "Listener")).as("phase %d", phase).isEqualTo(LeakyService.listenersAfter(phase, 1));
      assertThat(c.count(s + "CacheEntry")).as("phase %d", phase).isEqualTo(LeakyService.cacheAfter(phase, 1));
      assertThat(c.count(s + "Job")).as("phase %d", phase).isEqualTo(LeakyService.jobsAfter(phase, 1));
      assertThat(c.count(s + "Config")).as("phase %d", phase).isEqualTo(LeakyService.CONFIGS);
      assertThat(c.count(s + "Worker")).as("phase %d", phase).isEqualTo(1);
      // The JDK holds a byte[4096] or so of its own: check the growth, and a floor.
      int chunks = c.primitiveArrays(Hprof.BYTE, LeakyService.BUFFER_CHUNK_BYTES);
      assertThat(chunks).as("phase %d", phase).isGreaterThanOrEqualTo(LeakyService.bufferChunksAfter(phase, 1));
      chunksInPhase1 = phase == 1 ? chunks : chunksInPhase1;
      assertThat(chunks - chunksInPhase1).as("phase %d", phase)
          .isEqualTo(LeakyService.bufferChunksAfter(phase, 1) - LeakyService.bufferChunksAfter(1, 1));
      assertThat(c.primitiveArrays(Hprof.BYTE, LeakyService.GARBAGE_ARRAY_BYTES)).as("garbage, phase %d", phase)
          .isZero();
    }
  }

  @Test
  void leakyServiceCountsScaleAndTheCacheFillsThenHolds() {
    assertThat(LeakyService.sessionsAfter(3, 2)).isEqualTo(6000);
    assertThat(new int[] {LeakyService.cacheAfter(1, 1), LeakyService.cacheAfter(2, 1), LeakyService.cacheAfter(3, 1)})
        .containsExactly(300, 500, 500);
    assertThat(new int[] {LeakyService.jobsAfter(1, 1), LeakyService.jobsAfter(2, 1), LeakyService.jobsAfter(3, 1)})
        .containsExactly(0, 800, 0);
  }

  @Test
  void aFailingScenarioReportsItsStderr() {
    assertThatThrownBy(() -> ScenarioRunner.run(LeakyService.class, dir.resolve("out"), "1", "9"))
        .isInstanceOf(IOException.class).hasMessageContaining("LeakyService failed (exit 1)")
        .hasMessageContaining("phases must be 2..5");
  }

  @Test
  void pathShapesHoldsEachShapeOnce() throws IOException {
    List<Path> dumps = ScenarioRunner.run(PathShapes.class, dir.resolve("out"));
    assertThat(dumps).hasSize(1);
    RecordWalkers.Counts c = RecordWalkers.read(dumps.get(0));
    String s = PKG + "PathShapes$";
    assertThat(c.count(s + "Entry")).isEqualTo(PathShapes.ENTRIES);
    assertThat(c.count(s + "Listener")).isEqualTo(PathShapes.LISTENERS);
    assertThat(c.count(s + "Link")).isEqualTo(PathShapes.LINKS);
    assertThat(c.count(s + "CycleNode")).isEqualTo(PathShapes.CYCLE);
    assertThat(c.count(s + "Tree")).isEqualTo(1);
    assertThat(c.count(s + "Buffer")).isEqualTo(1);
    assertThat(c.count(s + "WeakOnly")).isEqualTo(1);
    assertThat(c.count(s + "SoftOnly")).isEqualTo(1);
    assertThat(c.primitiveArrays(Hprof.LONG, PathShapes.TREE_LONGS)).isGreaterThanOrEqualTo(2);
    assertThat(PathShapes.TREE_RETAINED_BYTES_DEFAULT_LAYOUT).isEqualTo(24 + 2 * 8016);
  }

  @Test
  void jdk25RunsTheSameScenarioBuiltForRelease17() throws IOException {
    Optional<Path> jdk = ScenarioRunner.jdk25Home();
    assumeTrue(jdk.isPresent(), "no JDK 25 (set " + ScenarioRunner.JDK25_ENV + ")");
    List<Path> dumps = ScenarioRunner.run(jdk.get(), ScenarioRunner.DEFAULT_JVM_OPTIONS, KnownCounts.class,
        dir.resolve("jdk25"));
    assertThat(head(dumps.get(0))).isEqualTo(HEADER_1_0_2);
    assertThat(RecordWalkers.read(dumps.get(0)).count(PKG + "KnownCounts$Widget")).isEqualTo(KnownCounts.WIDGETS);
  }
}
