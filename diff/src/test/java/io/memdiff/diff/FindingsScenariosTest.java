package io.memdiff.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.CaffeineService;
import io.memdiff.testdata.scenarios.LateLeak;
import io.memdiff.testdata.scenarios.LoaderLeakService;
import io.memdiff.testdata.scenarios.PoolService;
import io.memdiff.testdata.scenarios.VirtualThreadService;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Findings on services that leak the ways #18 lists: a pool's ThreadLocals, a registry, JDK classes
 * under a user static, a growing array, direct buffers, a bounded cache, virtual threads, class
 * loaders. Each leak must be exactly one finding whose numbers match what the scenario made.
 */
class FindingsScenariosTest {
  private static final String P = PoolService.class.getName();
  private static final JvmLayout L = JvmLayout.COMPRESSED;
  private static final long NOISE_FLOOR = 4096;
  @TempDir static Path dir;
  static List<SiteSummary> pool;
  static DiffReport poolReport;

  @BeforeAll
  static void dumpThePool() throws Exception {
    pool = Summaries.of(ScenarioRunner.run(PoolService.class, dir.resolve("pool")));
    poolReport = DiffEngine.diff(pool, DiffOptions.DEFAULTS);
  }

  private static Finding only(DiffReport r, String className) {
    List<Finding> f = r.findings().stream().filter(x -> x.className().equals(className)).toList();
    assertThat(f).as(className).hasSize(1);
    return f.get(0);
  }

  @Test
  void aThreadLocalLeakOverSixNumberedWorkersIsOneFinding() {
    Finding f = poolReport.findings().stream().filter(x -> x.owner().equals("thread \"pool-worker-*\"")).findFirst()
        .orElseThrow();
    assertThat(f.className()).isEqualTo("byte[]");
    int chunks = PoolService.WORKERS * PoolService.CHUNKS_PER_WORKER_PER_PHASE;
    assertThat(f.growthObjects()).isEqualTo(chunks);
    assertThat(f.shape()).isEqualTo(Shape.LEAK);
    long elementData = PoolService.WORKERS
        * (L.refArray(JvmLayout.arrayListCapacity(PoolService.chunksPerWorkerAfter(2)))
        - L.refArray(JvmLayout.arrayListCapacity(PoolService.chunksPerWorkerAfter(1))));
    assertThat(f.growthBytes()).isCloseTo(chunks * L.array(PoolService.CHUNK_BYTES, 1) + elementData, withPercentage(2));
    assertThat(poolReport.findings()).filteredOn(x -> x.owner().contains("pool-worker")).hasSize(1);
  }

  @Test
  void aRegistryLeakIsOneFindingWithTheMapsRetainedGrowth() {
    Finding f = only(poolReport, P + "$Order");
    assertThat(f.growthObjects()).isEqualTo(PoolService.ORDERS_PER_PHASE);
    assertThat(f.owner()).isEqualTo("static " + P + ".ORDERS");
    long perOrder = L.instance(8 + L.ref()) + L.array(PoolService.ORDER_BYTES, 1)
        + L.latin1String("order-2000".length()) + L.instance(4 + 3 * L.ref());
    long table = L.refArray(JvmLayout.hashMapTable(PoolService.ordersAfter(2)))
        - L.refArray(JvmLayout.hashMapTable(PoolService.ordersAfter(1)));
    assertThat(f.growthBytes()).isCloseTo(PoolService.ORDERS_PER_PHASE * perOrder + table, withPercentage(2));
  }

  @Test
  void aLeakOfJdkClassesUnderAUserStaticIsOneFindingNamedByItsElements() {
    Finding f = poolReport.findings().stream().filter(x -> x.owner().equals("static " + P + ".HISTORY")).findFirst()
        .orElseThrow();
    assertThat(f.className()).isEqualTo("java.lang.Long");
    assertThat(f.growthObjects()).isEqualTo((long) PoolService.HISTORY_KEYS_PER_PHASE * PoolService.HISTORY_LONGS);
    assertThat(f.shape()).isEqualTo(Shape.LEAK);
    // Per key: its String, the map's node, the list (sized for its longs) and the Longs.
    long perKey = L.latin1String("history-100".length()) + L.instance(4 + 3 * L.ref()) + L.instance(4 + 4 + L.ref())
        + L.refArray(PoolService.HISTORY_LONGS) + PoolService.HISTORY_LONGS * L.instance(8);
    long table = L.refArray(JvmLayout.hashMapTable(PoolService.historyKeysAfter(2)))
        - L.refArray(JvmLayout.hashMapTable(PoolService.historyKeysAfter(1)));
    assertThat(f.growthBytes()).isCloseTo(PoolService.HISTORY_KEYS_PER_PHASE * perKey + table, withPercentage(2));
  }

  @Test
  void aSiteWhoseCountHoldsWhileItsBytesGrowIsShapedByItsBytes() {
    Finding f = poolReport.findings().stream().filter(x -> x.owner().equals("static " + P + ".GROWING")).findFirst()
        .orElseThrow();
    assertThat(f.growthObjects()).isZero();
    assertThat(f.shape()).isEqualTo(Shape.LEAK);
    assertThat(f.growthBytes()).isEqualTo(
        L.array(PoolService.growingBytesAfter(2), 1) - L.array(PoolService.growingBytesAfter(1), 1));
  }

  @Test
  void directBuffersReportTheNativeMemoryTheyOwn() {
    Finding f = only(poolReport, "java.nio.DirectByteBuffer");
    assertThat(f.growthObjects()).isEqualTo(PoolService.DIRECT_BUFFERS_PER_PHASE);
    assertThat(f.growthOffHeapBytes()).isEqualTo(PoolService.directBytesAfter(2) - PoolService.directBytesAfter(1));
    // The slice owns no memory: the buffers' native bytes are exactly theirs, in every dump. The first
    // buffer is held by the slice too (its att), so its owner is the class whose two statics hold it.
    // (The JDK keeps direct buffers of its own for file I/O: those are elsewhere.)
    for (int phase = 1; phase <= pool.size(); phase++) {
      long owned = pool.get(phase - 1).sites().stream()
          .filter(x -> x.site().startsWith("at static " + P + ".DIRECT ") || x.site().equals("at class " + P + " → {owned}"))
          .mapToLong(SiteStats::offHeapBytes).sum();
      assertThat(owned).as("dump %d", phase).isEqualTo(PoolService.directBytesAfter(phase));
    }
  }

  @Test
  void mappedBuffersAreCountedApartFromAllocatedOnes() {
    Finding f = poolReport.findings().stream().filter(x -> x.owner().equals("static " + P + ".MAPPED")).findFirst()
        .orElseThrow();
    assertThat(f.growthMappedBytes()).isEqualTo(PoolService.mappedBytesAfter(2) - PoolService.mappedBytesAfter(1));
    assertThat(f.mappedBytes()).containsExactly(PoolService.mappedBytesAfter(1), PoolService.mappedBytesAfter(2),
        PoolService.mappedBytesAfter(3));
    assertThat(f.offHeapBytes()).containsOnly(0L);
    assertThat(only(poolReport, "java.nio.DirectByteBuffer").mappedBytes()).containsOnly(0L);
  }

  @Test
  void aBoundedCacheThatFillsIsBloat() {
    Finding f = only(poolReport, P + "$Cached");
    assertThat(f.counts()).containsExactly(PoolService.cacheSizeAfter(1), PoolService.cacheSizeAfter(2),
        PoolService.cacheSizeAfter(3));
    assertThat(f.shape()).isEqualTo(Shape.BLOAT);
  }

  @Test
  void findingsAddUpToAtMostTheHeapsGrowthAndNothingElseIsAboveTheFloor() {
    // Every byte once: all findings together are at most what the growing sites' own objects grew by
    // (each object is in one site), and the findings shown by default at most the heap's growth.
    long sum = poolReport.findings().stream().mapToLong(f -> Math.max(0, f.growthBytes())).sum();
    long grew = poolReport.sites().stream().mapToLong(d -> Math.max(0, d.growthShallowBytes())).sum();
    assertThat(sum).isLessThanOrEqualTo(grew);
    DiffReport shown = DiffEngine.diff(pool, new DiffOptions(Grouping.SITE, 1024, (c, x) -> true, Set.of(), false));
    long shownSum = shown.findings().stream().mapToLong(f -> Math.max(0, f.growthBytes())).sum();
    assertThat(shownSum).isLessThanOrEqualTo(shown.heap().growthBytes());
    Set<String> owners = Set.of("thread \"pool-worker-*\"", "static " + P + ".ORDERS", "static " + P + ".HISTORY",
        "static " + P + ".GROWING", "static " + P + ".CACHE", "static " + P + ".DIRECT", "static " + P + ".MAPPED");
    for (Finding f : poolReport.findings()) {
      if (f.growthBytes() >= NOISE_FLOOR) {
        assertThat(f.owner()).as(f.key()).isIn(owners);
      }
    }
  }

  @Test
  void onJdk25WithCompactHeadersAndAParallelJcmdDumpTheLeaksReadTheSame() throws Exception {
    Optional<Path> jdk = ScenarioRunner.jdk25Home();
    assumeTrue(jdk.isPresent(), "no JDK 25 installed");
    JvmLayout c = JvmLayout.COMPACT_HEADERS;
    List<SiteSummary> s = Summaries.of(ScenarioRunner.run(jdk.get(),
        List.of("-Xmx512m", "-XX:+UseCompactObjectHeaders", "-Dmemdiff.scenario.dump=jcmd-parallel"),
        PoolService.class, dir.resolve("pool-jdk25")));
    DiffReport r = DiffEngine.diff(s, DiffOptions.DEFAULTS);
    assertThat(s.get(0).dump().layout()).isEqualTo("header 8, reference 4, align 8");
    Finding orders = only(r, P + "$Order");
    assertThat(orders.growthObjects()).isEqualTo(PoolService.ORDERS_PER_PHASE);
    long perOrder = c.instance(8 + c.ref()) + c.array(PoolService.ORDER_BYTES, 1)
        + c.latin1String("order-2000".length()) + c.instance(4 + 3 * c.ref());
    long table = c.refArray(JvmLayout.hashMapTable(PoolService.ordersAfter(2)))
        - c.refArray(JvmLayout.hashMapTable(PoolService.ordersAfter(1)));
    assertThat(orders.growthBytes()).isCloseTo(PoolService.ORDERS_PER_PHASE * perOrder + table, withPercentage(2));
    Finding workers = r.findings().stream().filter(x -> x.owner().equals("thread \"pool-worker-*\"")).findFirst()
        .orElseThrow();
    assertThat(workers.growthObjects()).isEqualTo(PoolService.WORKERS * PoolService.CHUNKS_PER_WORKER_PER_PHASE);
    assertThat(only(r, "java.nio.DirectByteBuffer").growthOffHeapBytes())
        .isEqualTo(PoolService.directBytesAfter(2) - PoolService.directBytesAfter(1));
    assertThat(only(r, P + "$Cached").shape()).isEqualTo(Shape.BLOAT);
    long sum = r.findings().stream().mapToLong(f -> Math.max(0, f.growthBytes())).sum();
    assertThat(sum).isLessThanOrEqualTo(r.sites().stream().mapToLong(d -> Math.max(0, d.growthShallowBytes())).sum());
  }

  @Test
  void aCaffeineCacheFilledOverFourDumpsReadsItsSizeAndBloatEveryTime() throws Exception {
    String value = CaffeineService.Value.class.getName();
    for (int run = 0; run < 10; run++) {
      List<SiteSummary> s = Summaries.of(ScenarioRunner.run(CaffeineService.class, dir.resolve("caffeine-" + run)));
      DiffReport r = DiffEngine.diff(s, DiffOptions.DEFAULTS);
      SiteDiff values = r.sites().stream().filter(d -> d.className().equals(value)).findFirst().orElseThrow();
      assertThat(values.counts()).as("run %d", run).containsExactly(CaffeineService.sizeAfter(1),
          CaffeineService.sizeAfter(2), CaffeineService.sizeAfter(3), CaffeineService.sizeAfter(4));
      assertThat(values.shape()).as("run %d", run).isEqualTo(Shape.BLOAT);
      assertThat(r.findings()).filteredOn(f -> f.siteKeys().contains(values.key())).singleElement()
          .satisfies(f -> assertThat(f.shape()).isEqualTo(Shape.BLOAT));
    }
  }

  @Test
  void aLeakHeldByParkedVirtualThreadsIsOneFinding() throws Exception {
    Optional<Path> jdk = ScenarioRunner.jdk25Home();
    assumeTrue(jdk.isPresent(), "no JDK 25 installed");
    List<Path> dumps = ScenarioRunner.run(jdk.get(), List.of("-Xmx512m"), VirtualThreadService.class, dir.resolve("vt"));
    DiffReport r = DiffEngine.diff(Summaries.of(dumps), DiffOptions.DEFAULTS);
    Finding f = only(r, VirtualThreadService.RequestState.class.getName());
    assertThat(f.owner()).isEqualTo("thread \"req-*\"");
    assertThat(f.growthObjects()).isEqualTo(VirtualThreadService.VIRTUAL_THREADS_PER_PHASE);
    assertThat(f.counts()).containsExactly(VirtualThreadService.requestsAfter(1), VirtualThreadService.requestsAfter(2),
        VirtualThreadService.requestsAfter(3));
    // The finding holds the requests' state and the parked threads themselves.
    assertThat(f.growthBytes()).isGreaterThan(VirtualThreadService.VIRTUAL_THREADS_PER_PHASE
        * (L.instance(L.ref()) + L.array(VirtualThreadService.REQUEST_BYTES, 1)));
    assertThat(r.findings()).filteredOn(x -> x.owner().startsWith("thread \"req-")).hasSize(1);
    for (Finding x : r.findings()) {
      if (x.growthBytes() >= NOISE_FLOOR && x != f) {
        // The JDK's own set of live virtual threads grows with them, one node per thread, and the
        // scheduler starts its carrier threads as work comes.
        assertThat(x.owner()).as(x.key()).satisfiesAnyOf(
            o -> assertThat(o).startsWith("static jdk.internal.vm.ThreadContainers"),
            o -> assertThat(o).isEqualTo("thread \"ForkJoinPool-*-worker-*\""));
      }
    }
  }

  @Test
  void aLeakThatStartsAfterTheSecondDumpIsALeakSinceItsFirstGrowth() throws Exception {
    List<SiteSummary> s = Summaries.of(ScenarioRunner.run(LateLeak.class, dir.resolve("late")));
    assertThat(s).hasSize(LateLeak.PHASES);
    DiffReport r = DiffEngine.diff(s, DiffOptions.DEFAULTS);
    Finding f = only(r, LateLeak.AuditRecord.class.getName());
    assertThat(f.counts()).containsExactly(LateLeak.recordsAfter(1), LateLeak.recordsAfter(2), LateLeak.recordsAfter(3),
        LateLeak.recordsAfter(4));
    assertThat(f.shape()).isEqualTo(Shape.LEAK);
    assertThat(f.growingSince()).isEqualTo(LateLeak.FIRST_LEAKING_PHASE);
    // min(last two) - first: what appeared and stayed.
    assertThat(f.growthObjects()).isEqualTo(LateLeak.recordsAfter(3));
    assertThat(f.growthBytes()).isGreaterThanOrEqualTo(
        LateLeak.recordsAfter(3) * (L.instance(L.ref()) + L.array(LateLeak.RECORD_BYTES, 1)));
  }

  @Test
  void aClassLoaderLeakIsOneFindingUnderTheRegistryWithTheLoadersCount() throws Exception {
    List<SiteSummary> s = Summaries.of(ScenarioRunner.run(LoaderLeakService.class, dir.resolve("loaders")));
    DiffReport r = DiffEngine.diff(s, DiffOptions.DEFAULTS);
    String service = LoaderLeakService.class.getName();
    // The plugins' classes share a name over many loaders: no class of theirs is a root, so what holds
    // a plugin holds its class, the class's statics and its loader.
    Finding f = only(r, LoaderLeakService.Plugin.class.getName());
    assertThat(f.owner()).isEqualTo("static " + service + ".REGISTRY");
    assertThat(f.growthObjects()).isEqualTo(LoaderLeakService.LOADERS_PER_PHASE);
    assertThat(f.shape()).isEqualTo(Shape.LEAK);
    SiteDiff loaders = r.sites().stream()
        .filter(d -> d.className().equals(LoaderLeakService.PluginLoader.class.getName())).findFirst().orElseThrow();
    assertThat(loaders.finding()).isEqualTo(f.key());
    assertThat(loaders.counts()).containsExactly(LoaderLeakService.loadersAfter(1), LoaderLeakService.loadersAfter(2),
        LoaderLeakService.loadersAfter(3));
    // A class holds its loader by an implicit reference, named as such (not as a field of Class).
    assertThat(loaders.site()).contains("→ <class> → <classloader>");
    // Each plugin's payload, its class's static long[] and its loader are in the finding's bytes.
    long perPlugin = L.array(LoaderLeakService.PLUGIN_BYTES, 1) + L.array(LoaderLeakService.PLUGIN_STATIC_LONGS, 8);
    assertThat(f.growthBytes()).isGreaterThan(LoaderLeakService.LOADERS_PER_PHASE * perPlugin);
    long sum = r.findings().stream().mapToLong(x -> Math.max(0, x.growthBytes())).sum();
    assertThat(sum).isLessThanOrEqualTo(r.heap().growthBytes());
    assertThat(r.findings()).filteredOn(x -> x.growthBytes() >= NOISE_FLOOR).containsExactly(f);
  }

}
