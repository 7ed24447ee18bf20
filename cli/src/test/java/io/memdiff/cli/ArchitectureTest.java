package io.memdiff.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The command line parses, calls the engine and renders: it reaches the analysis only through the
 * engine's API ({@code io.memdiff.engine}) and the result and error types the engine returns, never
 * through an index, graph or parser internal.
 */
class ArchitectureTest {
  /** The engine's results and errors from the modules below it, which a command may render or catch. */
  private static final Set<String> RESULT_TYPES = Set.of(
      "io.memdiff.diff.AllocationStack", "io.memdiff.diff.DiffOptions", "io.memdiff.diff.DiffReport",
      "io.memdiff.diff.DumpMeta",
      "io.memdiff.diff.Finding", "io.memdiff.diff.Grouping", "io.memdiff.diff.PathStep", "io.memdiff.diff.Shape",
      "io.memdiff.diff.SiteDiff", "io.memdiff.diff.SiteReachability", "io.memdiff.diff.SiteSummary",
      "io.memdiff.paths.RouteReport", "io.memdiff.paths.ObjectReport",
      "io.memdiff.hprof.HprofFormatException", "io.memdiff.hprof.NoSuchDumpException",
      "io.memdiff.hprof.ScratchSpaceException");

  private static final Pattern MEMDIFF_TYPE = Pattern.compile("\\bio\\.memdiff\\.(\\w+)\\.([A-Z]\\w*)");

  @Test
  void commandsUseOnlyTheEngineApiAndItsResultTypes() throws IOException {
    List<String> reaches = new ArrayList<>();
    for (Path source : sources(Path.of("src/main/java"))) {
      Matcher m = MEMDIFF_TYPE.matcher(Files.readString(source));
      while (m.find()) {
        String type = m.group();
        String module = m.group(1);
        boolean allowed = module.equals("cli") || module.equals("engine") || module.equals("testdata")
            || RESULT_TYPES.contains(type);
        if (!allowed) {
          reaches.add(source.getFileName() + " -> " + type);
        }
      }
    }
    assertThat(reaches).isEmpty();
  }

  @Test
  void theCheckSeesSourcesAtAll() throws IOException {
    assertThat(sources(Path.of("src/main/java"))).hasSizeGreaterThan(10);
  }

  static List<Path> sources(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }
}
