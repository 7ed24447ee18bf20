package io.memdiff.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance case: three dumps of a service that leaks three ways, fills a cache and makes garbage. */
class LeakyServiceDiffTest {
  private static final String S = LeakyService.class.getName();
  private static final long NOISE_FLOOR = 4096;
  @TempDir static Path dir;
  static List<SiteSummary> summaries;
  static DiffReport report;

  @BeforeAll
  static void dumpThreeTimes() throws Exception {
    List<Path> dumps = ScenarioRunner.run(LeakyService.class, dir);
    assertThat(dumps).hasSize(3);
    summaries = Summaries.of(dumps);
    report = DiffEngine.diff(summaries, new DiffOptions("site", 0, s -> true, java.util.Set.of()));
  }

  static Optional<SiteDiff> site(String className, String sitePrefix) {
    return report.sites().stream()
        .filter(d -> d.className().equals(className) && d.site().startsWith(sitePrefix)).findFirst();
  }

  @Test
  void theStaticRegistryLeakIsNamedWithItsExactGrowthRootAndShape() {
    SiteDiff d = site(S + "$Session", "at static " + S + ".SESSIONS → ConcurrentHashMap{values}").orElseThrow();
    assertThat(d.growthObjects()).isEqualTo(LeakyService.SESSIONS_PER_PHASE);
    assertThat(d.counts()).containsExactly(LeakyService.sessionsAfter(1, 1), LeakyService.sessionsAfter(2, 1),
        LeakyService.sessionsAfter(3, 1));
    assertThat(d.shape()).isEqualTo(Shape.LEAK);
    assertThat(d.examples()).isNotEmpty().allMatch(a -> a.startsWith("0x"));
  }

  @Test
  void theThreadLocalBufferLeakIsRootedAtTheWorkerThread() {
    SiteDiff d = site("byte[]", "at thread \"" + LeakyService.WORKER + "\" → ThreadLocal{value} → ArrayList{elements}")
        .orElseThrow();
    assertThat(d.growthObjects()).isEqualTo(LeakyService.BUFFER_CHUNKS_PER_PHASE);
    assertThat(d.shape()).isEqualTo(Shape.LEAK);
    assertThat(d.growthBytes()).isGreaterThanOrEqualTo((long) LeakyService.BUFFER_CHUNKS_PER_PHASE * LeakyService.BUFFER_CHUNK_BYTES);
  }

  @Test
  void listenersNeverRemovedAreALeakWithTheirPayloads() {
    SiteDiff d = site(S + "$Listener", "at static " + S + ".LISTENERS → CopyOnWriteArrayList{elements}").orElseThrow();
    assertThat(d.growthObjects()).isEqualTo(LeakyService.LISTENERS_PER_PHASE);
    assertThat(d.shape()).isEqualTo(Shape.LEAK);
    assertThat(d.growthBytes()).isGreaterThanOrEqualTo((long) LeakyService.LISTENERS_PER_PHASE * LeakyService.LISTENER_BYTES);
  }

  @Test
  void aCacheThatFillsAndHoldsIsBloatNotALeak() {
    SiteDiff d = site(S + "$CacheEntry", "at static " + S + ".CACHE → LinkedHashMap{values}").orElseThrow();
    assertThat(d.counts()).containsExactly(LeakyService.cacheAfter(1, 1), LeakyService.cacheAfter(2, 1),
        LeakyService.cacheAfter(3, 1));
    assertThat(d.shape()).isEqualTo(Shape.BLOAT);
  }

  @Test
  void transientJobsAndStableConfigAreNotReported() {
    assertThat(report.sites()).noneMatch(d -> d.className().equals(S + "$Job"));
    assertThat(report.sites()).noneMatch(d -> d.className().equals(S + "$Config"));
    // They are in the dumps, with the counts the scenario made.
    SiteStats jobs = summaries.get(1).sites().stream().filter(s -> s.className().equals(S + "$Job")).findFirst().orElseThrow();
    assertThat(jobs.count()).isEqualTo(LeakyService.JOBS_IN_PHASE_2);
  }

  @Test
  void garbageMadeBetweenDumpsDoesNotAppear() {
    assertThat(report.sites()).noneMatch(d -> d.className().equals("byte[]") && d.counts()[1] >= 2000 && d.growthObjects() > 0
        && d.site().equals("unreachable"));
  }

  @Test
  void nothingElseGrowsAboveASmallNoiseFloor() {
    for (SiteDiff d : report.sites()) {
      if (d.growthBytes() >= NOISE_FLOOR && !movedFromAnotherSite(d)) {
        assertThat(d.site()).as(d.key()).containsAnyOf("static " + S + ".", "thread \"" + LeakyService.WORKER + "\"");
      }
    }
  }

  /**
   * Whether other sites of the class lost at least as many objects as this one gained: the same
   * objects, reached by another shortest path. A jar the JVM opened just before the first dump is
   * reached through the cleaner list, whose newest entries come first, until later entries push it
   * deeper than the static map of open jars; whether the map's path is the shorter then depends on
   * the jar's bucket, that is on its file's name and modification time.
   */
  private static boolean movedFromAnotherSite(SiteDiff d) {
    long lost = 0;
    for (SiteStats first : summaries.get(0).sites()) {
      if (first.className().equals(d.className()) && !first.key().equals(d.key())) {
        long later = Math.min(count(1, first.key()), count(summaries.size() - 1, first.key()));
        lost += Math.max(0, first.count() - later);
      }
    }
    return lost >= d.growthObjects();
  }

  private static long count(int dump, String key) {
    return summaries.get(dump).sites().stream().filter(s -> s.key().equals(key)).mapToLong(SiteStats::count).sum();
  }

  @Test
  void growingSitesAreClusteredUnderTheirOwners() {
    SiteDiff sessions = site(S + "$Session", "at static " + S + ".SESSIONS").orElseThrow();
    SiteDiff payloads = site("byte[]", "at static " + S + ".SESSIONS → ConcurrentHashMap{values}").orElseThrow();
    assertThat(payloads.cluster()).isEqualTo(sessions.cluster());
    Cluster c = report.clusters().stream().filter(x -> x.key().equals(sessions.cluster())).findFirst().orElseThrow();
    assertThat(c.owner()).isEqualTo("static " + S + ".SESSIONS");
    assertThat(c.siteKeys()).contains(sessions.key(), payloads.key());
  }

  @Test
  void sitesAreSortedByRetainedGrowthBiggestFirst() {
    List<Long> growth = report.sites().stream().map(SiteDiff::growthBytes).toList();
    assertThat(growth).isSortedAccordingTo((x, y) -> Long.compare(y, x));
  }

  @Test
  void twoDumpsDiffByPlainDifference() {
    DiffReport two = DiffEngine.diff(summaries.subList(0, 2), DiffOptions.DEFAULTS);
    SiteDiff d = two.sites().stream().filter(x -> x.className().equals(S + "$Session")).findFirst().orElseThrow();
    assertThat(d.growthObjects()).isEqualTo(LeakyService.SESSIONS_PER_PHASE);
    assertThat(d.shape()).isEqualTo(Shape.GREW);
    assertThat(d.counts()).hasSize(2);
  }
}
