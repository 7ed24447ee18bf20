package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code path --id} takes the example list a diff line prints, as sheap takes the objects of a diff. */
class PathIdsTest {
  @TempDir Path dir;

  @Test
  void theExamplesOfAFindingShareItsRoute() throws IOException {
    String[] dumps = new String[3];
    for (int k = 0; k < 3; k++) {
      dumps[k] = GoldenDumps.write(k + 1, dir.resolve((k + 1) + ".hprof")).toString();
    }
    Cli diff = Cli.run(dumps[0], dumps[1], dumps[2], "--format", "json");
    assertThat(diff.exitCode()).as(diff.err()).isZero();
    JsonNode finding = new ObjectMapper().readTree(diff.out()).get("findings").get(0);
    List<String> examples = new ArrayList<>();
    finding.get("examples").forEach(e -> examples.add(e.asText()));
    assertThat(examples).hasSizeGreaterThan(1);

    Cli path = Cli.run("path", dumps[2], "--id", String.join(",", examples), "--fold", "--format", "json");
    assertThat(path.exitCode()).as(path.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(path.out());
    assertThat(report.get("instances").asLong()).isEqualTo(examples.size());
    // The examples are objects of one site, so one route holds them all, ending at their class.
    assertThat(report.get("routes")).hasSize(1);
    JsonNode route = report.get("routes").get(0);
    assertThat(route.get("instances").asLong()).isEqualTo(examples.size());
    JsonNode steps = route.get("steps");
    assertThat(steps.get(steps.size() - 1).get("class_name").asText()).isEqualTo(finding.get("class").asText());

    Cli one = Cli.run("path", dumps[2], "--id", examples.get(0), "--format", "json");
    assertThat(new ObjectMapper().readTree(one.out()).get("instances").asLong()).isEqualTo(1);
    Cli empty = Cli.run("path", dumps[2], "--id", ",");
    assertThat(empty.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(empty.errLines()).singleElement().asString().isEqualTo("memdiff: --id needs at least one address");
  }
}
