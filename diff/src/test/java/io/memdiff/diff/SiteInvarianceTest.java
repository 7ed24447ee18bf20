package io.memdiff.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.testdata.HprofShuffler;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.CaffeineService;
import io.memdiff.testdata.scenarios.KnownCounts;
import io.memdiff.testdata.scenarios.LateLeak;
import io.memdiff.testdata.scenarios.LeakyService;
import io.memdiff.testdata.scenarios.LoaderLeakService;
import io.memdiff.testdata.scenarios.PathShapes;
import io.memdiff.testdata.scenarios.PoolService;
import io.memdiff.testdata.scenarios.ServiceHeap;
import io.memdiff.testdata.scenarios.SharedStructures;
import io.memdiff.testdata.scenarios.VirtualThreadService;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A site must not depend on the order of objects in the file or on their addresses: the same heap,
 * written with its objects shuffled and relocated, gives the same site summary, site for site and
 * byte for byte (all but the example addresses, which the relocation changes by design).
 */
class SiteInvarianceTest {
  @TempDir static Path dir;

  static Stream<Arguments> dumps() {
    return Stream.of(
        Arguments.of(SharedStructures.class, new String[0], 0),
        Arguments.of(CaffeineService.class, new String[0], 3),
        Arguments.of(LeakyService.class, new String[0], 2),
        Arguments.of(PoolService.class, new String[0], 2),
        Arguments.of(LoaderLeakService.class, new String[0], 2),
        Arguments.of(LateLeak.class, new String[0], 3),
        Arguments.of(PathShapes.class, new String[0], 0),
        Arguments.of(KnownCounts.class, new String[0], 0),
        Arguments.of(ServiceHeap.class, new String[] {"2000"}, 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dumps")
  void theSameHeapInAnotherOrderAtOtherAddressesHasTheSameSites(Class<?> scenario, String[] args, int which)
      throws Exception {
    List<Path> made = ScenarioRunner.run(scenario, dir.resolve(scenario.getSimpleName()), args);
    assertSameSitesWhenShuffled(scenario, made.get(which));
  }

  @Test
  void virtualThreadsOnJdk25HaveTheSameSitesWhenShuffled() throws Exception {
    Optional<Path> jdk = ScenarioRunner.jdk25Home();
    assumeTrue(jdk.isPresent(), "no JDK 25 installed");
    List<Path> made = ScenarioRunner.run(jdk.get(), List.of("-Xmx512m"), VirtualThreadService.class, dir.resolve("vt"));
    assertSameSitesWhenShuffled(VirtualThreadService.class, made.get(2));
  }

  private static void assertSameSitesWhenShuffled(Class<?> scenario, Path dump) throws Exception {
    LayoutOverrides layout = Summaries.layoutOf(dump);
    SiteSummary original = Summaries.of(dump, layout);
    for (long seed : new long[] {1, 2}) {
      Path shuffled = dir.resolve(scenario.getSimpleName() + "-shuffled-" + seed + ".hprof");
      HprofShuffler.shuffle(dump, shuffled, seed);
      SiteSummary copy = Summaries.of(shuffled, layout);
      List<SiteStats> a = withoutExamples(original);
      List<SiteStats> b = withoutExamples(copy);
      assertThat(b).as("seed %d: %s", seed, difference(a, b)).isEqualTo(a);
    }
  }

  /** The sites that differ, each side's, for a failure message that fits on a screen. */
  private static String difference(List<SiteStats> a, List<SiteStats> b) {
    java.util.Set<SiteStats> onlyA = new java.util.LinkedHashSet<>(a);
    b.forEach(onlyA::remove);
    java.util.Set<SiteStats> onlyB = new java.util.LinkedHashSet<>(b);
    a.forEach(onlyB::remove);
    return "original only " + brief(onlyA) + "; shuffled only " + brief(onlyB);
  }

  private static String brief(java.util.Collection<SiteStats> s) {
    return s.stream().limit(6).map(x -> x.key() + " n=" + x.count() + " shallow=" + x.shallowBytes() + " retained="
        + x.retainedBytes()).toList() + (s.size() > 6 ? " and " + (s.size() - 6) + " more" : "");
  }

  private static List<SiteStats> withoutExamples(SiteSummary s) {
    return s.sites().stream().map(x -> new SiteStats(x.key(), x.className(), x.site(), x.path(), x.count(),
        x.shallowBytes(), x.retainedBytes(), x.reachability(), List.of(), x.offHeapBytes(), x.mappedBytes(), x.allocationStacks())).toList();
  }
}
