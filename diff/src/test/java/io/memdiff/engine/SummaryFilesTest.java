package io.memdiff.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memdiff.diff.DumpMeta;
import io.memdiff.diff.PathStep;
import io.memdiff.diff.SiteKind;
import io.memdiff.diff.SiteReachability;
import io.memdiff.diff.SiteStats;
import io.memdiff.diff.SiteSummary;
import io.memdiff.hprof.HprofFormatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Summary files: what is written reads back equal, later versions' extra fields are skipped, others refused. */
class SummaryFilesTest {
  @TempDir Path dir;

  private static SiteSummary summary() {
    DumpMeta dump = new DumpMeta("a.hprof", 1_700_000_000_000L, 8, 42, 4200, false, SiteKind.RETENTION,
        "header 12, reference 4, align 8");
    SiteStats site = new SiteStats("k1", "com.acme.Session", "at static com.acme.Registry.SESSIONS",
        List.of(new PathStep("static com.acme.Registry.SESSIONS", "java.util.HashMap")), 7, 168, 560,
        SiteReachability.STRONG, List.of("0x10", "0x28"), 0, 0, List.of());
    return new SiteSummary(SiteSummary.SCHEMA_VERSION, dump, List.of(site));
  }

  private Path written(SiteSummary s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SummaryFiles.write(s, out);
    Path file = dir.resolve("s.json");
    Files.write(file, out.toByteArray());
    return file;
  }

  @Test
  void whatIsWrittenReadsBackEqual() throws IOException {
    Path file = written(summary());
    assertThat(SummaryFiles.isSummaryFile(file)).isTrue();
    assertThat(SummaryFiles.read(file)).isEqualTo(summary());
  }

  @Test
  void kindsAreWrittenAsTheirLowercaseWords() throws IOException {
    assertThat(Files.readString(written(summary()))).contains("\"site_kind\":\"retention\"", "\"reachability\":\"strong\"");
  }

  @Test
  void fieldsItDoesNotKnowAreSkipped() throws IOException {
    Path file = written(summary());
    String json = Files.readString(file)
        .replaceFirst("\\{", "{\"added_later\":{\"x\":[1,2]},")
        .replace("\"layout\":", "\"gc\":\"G1\",\"layout\":")
        .replace("\"count\":7", "\"count\":7,\"age_seconds\":3.5");
    Files.writeString(file, json);
    assertThat(json).contains("added_later", "\"gc\"", "age_seconds");
    assertThat(SummaryFiles.read(file)).isEqualTo(summary());
  }

  @Test
  void anotherVersionIsRefusedInMemdiffsWords() throws IOException {
    Path file = written(summary());
    Files.writeString(file, Files.readString(file).replace("\"schema_version\":" + SiteSummary.SCHEMA_VERSION,
        "\"schema_version\":" + (SiteSummary.SCHEMA_VERSION + 1)));
    assertThatThrownBy(() -> SummaryFiles.read(file)).isInstanceOf(HprofFormatException.class)
        .hasMessageContaining("schema version " + (SiteSummary.SCHEMA_VERSION + 1) + " is not supported");
  }

  @Test
  void aTruncatedFileSaysSoWithoutTheLibrarysWords() throws IOException {
    Path file = written(summary());
    byte[] all = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(all, all.length / 2));
    assertThatThrownBy(() -> SummaryFiles.read(file)).isInstanceOf(HprofFormatException.class)
        .hasMessageContaining("truncated site summary")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("jackson", "Feature", "REDACTED"));
  }

  @Test
  void theFileIsCompactJson() throws IOException {
    String json = new String(Files.readAllBytes(written(summary())), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("\n").startsWith("{\"schema_version\":");
  }
}
