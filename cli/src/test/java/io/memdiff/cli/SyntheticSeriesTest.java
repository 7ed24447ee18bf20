package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.memdiff.testdata.synthetic.SyntheticHeap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** memdiff against the synthetic writer's own counts: what the writer says it wrote is the truth. */
class SyntheticSeriesTest {
  private static final String SESSION = "com.example.app.Session";
  @TempDir static Path dir;
  static final List<Path> dumps = new ArrayList<>();
  static final List<JsonNode> truths = new ArrayList<>();

  @BeforeAll
  static void writeSeries() throws IOException {
    SyntheticHeap.Params params = new SyntheticHeap.Params(3 << 20, 3, 7, 8, 64 << 10);
    for (int k = 1; k <= 3; k++) {
      SyntheticHeap.Written w = SyntheticHeap.write(dir, params, k);
      dumps.add(w.dump());
      truths.add(Json.MAPPER.readTree(w.counts().toFile()));
    }
  }

  @Test
  void theLeakFindingGrowsByExactlyTheSessionsTheRegistryGainedPerDump() throws IOException {
    Cli r = Cli.run(dumps.get(0).toString(), dumps.get(1).toString(), dumps.get(2).toString(), "--format", "json",
        "--no-paths");
    assertThat(r.exitCode()).isZero();
    JsonNode leak = null;
    for (JsonNode f : Json.MAPPER.readTree(r.out()).get("findings")) {
      if (f.get("class").asText().equals(SESSION) && f.get("shape").asText().equals("leak")) {
        leak = f;
      }
    }
    assertThat(leak).as("a leak finding for %s in %s", SESSION, r.out()).isNotNull();
    long perDump = truths.get(0).get("leak").get("growth_per_dump").asLong();
    assertThat(perDump).isPositive();
    assertThat(leak.get("growth_objects").asLong()).isEqualTo(perDump);
    for (int k = 0; k < 3; k++) {
      assertThat(leak.get("counts").get(k).asLong()).isEqualTo(truths.get(k).get("leak").get("objects").asLong())
          .isEqualTo((k + 1) * perDump);
    }
    assertThat(leak.get("owner").asText()).isEqualTo(truths.get(0).get("leak").get("owner").asText());
  }

  @Test
  void theHistogramOfEveryDumpHasTheWrittenCountsAndSizesOfEveryClass() throws IOException {
    for (int k = 0; k < 3; k++) {
      Cli r = Cli.run("histo", dumps.get(k).toString(), "--format", "json");
      assertThat(r.exitCode()).isZero();
      Map<String, JsonNode> rows = new HashMap<>();
      for (JsonNode c : Json.MAPPER.readTree(r.out()).get("classes")) {
        rows.put(c.get("name").asText(), c);
      }
      JsonNode truth = truths.get(k);
      assertThat(truth.get("histogram")).hasSizeGreaterThan(10);
      for (JsonNode expected : truth.get("histogram")) {
        JsonNode row = rows.remove(expected.get("class").asText());
        assertThat(row).as(expected.toString()).isNotNull();
        assertThat(row.get("count").asLong()).as(expected.toString()).isEqualTo(expected.get("count").asLong());
        assertThat(row.get("shallow_bytes").asLong()).as(expected.toString())
            .isEqualTo(expected.get("shallow_bytes").asLong());
      }
      // The class mirrors, which are CLASS DUMPs rather than instances, are all that is left.
      assertThat(rows.keySet()).containsExactly("java.lang.Class");
      assertThat(rows.get("java.lang.Class").get("count").asLong()).isEqualTo(truth.get("classes").asLong());
    }
  }

  @Test
  void summaryReadsEveryDumpWithoutAWarningAndCountsEveryObject() throws IOException {
    for (int k = 0; k < 3; k++) {
      Cli r = Cli.run("summary", dumps.get(k).toString(), "--format", "json");
      assertThat(r.exitCode()).isZero();
      assertThat(r.err()).isEmpty();
      JsonNode truth = truths.get(k);
      assertThat(r.out()).contains("\"objects\" : " + (truth.get("objects").asLong() + truth.get("classes").asLong()))
          .contains("compressed oops", "inferred from Object[] address gaps");
      assertThat(truth.get("segments").asLong()).isGreaterThan(10);
    }
  }
}
