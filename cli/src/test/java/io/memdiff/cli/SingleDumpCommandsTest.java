package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.KnownCounts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** histo, summary, path and show on a real dump with known counts. */
class SingleDumpCommandsTest {
  private static final String K = KnownCounts.class.getName();
  @TempDir static Path dir;
  static Path dump;

  @BeforeAll
  static void dump() throws IOException {
    dump = ScenarioRunner.run(KnownCounts.class, dir).get(0);
  }

  static long countIn(String histo, String className) {
    return Arrays.stream(histo.split("\\R")).filter(l -> l.startsWith(className + "\t"))
        .mapToLong(l -> Long.parseLong(l.split("\t")[1])).findFirst().orElse(-1);
  }

  @Test
  void timingsNameEveryPhaseOnStderrAndLeaveStdoutAlone() {
    Cli plain = Cli.run("path", dump.toString(), "--class", K + "$Widget");
    System.setProperty("memdiff.timings", "true");
    Cli timed;
    try {
      timed = Cli.run("path", dump.toString(), "--class", K + "$Widget");
    } finally {
      System.clearProperty("memdiff.timings");
    }
    assertThat(timed.exitCode()).isZero();
    assertThat(timed.out()).isEqualTo(plain.out());
    assertThat(plain.err()).isEmpty();
    assertThat(timed.errLines()).hasSize(6).allMatch(l -> l.matches("memdiff: .* [0-9.]+ s  \\(total +[0-9.]+ s, peak heap [0-9,]+ MB\\)"));
    assertThat(timed.err()).contains("memdiff: indexing objects").contains("memdiff: computing dominators")
        .contains("memdiff: grouping paths");
  }

  @Test
  void histoCountsEqualWhatTheProgramMade() {
    Cli r = Cli.run("histo", dump.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("# class\tcount\tshallow_bytes");
    assertThat(countIn(r.out(), K + "$Widget")).isEqualTo(KnownCounts.WIDGETS);
    assertThat(countIn(r.out(), K + "$Gadget")).isEqualTo(KnownCounts.GADGETS);
    assertThat(countIn(r.out(), K + "$Node")).isEqualTo(KnownCounts.NODES);
  }

  @Test
  void histoShallowBytesFollowTheInferredLayout() {
    Cli r = Cli.run("histo", dump.toString(), "--include", K + "*");
    String widget = Arrays.stream(r.out().split("\\R")).filter(l -> l.startsWith(K + "$Widget\t")).findFirst().orElseThrow();
    // header 12 + int 4 = 16 bytes each with compressed class pointers (the default layout)
    assertThat(widget).isEqualTo(K + "$Widget\t" + KnownCounts.WIDGETS + "\t" + 16L * KnownCounts.WIDGETS);
    assertThat(r.out()).doesNotContain("java.lang.String");
  }

  @Test
  void layoutOverridesChangeShallowSizes() {
    Cli r = Cli.run("histo", dump.toString(), "--include", K + "$Widget", "--object-header", "16", "--align", "16");
    assertThat(r.out()).contains(K + "$Widget\t" + KnownCounts.WIDGETS + "\t" + 32L * KnownCounts.WIDGETS);
    assertThat(Cli.run("histo", dump.toString(), "--ref-size", "5").exitCode()).isEqualTo(2);
  }

  @Test
  void histoJsonHasTheDocumentedFields() throws IOException {
    JsonNode doc = Json.MAPPER.readTree(Cli.run("histo", dump.toString(), "--format", "json", "--top", "5").out());
    assertThat(doc.get("schema_version").asInt()).isEqualTo(Json.SCHEMA_VERSION);
    assertThat(doc.get("dump").get("path").asText()).isEqualTo(dump.toString());
    assertThat(doc.get("classes")).hasSize(5);
    assertThat(doc.get("classes").get(0).fieldNames()).toIterable().contains("name", "count", "shallow_bytes");
  }

  @Test
  void histoRetainedAddsAColumnWhereAGadgetRetainsItsArray() {
    Cli r = Cli.run("histo", dump.toString(), "--retained", "--include", K + "$Gadget");
    String line = r.out().split("\\R")[1];
    String[] f = line.split("\t");
    assertThat(Long.parseLong(f[3])).isGreaterThan(Long.parseLong(f[2]));
  }

  @Test
  void histoRetainedRanksByRetainedBytesAndSetsGarbageApart() {
    Cli r = Cli.run("histo", dump.toString(), "--retained");
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("# class\tcount\tshallow_bytes\tretained_bytes\tunreachable_bytes");
    long previous = Long.MAX_VALUE;
    long unreachable = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t");
      long shallow = Long.parseLong(f[2]);
      long retained = Long.parseLong(f[3]);
      long garbage = Long.parseLong(f[4]);
      assertThat(retained).as(f[0]).isLessThanOrEqualTo(previous).isGreaterThanOrEqualTo(shallow - garbage);
      assertThat(garbage).as(f[0]).isBetween(0L, shallow);
      previous = retained;
      unreachable += garbage;
    }
    // A live HotSpot dump keeps objects no root reaches (the JVM does not dump all its roots).
    assertThat(unreachable).isPositive();
  }

  @Test
  void summaryReportsVersionLayoutAndCounts() {
    Cli r = Cli.run("summary", dump.toString());
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("version\tJAVA PROFILE 1.0.2", "id_size\t8", "layout\theader=12 ref=4 align=8",
        "anomalies.truncated\tfalse");
  }

  @Test
  void pathMergesInstancesByRoute() {
    Cli r = Cli.run("path", dump.toString(), "--class", K + "$Widget", "--fold");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("route 1\t" + KnownCounts.WIDGETS + " object(s)")
        .contains("static " + K + ".WIDGET_ARRAY");
  }

  @Test
  void pathNamesAnUnknownClass() {
    Cli r = Cli.run("path", dump.toString(), "--class", "no.such.Thing");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("no class named no.such.Thing");
  }

  @Test
  void showPrintsNoValuesUnlessAsked() throws IOException {
    JsonNode doc = Json.MAPPER.readTree(Cli.run("path", dump.toString(), "--class", K + "$Widget", "--format", "json").out());
    String address = doc.get("routes").get(0).get("steps").get(doc.get("routes").get(0).get("steps").size() - 1)
        .get("address").asText();
    Cli hidden = Cli.run("show", dump.toString(), address);
    assertThat(hidden.exitCode()).isZero();
    assertThat(hidden.out()).contains("class\t" + K + "$Widget").contains("  id\tint").doesNotContain("= ");
    Cli shown = Cli.run("show", dump.toString(), address, "--show-values");
    assertThat(shown.out()).containsPattern("  id\tint\t= \\d+");
  }

  /** The steps of the first route to a class's instances, root first: their addresses by class name. */
  private static List<JsonNode> stepsTo(String className) throws IOException {
    JsonNode doc = Json.MAPPER.readTree(Cli.run("path", dump.toString(), "--class", className, "--format", "json").out());
    List<JsonNode> steps = new java.util.ArrayList<>();
    doc.get("routes").get(0).get("steps").forEach(steps::add);
    return steps;
  }

  @Test
  void showSaysWhenTheLimitCutItsLists() throws IOException {
    List<JsonNode> steps = stepsTo(K + "$Widget");
    String array = steps.get(steps.size() - 2).get("address").asText(); // the Widget[] that holds them
    Cli r = Cli.run("show", dump.toString(), array, "--limit", "5");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("  … " + (KnownCounts.WIDGETS - 5) + " more (--limit 5; raise it to see them)");
    JsonNode json = Json.MAPPER.readTree(Cli.run("show", dump.toString(), array, "--limit", "5", "--format", "json").out());
    assertThat(json.get("fields")).hasSize(5);
    assertThat(json.get("field_count").asLong()).isEqualTo(KnownCounts.WIDGETS);
    Cli whole = Cli.run("show", dump.toString(), array, "--limit", String.valueOf(KnownCounts.WIDGETS));
    assertThat(whole.out()).doesNotContain(" more (--limit");
  }

  @Test
  void showValuesGivesAPrimitiveArraysFirstElementsAndAClassesPrimitiveStatics() throws IOException {
    List<JsonNode> steps = stepsTo(K + "$Gadget");
    String gadget = steps.get(steps.size() - 1).get("address").asText();
    JsonNode g = Json.MAPPER.readTree(Cli.run("show", dump.toString(), gadget, "--format", "json").out());
    String ints = g.get("fields").get(0).get("target").asText();
    Cli hidden = Cli.run("show", dump.toString(), ints, "--limit", "5");
    assertThat(hidden.out()).contains("kind\tprimitive array\tlength " + KnownCounts.GADGET_INTS).doesNotContain("elements");
    Cli shown = Cli.run("show", dump.toString(), ints, "--limit", "5", "--show-values");
    assertThat(shown.out()).contains("  elements\tint\t= [0, 0, 0, 0, 0, … " + (KnownCounts.GADGET_INTS - 5) + " more]");

    // The class object refers to the Gadget[] where the route starts, by a static of KnownCounts.
    String array = steps.get(0).get("address").asText();
    JsonNode referrer = Json.MAPPER.readTree(Cli.run("show", dump.toString(), array, "--format", "json").out())
        .get("referrers").get(0);
    assertThat(referrer.get("field").asText()).isEqualTo("static " + K + ".GADGET_ARRAY");
    String mirror = referrer.get("target").asText();
    Cli statics = Cli.run("show", dump.toString(), mirror, "--show-values", "--limit", "100");
    assertThat(statics.out()).contains("class\tjava.lang.Class (" + K + ")")
        .contains("  static " + K + ".WIDGETS\tint\t= " + KnownCounts.WIDGETS)
        .contains("  static " + K + ".GADGET_INTS\tint\t= " + KnownCounts.GADGET_INTS);
    assertThat(Cli.run("show", dump.toString(), mirror, "--limit", "100").out())
        .contains("  static " + K + ".WIDGETS\tint\n");
  }
}
