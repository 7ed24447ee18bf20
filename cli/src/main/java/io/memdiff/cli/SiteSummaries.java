package io.memdiff.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.memdiff.diff.SiteSummarizer;
import io.memdiff.diff.SiteSummary;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.HprofFormatException;
import io.memdiff.paths.HeapAnalysis;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Turns a diff input into a {@link SiteSummary}: a dump is analysed (then dropped), a summary file read. */
final class SiteSummaries {
  private SiteSummaries() {}

  static SiteSummary load(Path input, DumpOptions options, Consumer<String> phase, java.io.PrintWriter err)
      throws IOException {
    if (isSummaryFile(input)) {
      return read(input);
    }
    SiteSummary summary;
    try (HprofFile file = options.open(input)) {
      phase.accept("reading " + input);
      DumpCatalog catalog = options.catalog(file);
      Warnings.print(err, catalog);
      HeapAnalysis analysis = HeapAnalysis.analyse(catalog, options.scanOptions(), true,
          SiteSummarizer.needsRoutes(catalog),
          p -> phase.accept(p + " of " + input));
      phase.accept("summarizing sites of " + input);
      summary = SiteSummarizer.summarize(analysis, input.toString());
    }
    // The analysis is garbage now, all but its summary: the next dump's reuses its pages, and the
    // closed dump's mapping is released, so memory follows the largest dump, not the number of dumps.
    io.memdiff.hprof.Memory.collectBetweenPhases();
    return summary;
  }

  static boolean isSummaryFile(Path input) throws IOException {
    if (!Files.isRegularFile(input)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(input)) {
      int b;
      do {
        b = in.read();
      } while (b == ' ' || b == '\n' || b == '\r' || b == '\t');
      return b == '{';
    }
  }

  static SiteSummary read(Path file) throws IOException {
    SiteSummary s;
    try {
      s = Json.MAPPER.readValue(file.toFile(), SiteSummary.class);
    } catch (JsonProcessingException e) {
      long offset = e.getLocation() == null ? 0 : Math.max(0, e.getLocation().getCharOffset());
      throw new HprofFormatException(file, offset, "not a memdiff site summary: " + e.getOriginalMessage());
    }
    if (s.schemaVersion() != SiteSummary.SCHEMA_VERSION || s.dump() == null || s.sites() == null) {
      throw new HprofFormatException(file, 0, "site summary schema version " + s.schemaVersion()
          + " is not supported (expected " + SiteSummary.SCHEMA_VERSION + ")");
    }
    return s;
  }

  static void write(SiteSummary summary, Path file) throws IOException {
    Json.MAPPER.writeValue(file.toFile(), summary);
  }
}
