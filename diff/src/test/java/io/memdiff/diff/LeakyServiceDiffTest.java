package io.memdiff.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance case: three dumps of a service that leaks three ways, fills a cache and makes
 * garbage. Each leak's bytes are held against the sizes the JVM's layout gives its objects.
 */
class LeakyServiceDiffTest {
  private static final String S = LeakyService.class.getName();
  private static final JvmLayout L = JvmLayout.COMPRESSED;
  private static final long NOISE_FLOOR = 4096;
  @TempDir static Path dir;
  static List<SiteSummary> summaries;
  static DiffReport report;

  @BeforeAll
  static void dumpThreeTimes() throws Exception {
    List<Path> dumps = ScenarioRunner.run(LeakyService.class, dir);
    assertThat(dumps).hasSize(3);
    summaries = Summaries.of(dumps);
    report = DiffEngine.diff(summaries, DiffOptions.DEFAULTS);
  }

  static List<Finding> findingsOf(String className) {
    return report.findings().stream().filter(f -> f.className().equals(className)).toList();
  }

  @Test
  void theStaticRegistryLeakIsOneFindingWithTheMapsExactRetainedGrowth() {
    assertThat(findingsOf(S + "$Session")).singleElement().satisfies(f -> {
      assertThat(f.growthObjects()).isEqualTo(LeakyService.SESSIONS_PER_PHASE);
      assertThat(f.counts()).containsExactly(LeakyService.sessionsAfter(1, 1), LeakyService.sessionsAfter(2, 1),
          LeakyService.sessionsAfter(3, 1));
      assertThat(f.shape()).isEqualTo(Shape.LEAK);
      assertThat(f.owner()).isEqualTo("static " + S + ".SESSIONS");
      assertThat(f.site()).isEqualTo("at static " + S + ".SESSIONS → ConcurrentHashMap{values}");
      // Per session: the Session, its payload, its id String (also the map's key) and the map's node.
      long perSession = L.instance(2 * L.ref()) + L.array(LeakyService.SESSION_PAYLOAD_BYTES, 1)
          + L.latin1String("session-1000".length()) + L.instance(4 + 3 * L.ref());
      long table = L.refArray(JvmLayout.concurrentHashMapTable(LeakyService.sessionsAfter(2, 1)))
          - L.refArray(JvmLayout.concurrentHashMapTable(LeakyService.sessionsAfter(1, 1)));
      assertThat(f.growthBytes()).isCloseTo(LeakyService.SESSIONS_PER_PHASE * perSession + table, withPercentage(2));
      assertThat(f.examples()).isNotEmpty().allMatch(a -> a.startsWith("0x"));
    });
  }

  @Test
  void theThreadLocalBufferLeakIsOneFindingHeldByTheWorkerThread() {
    assertThat(findingsOf("byte[]")).filteredOn(f -> f.growthBytes() >= NOISE_FLOOR).singleElement().satisfies(f -> {
      assertThat(f.growthObjects()).isEqualTo(LeakyService.BUFFER_CHUNKS_PER_PHASE);
      assertThat(f.shape()).isEqualTo(Shape.LEAK);
      assertThat(f.owner()).isEqualTo("thread \"worker-*\"");
      assertThat(f.site()).startsWith("at thread \"worker-*\" → ThreadLocal{value} → ArrayList{elements}")
          .endsWith("(e.g. \"" + LeakyService.WORKER + "\")");
      long chunks = LeakyService.BUFFER_CHUNKS_PER_PHASE * L.array(LeakyService.BUFFER_CHUNK_BYTES, 1);
      long elementData = L.refArray(JvmLayout.arrayListCapacity(LeakyService.bufferChunksAfter(2, 1)))
          - L.refArray(JvmLayout.arrayListCapacity(LeakyService.bufferChunksAfter(1, 1)));
      assertThat(f.growthBytes()).isCloseTo(chunks + elementData, withPercentage(2));
    });
  }

  @Test
  void listenersNeverRemovedAreOneFindingWithTheirPayloads() {
    assertThat(findingsOf(S + "$Listener")).singleElement().satisfies(f -> {
      assertThat(f.growthObjects()).isEqualTo(LeakyService.LISTENERS_PER_PHASE);
      assertThat(f.shape()).isEqualTo(Shape.LEAK);
      long perListener = L.instance(L.ref()) + L.array(LeakyService.LISTENER_BYTES, 1);
      // CopyOnWriteArrayList copies its array on every add: it grows by one reference per listener.
      long array = (long) LeakyService.LISTENERS_PER_PHASE * L.ref();
      assertThat(f.growthBytes()).isCloseTo(LeakyService.LISTENERS_PER_PHASE * perListener + array, withPercentage(2));
    });
  }

  @Test
  void aCacheThatFillsAndHoldsIsBloatNotALeak() {
    assertThat(findingsOf(S + "$CacheEntry")).singleElement().satisfies(f -> {
      assertThat(f.counts()).containsExactly(LeakyService.cacheAfter(1, 1), LeakyService.cacheAfter(2, 1),
          LeakyService.cacheAfter(3, 1));
      assertThat(f.shape()).isEqualTo(Shape.BLOAT);
      assertThat(f.site()).isEqualTo("at static " + S + ".CACHE → LinkedHashMap{values}");
    });
  }

  @Test
  void theLeakingClassHeadsItsFindingAndContainersAreNoHeadlines() {
    for (Finding f : report.findings()) {
      boolean anyCountGrows = report.sites().stream().anyMatch(s -> s.finding().equals(f.key()) && s.growthObjects() > 0);
      if (anyCountGrows) {
        assertThat(f.growthObjects()).as(f.key()).isPositive();
      }
    }
    assertThat(report.findings().stream().filter(f -> f.shape() == Shape.LEAK && f.growthBytes() >= NOISE_FLOOR))
        .extracting(Finding::className)
        .containsExactlyInAnyOrder(S + "$Session", S + "$Listener", "byte[]");
  }

  @Test
  void everySiteIsInExactlyOneFindingAndFindingsAddUpToAtMostTheHeapsGrowth() {
    assertThat(report.sites()).extracting(SiteDiff::key).doesNotHaveDuplicates();
    assertThat(report.sites()).allSatisfy(s -> assertThat(s.finding()).isNotNull());
    long findings = report.findings().stream().mapToLong(f -> Math.max(0, f.growthBytes())).sum();
    long grew = report.sites().stream().mapToLong(d -> Math.max(0, d.growthShallowBytes())).sum();
    assertThat(findings).isPositive().isLessThanOrEqualTo(grew);
    long heap = DiffEngine.growth(summaries.stream().mapToLong(s -> s.dump().shallowBytes()).toArray());
    assertThat(report.heap().growthBytes()).isEqualTo(heap);
    DiffReport shown = DiffEngine.diff(summaries, new DiffOptions(Grouping.SITE, 1024, (c, s) -> true, Set.of(), false));
    assertThat(shown.findings().stream().mapToLong(f -> Math.max(0, f.growthBytes())).sum()).isLessThanOrEqualTo(heap);
  }

  @Test
  void transientJobsStableConfigAndGarbageAreNoFindings() {
    assertThat(report.findings()).noneMatch(f -> f.className().equals(S + "$Job"));
    assertThat(report.findings()).noneMatch(f -> f.className().equals(S + "$Config"));
    assertThat(report.findings()).noneMatch(f -> f.reachability() == SiteReachability.UNREACHABLE);
    // They are in the dumps, with the counts the scenario made.
    SiteStats jobs = summaries.get(1).sites().stream().filter(s -> s.className().equals(S + "$Job")).findFirst().orElseThrow();
    assertThat(jobs.count()).isEqualTo(LeakyService.JOBS_IN_PHASE_2);
  }

  @Test
  void nothingButThePlantedGrowthIsAboveASmallNoiseFloor() {
    Set<String> planted = Set.of(S + "$Session", S + "$Listener", S + "$CacheEntry", "byte[]");
    for (Finding f : report.findings()) {
      if (f.growthBytes() >= NOISE_FLOOR) {
        assertThat(f.className()).as(f.key()).isIn(planted);
      }
    }
  }

  @Test
  void findingsAreSortedByTheirBytesBiggestFirst() {
    List<Long> growth = report.findings().stream().map(Finding::growthBytes).toList();
    assertThat(growth).isSortedAccordingTo((x, y) -> Long.compare(y, x));
  }

  @Test
  void byClassCountsEachObjectOnce() {
    DiffReport byClass = DiffEngine.diff(summaries, new DiffOptions(Grouping.CLASS, 0, (c, s) -> true, Set.of(), true));
    for (Finding f : byClass.findings()) {
      SiteDiff d = byClass.sites().stream().filter(s -> s.key().equals(f.headline())).findFirst().orElseThrow();
      assertThat(f.growthBytes()).as(f.key()).isEqualTo(d.growthShallowBytes());
      assertThat(d.growthRetainedBytes()).as(f.key()).isEqualTo(d.growthShallowBytes());
    }
    Finding sessions = byClass.findings().stream().filter(f -> f.className().equals(S + "$Session")).findFirst().orElseThrow();
    assertThat(sessions.growthBytes()).isEqualTo(LeakyService.SESSIONS_PER_PHASE * L.instance(2 * L.ref()));
  }

  @Test
  void twoDumpsDiffByPlainDifference() {
    DiffReport two = DiffEngine.diff(summaries.subList(0, 2), DiffOptions.DEFAULTS);
    Finding f = two.findings().stream().filter(x -> x.className().equals(S + "$Session")).findFirst().orElseThrow();
    assertThat(f.growthObjects()).isEqualTo(LeakyService.SESSIONS_PER_PHASE);
    assertThat(f.shape()).isEqualTo(Shape.GREW);
    assertThat(f.counts()).hasSize(2);
  }
}
