package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** hprof-slurp's class-histogram diff of its two dumps, through `memdiff --by class`. */
class CorpusDiffTest {
  private static final Path SLURP = Path.of("..", "..", "shared", "corpus", "hprof-slurp");

  @Test
  void instanceCountChangesPerClassMatchHprofSlurp() throws IOException {
    Path expected = SLURP.resolve("expected").resolve("hprof-diff-32-to-64-result.txt");
    assumeTrue(Files.isRegularFile(expected), "corpus not present");
    Cli r = Cli.run(SLURP.resolve("hprof-32.bin").toString(), SLURP.resolve("hprof-64.bin").toString(),
        "--by", "class", "--no-paths", "--min-bytes", "0", "--unreachable"); // hprof-slurp counts every object
    assertThat(r.exitCode()).isZero();
    // e.g. "  +1.99MiB   432   1.14KiB → 1.99MiB   4 → 436  int[]"
    Pattern row = Pattern.compile("\\s+(\\d+) → (\\d+)\\s+(\\S+)\\s*$");
    int checked = 0;
    for (String line : Files.readAllLines(expected)) {
      Matcher m = row.matcher(line);
      if (!m.find()) {
        continue;
      }
      long from = Long.parseLong(m.group(1));
      long to = Long.parseLong(m.group(2));
      String cls = m.group(3);
      String ours = Arrays.stream(r.out().split("\\R")).filter(l -> l.matches("^\\S+  " + Pattern.quote(cls) + "  .*"))
          .findFirst().orElse(null);
      if (from == 0 && cls.endsWith("[]")) {
        continue; // hprof-slurp names the agent dump's object arrays X[][] (one [] too many): no match by name
      }
      if (to > from) {
        assertThat(ours).as(cls).isNotNull().contains("counts " + from + "," + to);
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(10);
  }

  /**
   * An hprof-agent dump records every object's allocation trace: each allocation site's
   * allocation_stacks are its objects' traces, innermost frame the site's own, one sample per object.
   */
  @Test
  void agentTracesFillTheAllocationStacksOfTheirSites() throws IOException {
    Path dump = Path.of("..", "..", "shared", "corpus", "eclipse-mat", "oracle_jdk7_21_hprofagent.hprof");
    assumeTrue(Files.isRegularFile(dump), "corpus not present");
    Path out = Files.createTempFile("memdiff-agent-", ".json");
    try {
      Cli r = Cli.run("summarize", dump.toString(), "-o", out.toString());
      assertThat(r.exitCode()).as(r.err()).isZero();
      JsonNode summary = new ObjectMapper().readTree(out.toFile());
      assertThat(summary.get("dump").get("site_kind").asText()).isEqualTo("allocation");
      int checked = 0;
      for (JsonNode site : summary.get("sites")) {
        JsonNode stacks = site.get("allocation_stacks");
        if (stacks == null) {
          continue; // objects without a trace are keyed by their path, as in other dumps
        }
        long samples = 0;
        for (JsonNode st : stacks) {
          assertThat("at " + st.get("frames").get(0).asText()).isEqualTo(site.get("site").asText());
          samples += st.get("samples").asLong();
        }
        assertThat(samples).as(site.get("key").asText()).isEqualTo(site.get("count").asLong());
        checked++;
      }
      assertThat(checked).isGreaterThanOrEqualTo(100);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
