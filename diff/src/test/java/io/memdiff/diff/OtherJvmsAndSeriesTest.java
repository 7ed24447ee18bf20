package io.memdiff.diff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diff on dumps from JDK 25 (default and compact object headers) and on a five-dump series. */
class OtherJvmsAndSeriesTest {
  private static final String S = LeakyService.class.getName();
  @TempDir Path dir;

  private static SiteDiff sessions(DiffReport r) {
    return r.sites().stream().filter(d -> d.className().equals(S + "$Session")).findFirst().orElseThrow();
  }

  @Test
  void fiveDumpsGiveTheSeriesAndALeakShape() throws Exception {
    List<Path> dumps = ScenarioRunner.run(LeakyService.class, dir, "1", "5");
    assertThat(dumps).hasSize(5);
    DiffReport r = DiffEngine.diff(Summaries.of(dumps), DiffOptions.DEFAULTS);
    SiteDiff d = sessions(r);
    assertThat(d.counts()).containsExactly(1000, 2000, 3000, 4000, 5000);
    assertThat(d.shape()).isEqualTo(Shape.LEAK);
    assertThat(d.growthObjects()).isEqualTo(3000); // min(4000, 5000) - 1000
    SiteDiff cache = r.sites().stream().filter(x -> x.className().equals(S + "$CacheEntry")).findFirst().orElseThrow();
    assertThat(cache.shape()).isEqualTo(Shape.BLOAT);
  }

  @Test
  void jdk25DumpsDiffTheSameWay() throws Exception {
    Optional<Path> jdk = ScenarioRunner.jdk25Home();
    assumeTrue(jdk.isPresent(), "no JDK 25 installed");
    List<Path> dumps = ScenarioRunner.run(jdk.get(), List.of("-Xmx512m"), LeakyService.class, dir.resolve("jdk25"));
    DiffReport r = DiffEngine.diff(Summaries.of(dumps), DiffOptions.DEFAULTS);
    assertThat(sessions(r).growthObjects()).isEqualTo(LeakyService.SESSIONS_PER_PHASE);
    assertThat(sessions(r).site()).isEqualTo("at static " + S + ".SESSIONS → ConcurrentHashMap{values}");
    assertThat(r.sites()).anyMatch(d -> d.site().startsWith("at thread \"worker-*\"")
        && d.className().equals("byte[]") && d.growthObjects() == LeakyService.BUFFER_CHUNKS_PER_PHASE);
  }

  @Test
  void compactObjectHeadersAreInferredOnJdk25() throws Exception {
    Optional<Path> jdk = ScenarioRunner.jdk25Home();
    assumeTrue(jdk.isPresent(), "no JDK 25 installed");
    List<Path> dumps = ScenarioRunner.run(jdk.get(), List.of("-Xmx512m", "-XX:+UseCompactObjectHeaders"),
        LeakyService.class, dir.resolve("compact"), "1", "2");
    try (HprofFile f = HprofFile.open(dumps.get(0))) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      assertThat(c.layout().header()).isEqualTo(8);
      assertThat(c.layout().description()).contains("compact object headers");
    }
    DiffReport r = DiffEngine.diff(Summaries.of(dumps), DiffOptions.DEFAULTS);
    assertThat(sessions(r).growthObjects()).isEqualTo(LeakyService.SESSIONS_PER_PHASE);
    assertThat(sessions(r).shape()).isEqualTo(Shape.GREW);
  }
}
