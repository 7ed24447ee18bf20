package io.memdiff.testdata.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.testdata.Hprof;
import io.memdiff.testdata.RecordWalkers;
import io.memdiff.testdata.ScenarioRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PoolService, VirtualThreadService, LoaderLeakService and CaffeineService, run in child JVMs, write one
 * small dump per phase holding the counts their public methods publish.
 */
class NewScenariosTest {
  private static final String PKG = "io/memdiff/testdata/scenarios/";
  /** What every scenario promises about the size of each dump. */
  private static final long MAX_DUMP_BYTES = 40L << 20;

  @TempDir Path dir;

  private static void assertDumps(List<Path> dumps, int phases, IntFunction<String> dumpFile) throws IOException {
    assertThat(dumps).hasSize(phases);
    for (int phase = 1; phase <= phases; phase++) {
      Path dump = dumps.get(phase - 1);
      assertThat(dump.getFileName()).hasToString(dumpFile.apply(phase));
      assertThat(Files.size(dump)).as("%s", dump).isPositive().isLessThan(MAX_DUMP_BYTES);
    }
  }

  @Test
  void poolServiceDumpsEachPhaseWithItsLeaksAndNoGarbage() throws IOException {
    List<Path> dumps = ScenarioRunner.run(PoolService.class, dir.resolve("out"));
    assertDumps(dumps, PoolService.DEFAULT_PHASES, PoolService::dumpFile);
    String s = PKG + "PoolService$";
    RecordWalkers.Counts first = RecordWalkers.read(dumps.get(0));
    for (int phase = 1; phase <= dumps.size(); phase++) {
      RecordWalkers.Counts c = phase == 1 ? first : RecordWalkers.read(dumps.get(phase - 1));
      assertThat(c.count(s + "Order")).as("phase %d", phase).isEqualTo(PoolService.ordersAfter(phase));
      assertThat(c.count(s + "Cached")).as("phase %d", phase).isEqualTo(PoolService.cacheSizeAfter(phase));
      assertThat(c.count(s + "Growing")).as("phase %d", phase).isEqualTo(1);
      assertThat(c.primitiveArrays(Hprof.BYTE, PoolService.growingBytesAfter(phase))).as("phase %d", phase)
          .isEqualTo(1);
      assertThat(c.primitiveArrays(Hprof.BYTE, PoolService.CHUNK_BYTES)).as("phase %d", phase)
          .isEqualTo(PoolService.chunksAfter(phase));
      assertThat(c.primitiveArrays(Hprof.BYTE, PoolService.GARBAGE_ARRAY_BYTES)).as("garbage, phase %d", phase)
          .isZero();
      // The JDK holds Longs, byte[211] and direct buffers of its own: check the growth.
      assertThat(c.count("java/lang/Long") - first.count("java/lang/Long")).as("phase %d", phase)
          .isEqualTo(PoolService.historyLongsAfter(phase) - PoolService.historyLongsAfter(1));
      assertThat(c.primitiveArrays(Hprof.BYTE, PoolService.ORDER_BYTES)
          - first.primitiveArrays(Hprof.BYTE, PoolService.ORDER_BYTES)).as("phase %d", phase)
          .isEqualTo(PoolService.ordersAfter(phase) - PoolService.ordersAfter(1));
      assertThat(c.count("java/nio/DirectByteBuffer") - first.count("java/nio/DirectByteBuffer"))
          .as("phase %d", phase)
          .isEqualTo(PoolService.directBuffersAfter(phase) - PoolService.directBuffersAfter(1));
    }
    assertThat(first.count("java/nio/DirectByteBuffer"))
        .isGreaterThanOrEqualTo(PoolService.directBuffersAfter(1) + PoolService.DIRECT_SLICES);
  }

  @Test
  void poolServiceTakesTheNumberOfPhases() throws IOException {
    List<Path> dumps = ScenarioRunner.run(PoolService.class, dir.resolve("out"), "2");
    assertDumps(dumps, 2, PoolService::dumpFile);
    assertThatThrownBy(() -> ScenarioRunner.run(PoolService.class, dir.resolve("bad"), "6"))
        .isInstanceOf(IOException.class).hasMessageContaining("phases must be 2..5");
  }

  @Test
  void poolServiceCountsFollowThePhases() {
    assertThat(new int[] {PoolService.cacheSizeAfter(1), PoolService.cacheSizeAfter(2), PoolService.cacheSizeAfter(3)})
        .containsExactly(PoolService.CACHE_CAPACITY / 2, PoolService.CACHE_CAPACITY, PoolService.CACHE_CAPACITY);
    assertThat(PoolService.chunksAfter(3)).isEqualTo(6 * 3 * PoolService.CHUNKS_PER_WORKER_PER_PHASE);
    assertThat(PoolService.historyLongsAfter(2)).isEqualTo(2 * 100 * 50);
  }

  @Test
  void loaderLeakServiceKeepsEveryLoaderItsClassAndItsPlugin() throws IOException {
    List<Path> dumps = ScenarioRunner.run(LoaderLeakService.class, dir.resolve("out"));
    assertDumps(dumps, LoaderLeakService.PHASES, LoaderLeakService::dumpFile);
    String s = PKG + "LoaderLeakService$";
    for (int phase = 1; phase <= dumps.size(); phase++) {
      RecordWalkers.Counts c = RecordWalkers.read(dumps.get(phase - 1));
      assertThat(c.count(s + "PluginLoader")).as("phase %d", phase).isEqualTo(LoaderLeakService.loadersAfter(phase));
      assertThat(c.count(s + "Plugin")).as("phase %d", phase).isEqualTo(LoaderLeakService.pluginsAfter(phase));
      assertThat(c.primitiveArrays(Hprof.BYTE, LoaderLeakService.PLUGIN_BYTES)).as("phase %d", phase)
          .isEqualTo(LoaderLeakService.pluginsAfter(phase));
      // One static table per defined class.
      assertThat(c.primitiveArrays(Hprof.LONG, LoaderLeakService.PLUGIN_STATIC_LONGS)).as("phase %d", phase)
          .isEqualTo(LoaderLeakService.loadersAfter(phase));
    }
  }

  @Test
  void caffeineServiceHoldsExactlyTheBoundedSize() throws IOException {
    List<Path> dumps = ScenarioRunner.run(CaffeineService.class, dir.resolve("out"));
    assertDumps(dumps, CaffeineService.PHASES, CaffeineService::dumpFile);
    for (int phase = 1; phase <= dumps.size(); phase++) {
      RecordWalkers.Counts c = RecordWalkers.read(dumps.get(phase - 1));
      assertThat(c.count(PKG + "CaffeineService$Value")).as("phase %d", phase)
          .isEqualTo(CaffeineService.sizeAfter(phase));
    }
  }

  @Test
  void virtualThreadServiceNamesTheJdkItNeeds() {
    assumeTrue(Runtime.version().feature() < 21, "this JDK has virtual threads");
    assertThatThrownBy(() -> ScenarioRunner.run(VirtualThreadService.class, dir.resolve("out")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("exit " + VirtualThreadService.EXIT_NO_VIRTUAL_THREADS)
        .hasMessageContaining("needs virtual threads (JDK 21 or later)");
  }

  @Test
  void virtualThreadServiceOnJdk25KeepsOneRequestPerParkedThread() throws IOException {
    Optional<Path> jdk = ScenarioRunner.jdk25Home();
    assumeTrue(jdk.isPresent(), "no JDK 25 (set " + ScenarioRunner.JDK25_ENV + ")");
    List<Path> dumps = ScenarioRunner.run(jdk.get(), List.of("-Xmx512m"), VirtualThreadService.class,
        dir.resolve("out"));
    assertDumps(dumps, VirtualThreadService.PHASES, VirtualThreadService::dumpFile);
    for (int phase = 1; phase <= dumps.size(); phase++) {
      RecordWalkers.Counts c = RecordWalkers.read(dumps.get(phase - 1));
      assertThat(c.count(PKG + "VirtualThreadService$RequestState")).as("phase %d", phase)
          .isEqualTo(VirtualThreadService.requestsAfter(phase));
      assertThat(c.primitiveArrays(Hprof.BYTE, VirtualThreadService.REQUEST_BYTES)).as("phase %d", phase)
          .isGreaterThanOrEqualTo(VirtualThreadService.requestsAfter(phase));
      assertThat(c.count("java/lang/VirtualThread")).as("phase %d", phase)
          .isGreaterThanOrEqualTo(VirtualThreadService.requestsAfter(phase));
    }
  }
}
