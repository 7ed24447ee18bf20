package io.memdiff.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.memdiff.diff.SiteSummarizer;
import io.memdiff.diff.SiteSummary;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.HprofFormatException;
import io.memdiff.hprof.ScanOptions;
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
    SiteSummary summary = summarize(prepare(input, options, phase, err, false), phase, () -> {});
    // The analysis is garbage now, all but its summary: the next dump's reuses its pages, and the
    // closed dump's mapping is released, so memory follows the largest dump, not the number of dumps.
    io.memdiff.hprof.work.Memory.collectBetweenPhases();
    return summary;
  }

  /**
   * A diff input made ready for {@link #summarize}: a summary file read, or a dump opened and
   * catalogued, and indexed unless that is left to {@code summarize}.
   */
  static final class Input implements AutoCloseable {
    final Path path;
    final SiteSummary summary;
    final HprofFile file;
    final DumpCatalog catalog;
    final ScanOptions scanOptions;
    final HeapIndex index;

    private Input(Path path, SiteSummary summary, HprofFile file, DumpCatalog catalog, ScanOptions scanOptions,
        HeapIndex index) {
      this.path = path;
      this.summary = summary;
      this.file = file;
      this.catalog = catalog;
      this.scanOptions = scanOptions;
      this.index = index;
    }

    @Override
    public void close() throws IOException {
      if (file != null) {
        file.close();
      }
    }
  }

  /**
   * @param indexWhenRoomy index the dump too if the heap has room for its index beside what is live
   *     now (another dump's analysis, when the caller reads ahead)
   */
  static Input prepare(Path input, DumpOptions options, Consumer<String> phase, java.io.PrintWriter err,
      boolean indexWhenRoomy) throws IOException {
    if (isSummaryFile(input)) {
      return new Input(input, read(input), null, null, null, null);
    }
    HprofFile file = options.open(input);
    try {
      phase.accept("reading " + input);
      // Read ahead, the dump is catalogued beside another's analysis: it is not to keep its objects
      // for the index then (12 bytes each more at that peak), but read them again if there is room.
      // Keeping them when the heap had thrice the dump's size free was slower still: the 1.3 GB diff
      // 7.7-8.6 s against 8.3-9.2 s in four alternating runs, with more peak RSS.
      DumpCatalog catalog = options.catalog(file, !indexWhenRoomy);
      Warnings.print(err, catalog);
      HeapIndex index = null;
      if (indexWhenRoomy && roomForIndex(catalog)) {
        phase.accept("indexing objects of " + input);
        index = HeapIndex.build(catalog, options.scanOptions());
      }
      return new Input(input, null, file, catalog, options.scanOptions(), index);
    } catch (IOException | RuntimeException | Error e) {
      file.close();
      throw e;
    }
  }

  static void closeQuietly(Input input) {
    try {
      input.close();
    } catch (IOException e) {
      // already failing for another reason
    }
  }

  /**
   * The index takes about 16 bytes per object once built and as much again while it is built; twice
   * that, to leave the analysis it is built beside room to finish.
   */
  private static boolean roomForIndex(DumpCatalog catalog) {
    Runtime rt = Runtime.getRuntime();
    long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    return free > 64 * catalog.objects();
  }

  /**
   * Analyses and summarizes a prepared input, then closes it. Its analysis is garbage then, all but
   * the summary.
   *
   * @param afterSearch run once the shortest paths are found, while the rest of the analysis (the
   *     dominator tree, the sites) goes on: when a caller reads the next input ahead
   */
  static SiteSummary summarize(Input input, Consumer<String> phase, Runnable afterSearch) throws IOException {
    if (input.summary != null) {
      afterSearch.run();
      return input.summary;
    }
    SiteSummary summary;
    try (input) {
      Consumer<String> of = p -> phase.accept(p + " of " + input.path);
      HeapAnalysis analysis = input.index != null
          ? HeapAnalysis.analyse(input.index, true, of)
          : HeapAnalysis.analyse(input.catalog, input.scanOptions, true, of); // indexes it first
      afterSearch.run();
      phase.accept("summarizing sites of " + input.path);
      summary = SiteSummarizer.summarize(analysis, input.path.toString());
    }
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
      throw new HprofFormatException(file, offsetOf(e), unreadable(e));
    }
    if (s.schemaVersion() != SiteSummary.SCHEMA_VERSION || s.dump() == null || s.sites() == null) {
      throw new HprofFormatException(file, 0, "site summary schema version " + s.schemaVersion()
          + " is not supported (expected " + SiteSummary.SCHEMA_VERSION + ")");
    }
    return s;
  }

  private static long offsetOf(JsonProcessingException e) {
    if (e.getLocation() == null) {
      return 0;
    }
    long bytes = e.getLocation().getByteOffset();
    return Math.max(0, bytes >= 0 ? bytes : e.getLocation().getCharOffset());
  }

  /**
   * What is wrong with a summary that does not parse, in memdiff's words: the JSON library's own
   * messages name its classes and options, which say nothing to a user.
   */
  static String unreadable(JsonProcessingException e) {
    String where = e.getLocation() == null ? ""
        : ", line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ",";
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof com.fasterxml.jackson.core.io.JsonEOFException || original.contains("end-of-input")) {
      return "truncated site summary (cut short when written? summarize the dump again): it ends in the middle"
          + " of its data" + where;
    }
    if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException
        || e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException) {
      return "not a memdiff site summary: a field has an unexpected name or type" + where;
    }
    return "not a memdiff site summary: not well-formed JSON" + where;
  }

  /** Summaries are read by programs: no indentation (a quarter of a pretty-printed one's size). */
  private static final com.fasterxml.jackson.databind.ObjectWriter COMPACT =
      Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

  /** Writes a summary whole or not at all ({@link OutputFile}). */
  static void write(SiteSummary summary, Path file) throws IOException {
    OutputFile.write(file, out -> COMPACT.writeValue(nonClosing(out), summary));
  }

  private static java.io.OutputStream nonClosing(java.io.OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
