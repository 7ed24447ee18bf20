package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diff command end to end on three real dumps of a leaking service. */
class DiffCommandTest {
  private static final String S = LeakyService.class.getName();
  @TempDir static Path dir;
  static List<Path> dumps;

  @BeforeAll
  static void dump() throws IOException {
    dumps = ScenarioRunner.run(LeakyService.class, dir);
  }

  static String[] args(String... extra) {
    String[] a = Arrays.copyOf(dumps.stream().map(Path::toString).toArray(String[]::new), dumps.size() + extra.length);
    System.arraycopy(extra, 0, a, dumps.size(), extra.length);
    return a;
  }

  @Test
  void eachGrowingSiteIsOneGreppableLine() {
    Cli r = Cli.run(args("--no-paths"));
    assertThat(r.exitCode()).isZero();
    String sessions = Arrays.stream(r.out().split("\\R")).filter(l -> l.contains(S + "$Session  ")).findFirst().orElseThrow();
    assertThat(sessions).startsWith("leak  " + S + "$Session  +" + LeakyService.SESSIONS_PER_PHASE + " objects  +")
        .contains("counts 1000,2000,3000  at static " + S + ".SESSIONS → ConcurrentHashMap{values}")
        .contains("examples 0x");
    assertThat(r.out()).doesNotContain("cluster");
  }

  @Test
  void aBrokenDumpReadAheadFailsAsItsOwnTurnWould() throws IOException {
    // The second dump is read while the first one's sites are summed: its error still ends the run
    // with one line naming it, and the same run with --parallel 2 names it the same way.
    byte[] whole = java.nio.file.Files.readAllBytes(dumps.get(1));
    Path broken = java.nio.file.Files.write(dir.resolve("broken.hprof"), Arrays.copyOf(whole, whole.length / 2));
    Cli inTurn = Cli.run(dumps.get(0).toString(), broken.toString(), dumps.get(2).toString());
    assertThat(inTurn.exitCode()).isEqualTo(3);
    assertThat(inTurn.errLines()).hasSize(1);
    assertThat(inTurn.err()).startsWith("memdiff: " + broken + ": ").contains("offset 0x").doesNotContain("Exception");
    Cli twoAtATime = Cli.run(dumps.get(0).toString(), broken.toString(), dumps.get(2).toString(), "--parallel", "2");
    assertThat(twoAtATime.exitCode()).isEqualTo(3);
    assertThat(twoAtATime.err()).isEqualTo(inTurn.err());
  }

  @Test
  void clustersPrintTheOwnersPathUnderTheirFirstSite() {
    Cli r = Cli.run(args());
    assertThat(r.out()).contains("held by thread \"" + LeakyService.WORKER + "\"")
        .contains("held by static " + S + ".SESSIONS");
  }

  @Test
  void jsonHasTheDocumentedShape() throws IOException {
    Cli r = Cli.run(args("--format", "json", "--examples", "2"));
    assertThat(r.exitCode()).isZero();
    JsonNode doc = Json.MAPPER.readTree(r.out());
    assertThat(doc.get("schema_version").asInt()).isEqualTo(1);
    assertThat(doc.get("dumps")).hasSize(3);
    assertThat(doc.get("dumps").get(0).get("id_size").asInt()).isEqualTo(8);
    JsonNode site = null;
    for (JsonNode s : doc.get("sites")) {
      if (s.get("class").asText().equals(S + "$Listener")) {
        site = s;
      }
    }
    assertThat(site).isNotNull();
    assertThat(site.get("growth_objects").asLong()).isEqualTo(LeakyService.LISTENERS_PER_PHASE);
    assertThat(site.get("shape").asText()).isEqualTo("leak");
    assertThat(site.get("counts")).hasSize(3);
    assertThat(site.get("retained_bytes")).hasSize(3);
    assertThat(site.get("path").get(0).get("edge").asText()).isEqualTo("static " + S + ".LISTENERS");
    assertThat(site.get("examples")).hasSize(2);
    assertThat(doc.get("clusters")).isNotEmpty();
    assertThat(site.fieldNames()).toIterable().contains("class", "site", "counts", "shallow_bytes", "retained_bytes",
        "growth_objects", "growth_bytes", "shape", "reachability", "path", "cluster", "examples");
    assertThat(doc.get("dumps").get(0).fieldNames()).toIterable().contains("path", "timestamp", "id_size", "objects", "bytes");
  }

  @Test
  void failOnLeakExitsOneAndNamesTheOffenders() {
    Cli r = Cli.run(args("--fail-on-leak", "--no-paths"));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("threshold crossed: leak: " + S + "$Session");
  }

  @Test
  void failOnGrowthIsQuietBelowTheThreshold() {
    assertThat(Cli.run(args("--fail-on-growth", "1000000000")).exitCode()).isZero();
    assertThat(Cli.run(args("--fail-on-growth", "100000")).exitCode()).isEqualTo(1);
  }

  @Test
  void anIgnoreFileLeavesKnownSitesOut() throws IOException {
    Path ignore = Files.writeString(dir.resolve("known.txt"), "# known\n" + S + "$Session\n");
    Cli r = Cli.run(args("--ignore", ignore.toString(), "--no-paths"));
    assertThat(r.out()).doesNotContain(S + "$Session  ").contains(S + "$Listener");
  }

  @Test
  void summaryFilesDiffLikeTheirDumps() throws IOException {
    Path first = dir.resolve("phase1.sites.json");
    Cli s = Cli.run("summarize", dumps.get(0).toString(), "-o", first.toString());
    assertThat(s.exitCode()).isZero();
    assertThat(Files.readString(first)).doesNotContain("session-"); // keys of the map are values: never stored
    Cli fromDumps = Cli.run(args("--no-paths"));
    Cli mixed = Cli.run(first.toString(), dumps.get(1).toString(), dumps.get(2).toString(), "--no-paths");
    assertThat(mixed.exitCode()).isZero();
    assertThat(mixed.out()).isEqualTo(fromDumps.out());
  }

  @Test
  void gzipDumpsAreReadLikeTheOriginals() throws IOException {
    Path gz = dir.resolve("phase1.hprof.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(dumps.get(0), out);
    }
    Cli plain = Cli.run(args("--no-paths"));
    Cli zipped = Cli.run(gz.toString(), dumps.get(1).toString(), dumps.get(2).toString(), "--no-paths");
    assertThat(zipped.exitCode()).isZero();
    assertThat(zipped.out()).isEqualTo(plain.out());
  }

  @Test
  void theOutputIsDeterministicAndTheSameWhenDumpsAreAnalysedInParallel() {
    String once = Cli.run(args()).out();
    assertThat(Cli.run(args()).out()).isEqualTo(once);
    assertThat(Cli.run(args("--parallel", "2")).out()).isEqualTo(once);
  }

  @Test
  void byClassAggregatesSites() {
    Cli r = Cli.run(args("--by", "class", "--no-paths"));
    assertThat(r.out()).contains("leak  " + S + "$Session  +1000 objects");
  }
}
