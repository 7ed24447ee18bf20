package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --write-baseline} and {@code --baseline} on {@link GoldenDumps}: the findings of today's
 * dumps are recorded, and a later run fails only on findings the baseline does not hold.
 */
class BaselineTest {
  @TempDir static Path dir;
  static String[] today;
  /** The same service with one more leak: tokens in a static store. */
  static String[] tomorrow;
  /** A leaking class and, with the tokens, a finding's key (its owner's class) that carry hostile names. */
  static String[] hostile;

  @BeforeAll
  static void write() throws IOException {
    today = new String[3];
    tomorrow = new String[3];
    hostile = new String[3];
    for (int n = 1; n <= 3; n++) {
      today[n - 1] = GoldenDumps.write(n, dir.resolve("today-" + n + ".hprof")).toString();
      tomorrow[n - 1] = GoldenDumps.dump(n, "com/acme/Session", GoldenDumps.TOKEN_STORE)
          .writeTo(dir.resolve("tomorrow-" + n + ".hprof")).toString();
      hostile[n - 1] = GoldenDumps.dump(n, CiFormatsTest.HOSTILE, CiFormatsTest.HOSTILE + "Store")
          .writeTo(dir.resolve("hostile-" + n + ".hprof")).toString();
    }
  }

  static String[] args(String[] dumps, String... extra) {
    String[] a = Arrays.copyOf(dumps, dumps.length + extra.length);
    System.arraycopy(extra, 0, a, dumps.length, extra.length);
    return a;
  }

  static List<String> keys(Cli jsonRun) throws IOException {
    List<String> keys = new ArrayList<>();
    for (JsonNode f : Json.MAPPER.readTree(jsonRun.out()).get("findings")) {
      keys.add(f.get("key").asText());
    }
    return keys;
  }

  /** The baseline's entries: its lines that are neither blank nor comments. */
  static List<String> entries(Path baseline) throws IOException {
    return Files.readAllLines(baseline).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
  }

  @Test
  void aBaselineHoldsEveryFindingsKeyUnderACommentSayingWhatItWas() throws IOException {
    Path baseline = dir.resolve("written.txt");
    Cli w = Cli.run(args(today, "--write-baseline", baseline.toString()));
    assertThat(w.exitCode()).isZero();
    assertThat(w.err()).isEmpty();
    List<String> keys = keys(Cli.run(args(today, "--format", "json")));
    assertThat(keys).hasSizeGreaterThanOrEqualTo(2);
    assertThat(entries(baseline)).containsExactlyElementsOf(keys);
    List<String> lines = Files.readAllLines(baseline);
    int session = lines.indexOf(keys.stream().filter(k -> k.contains("Registry.SESSIONS")).findFirst().orElseThrow());
    assertThat(lines.get(session - 1)).startsWith("# leak  " + GoldenDumps.SESSION_CLASS + "  +")
        .contains(" bytes  at static com.acme.Registry.SESSIONS");
  }

  @Test
  void findingsInTheBaselineCrossNoGateAndAreMarked() {
    Path baseline = dir.resolve("today.txt");
    assertThat(Cli.run(args(today, "--write-baseline", baseline.toString())).exitCode()).isZero();
    assertThat(Cli.run(args(today, "--fail-on-leak")).exitCode()).isEqualTo(1);

    Cli r = Cli.run(args(today, "--baseline", baseline.toString(), "--fail-on-leak", "--fail-on-growth", "1", "--no-paths"));
    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    List<String> findings = r.out().lines().filter(l -> !l.startsWith("heap  ") && !l.startsWith("verdict  ")).toList();
    assertThat(findings).isNotEmpty().allMatch(l -> l.endsWith("  (baseline)"));
  }

  @Test
  void aNewLeakFailsAndIsTheOnlyFindingNamed() throws IOException {
    Path baseline = dir.resolve("before-tokens.txt");
    assertThat(Cli.run(args(today, "--write-baseline", baseline.toString())).exitCode()).isZero();

    Cli r = Cli.run(args(tomorrow, "--baseline", baseline.toString(), "--fail-on-leak"));
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.errLines()).singleElement().asString()
        .startsWith("memdiff: threshold crossed: leak: " + GoldenDumps.TOKEN_CLASS + "  ")
        .contains("com.acme.TokenStore.TOKENS");
    List<String> lines = r.out().lines().filter(l -> !l.startsWith(" ") && !l.startsWith("heap  ") && !l.startsWith("verdict  ")).toList();
    assertThat(lines).filteredOn(l -> !l.endsWith("  (baseline)")).singleElement().asString()
        .startsWith("leak  " + GoldenDumps.TOKEN_CLASS + "  ");

    Cli json = Cli.run(args(tomorrow, "--baseline", baseline.toString(), "--format", "json"));
    for (JsonNode f : Json.MAPPER.readTree(json.out()).get("findings")) {
      assertThat(f.get("baseline").asBoolean()).as(f.get("key").asText())
          .isEqualTo(!f.get("class").asText().equals(GoldenDumps.TOKEN_CLASS));
    }
  }

  @Test
  void theJsonMarksFindingsAsDocsJsonSays() throws IOException {
    Path baseline = dir.resolve("json.txt");
    assertThat(Cli.run(args(today, "--write-baseline", baseline.toString())).exitCode()).isZero();
    JsonNode doc = Json.MAPPER.readTree(Cli.run(args(today, "--baseline", baseline.toString(), "--format", "json")).out());
    JsonDoc.Section diff = JsonDoc.parse(Files.readString(JsonGoldenTest.DOC, StandardCharsets.UTF_8)).stream()
        .filter(s -> s.fields().containsKey("findings[].key")).findFirst().orElseThrow();
    assertThat(diff.fields()).containsEntry("findings[].baseline", "boolean, optional");
    assertThat(diff.fields().keySet()).containsAll(JsonDoc.fieldsOf(doc, diff.maps()));
    assertThat(doc.get("findings")).allMatch(f -> f.get("baseline").asBoolean());
  }

  @Test
  void entriesNoFindingMatchesAreListedAsStale() throws IOException {
    Path baseline = dir.resolve("with-tokens.txt");
    assertThat(Cli.run(args(tomorrow, "--write-baseline", baseline.toString())).exitCode()).isZero();
    String tokens = entries(baseline).stream().filter(k -> k.contains("TokenStore.TOKENS")).findFirst().orElseThrow();
    Files.writeString(baseline, "\n# gone since\nno such key\n", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);

    Cli r = Cli.run(args(today, "--baseline", baseline.toString(), "--fail-on-leak"));
    assertThat(r.exitCode()).isZero();
    assertThat(r.errLines()).containsExactly(
        "memdiff: baseline: stale entry " + tokens + " (no such finding now)",
        "memdiff: baseline: stale entry no such key (no such finding now)");
  }

  @Test
  void hostileNamesStayOneCommentLineAndTheirKeysStillMatch() throws IOException {
    Path baseline = dir.resolve("hostile.txt");
    assertThat(Cli.run(args(hostile, "--write-baseline", baseline.toString())).exitCode()).isZero();
    List<String> lines = Files.readAllLines(baseline, StandardCharsets.UTF_8);
    int findings = keys(Cli.run(args(hostile, "--format", "json"))).size();
    // Two header lines, then for each finding a blank line, its comment and its key.
    assertThat(lines).hasSize(2 + 3 * findings);
    assertThat(lines).filteredOn(l -> l.startsWith("# ")).hasSize(2 + findings)
        .anyMatch(l -> l.startsWith("# leak  " + Text.safe(CiFormatsTest.HOSTILE_CLASS) + "  +"));
    String storeKey = Text.safe(CiFormatsTest.HOSTILE_CLASS + "Store");
    assertThat(entries(baseline)).anyMatch(k -> k.contains(storeKey + ".TOKENS"));
    assertThat(String.join("\n", lines)).doesNotContain("\u0001").doesNotContain("\n::error");

    Cli r = Cli.run(args(hostile, "--baseline", baseline.toString(), "--fail-on-leak"));
    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void aBaselineThatCannotBeReadIsAUsageErrorOfOneLine() throws IOException {
    Cli missing = Cli.run(args(today, "--baseline", dir.resolve("missing.txt").toString()));
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.errLines()).containsExactly("memdiff: --baseline " + dir.resolve("missing.txt") + ": no such file");

    Cli folder = Cli.run(args(today, "--baseline", dir.toString()));
    assertThat(folder.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(folder.errLines()).hasSize(1);

    Path notText = Files.write(dir.resolve("latin1.txt"), new byte[] {'k', (byte) 0xE9, '\n'});
    Cli binary = Cli.run(args(today, "--baseline", notText.toString()));
    assertThat(binary.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(binary.errLines()).containsExactly("memdiff: --baseline " + notText + ": cannot read it: not UTF-8 text");
  }

  @Test
  void aBaselineThatCannotBeWrittenExitsFiveAndLeavesNoFile() {
    Path target = dir.resolve("no-such-dir").resolve("baseline.txt");
    Cli r = Cli.run(args(today, "--write-baseline", target.toString()));
    assertThat(r.exitCode()).isEqualTo(ExitCodes.WRITE);
    assertThat(r.errLines()).singleElement().asString().startsWith("memdiff: cannot write " + target);
    assertThat(target).doesNotExist();
  }
}
