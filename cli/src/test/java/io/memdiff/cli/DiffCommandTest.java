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
  void progressGoesToStderrOnlyWhenAskedOffATerminalWithTheDumpsPlaceAndTheShareDone() {
    Cli quiet = Cli.run(args("--no-paths"));
    assertThat(quiet.err()).isEmpty();
    Cli shown = Cli.run(args("--no-paths", "--progress"));
    assertThat(shown.exitCode()).isZero();
    assertThat(shown.out()).isEqualTo(quiet.out());
    List<String> lines = Arrays.asList(shown.errLines());
    assertThat(lines).contains("memdiff: [1/3] reading " + dumps.get(0) + " (0%)")
        .anyMatch(l -> l.startsWith("memdiff: [3/3] summarizing sites of " + dumps.get(2) + " ("));
    int last = -1;
    for (String l : lines) {
      assertThat(l).doesNotContain("\r").doesNotContain("\033");
      int percent = Integer.parseInt(l.replaceAll(".*\\((\\d+)%\\)$", "$1"));
      assertThat(percent).as(l).isBetween(last, 99);
      last = percent;
    }
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
  void eachFindingIsOneLineWithItsOwnerAndTheHeapIsSummedUpLast() {
    Cli r = Cli.run(args());
    List<String> lines = r.out().lines().toList();
    List<String> leaks = lines.stream().filter(l -> l.startsWith("leak  ")).toList();
    assertThat(leaks).hasSize(3);
    assertThat(leaks).anyMatch(l -> l.startsWith("leak  " + S + "$Session  +" + LeakyService.SESSIONS_PER_PHASE + " objects  ")
        && l.contains("held by static " + S + ".SESSIONS"));
    assertThat(leaks).anyMatch(l -> l.startsWith("leak  byte[]  +" + LeakyService.BUFFER_CHUNKS_PER_PHASE + " objects  ")
        && l.contains("held by thread \"worker-*\""));
    assertThat(lines).contains("    path  static " + S + ".SESSIONS  java.util.concurrent.ConcurrentHashMap");
    assertThat(lines.get(lines.size() - 2)).startsWith("heap  objects ").contains("  findings ");
    assertThat(lines.get(lines.size() - 1)).startsWith("verdict  unknown  ");
    // Other sites of a finding are indented, so a shape word starts only a finding's line.
    assertThat(lines).filteredOn(l -> l.startsWith("    site  ")).isNotEmpty();
  }

  @Test
  void jsonHasTheDocumentedShape() throws IOException {
    Cli r = Cli.run(args("--format", "json", "--examples", "2"));
    assertThat(r.exitCode()).isZero();
    JsonNode doc = Json.MAPPER.readTree(r.out());
    assertThat(doc.get("schema_version").asInt()).isEqualTo(2);
    assertThat(doc.get("dumps")).hasSize(3);
    assertThat(doc.get("dumps").get(0).get("id_size").asInt()).isEqualTo(8);
    JsonNode finding = null;
    for (JsonNode f : doc.get("findings")) {
      if (f.get("class").asText().equals(S + "$Listener")) {
        finding = f;
      }
    }
    assertThat(finding).isNotNull();
    assertThat(finding.get("growth_objects").asLong()).isEqualTo(LeakyService.LISTENERS_PER_PHASE);
    assertThat(finding.get("shape").asText()).isEqualTo("leak");
    assertThat(finding.get("counts")).hasSize(3);
    assertThat(finding.get("bytes")).hasSize(3);
    assertThat(finding.get("owner").asText()).isEqualTo("static " + S + ".LISTENERS");
    assertThat(finding.get("owner_path").get(0).get("edge").asText()).isEqualTo("static " + S + ".LISTENERS");
    assertThat(finding.get("examples")).hasSize(2);
    assertThat(finding.fieldNames()).toIterable().contains("class", "shape", "growth_objects", "counts", "growth_bytes",
        "bytes", "growth_off_heap_bytes", "off_heap_bytes", "site", "owner", "owner_class", "owner_path", "key",
        "headline", "sites", "examples");
    JsonNode site = doc.get("sites").get(0);
    assertThat(site.fieldNames()).toIterable().contains("class", "site", "counts", "shallow_bytes", "retained_bytes",
        "growth_objects", "growth_bytes", "growth_retained_bytes", "shape", "reachability", "path", "finding", "examples");
    assertThat(doc.get("heap").fieldNames()).toIterable().contains("objects", "bytes", "growth_objects", "growth_bytes",
        "findings_growth_bytes");
    assertThat(doc.get("heap").get("findings_growth_bytes").asLong())
        .isLessThanOrEqualTo(doc.get("heap").get("growth_bytes").asLong());
    assertThat(doc.get("dumps").get(0).fieldNames()).toIterable().contains("path", "timestamp", "id_size", "objects", "bytes");
  }

  @Test
  void dumpsSizedWithDifferentLayoutsAreDiffedWithAWarning() {
    Path wide = dir.resolve("wide-layout.json");
    assertThat(Cli.run("summarize", dumps.get(0).toString(), "-o", wide.toString(), "--object-header", "16",
        "--ref-size", "8").exitCode()).isZero();
    Cli r = Cli.run(wide.toString(), dumps.get(1).toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).contains("memdiff: warning: the dumps' object layouts differ")
        .contains("header 16, reference 8").contains("header 12, reference 4");
    assertThat(Cli.run(dumps.get(0).toString(), dumps.get(1).toString()).err()).doesNotContain("layouts differ");
  }

  @Test
  void failOnLeakWithTwoDumpsIsAUsageErrorThatSaysWhy() {
    Cli r = Cli.run(dumps.get(0).toString(), dumps.get(1).toString(), "--fail-on-leak");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--fail-on-leak needs three or more dumps");
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
    // Reachability and site kind come back from the file as they went in, so the JSON report is the same too.
    assertThat(Cli.run(first.toString(), dumps.get(1).toString(), dumps.get(2).toString(), "--format", "json").out())
        .isEqualTo(Cli.run(args("--format", "json")).out());
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
  void markdownListsThePlantedLeakWithItsGrowthAndCounts() {
    Cli r = Cli.run(args("--format", "markdown"));
    assertThat(r.exitCode()).isZero();
    List<List<String>> rows = CiFormatsTest.table(r.out().lines().toList());
    List<String> sessions = rows.stream().filter(row -> row.get(1).equals(S + "$Session")).findFirst().orElseThrow();
    long perPhase = LeakyService.SESSIONS_PER_PHASE;
    assertThat(sessions.get(0)).isEqualTo("leak");
    assertThat(sessions.get(2)).isEqualTo("+" + perPhase); // min(2000, 3000) - 1000
    assertThat(sessions.get(4)).isEqualTo(perPhase + "," + 2 * perPhase + "," + 3 * perPhase);
    assertThat(CiFormatsTest.rendered(sessions.get(5))).isEqualTo("static " + S + ".SESSIONS");
    long findings = Cli.run(args("--no-paths")).out().lines().filter(l -> !l.startsWith("heap  ") && !l.startsWith("verdict  ")).count();
    assertThat(rows).hasSize(1 + (int) findings);
  }

  @Test
  void junitFailsEachLeakOfTheRealDumpsAndPassesTheRest() throws Exception {
    Cli r = Cli.run(args("--format", "junit", "--fail-on-leak"));
    assertThat(r.exitCode()).isEqualTo(1);
    org.w3c.dom.Document doc = CiFormatsTest.validJUnit(r.out());
    List<String> text = Cli.run(args("--no-paths")).out().lines().filter(l -> !l.startsWith("heap  ") && !l.startsWith("verdict  ")).toList();
    assertThat(doc.getDocumentElement().getAttribute("tests")).isEqualTo(Integer.toString(text.size()));
    assertThat(doc.getDocumentElement().getAttribute("failures"))
        .isEqualTo(Long.toString(text.stream().filter(l -> l.startsWith("leak  ")).count()));
    org.w3c.dom.Element sessions = CiFormatsTest.testcase(doc.getElementsByTagName("testcase"), S + "$Session");
    assertThat(sessions.getElementsByTagName("failure").item(0).getAttributes().getNamedItem("message").getNodeValue())
        .startsWith("leak: leak  " + S + "$Session  +" + LeakyService.SESSIONS_PER_PHASE + " objects  ");
  }

  @Test
  void byClassAggregatesSites() {
    Cli r = Cli.run(args("--by", "class", "--no-paths"));
    assertThat(r.out()).contains("leak  " + S + "$Session  +1000 objects");
  }

  @Test
  void byTakesItsLevelInAnyCase() {
    assertThat(Cli.run(args("--by", "CLASS", "--no-paths")).out())
        .isEqualTo(Cli.run(args("--by", "class", "--no-paths")).out());
  }
}
