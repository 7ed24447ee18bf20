package io.memdiff.engine;

import io.memdiff.diff.DiffEngine;
import io.memdiff.diff.DiffOptions;
import io.memdiff.diff.DiffReport;
import io.memdiff.diff.SiteSummary;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.MappedFile;
import io.memdiff.hprof.work.Memory;
import io.memdiff.hprof.work.Tasks;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * What memdiff's commands ask of the engine: open and analyse a dump, summarize dumps, diff
 * summaries, read and write summary files. Each command parses its options, calls one or two of
 * these, and renders the result. {@code phase} callbacks name each phase as it starts (for progress
 * lines); {@code warn} ones receive what a lenient read lost.
 */
public final class Engine {
  private Engine() {}

  /** Opens and catalogues a dump, to be {@linkplain OpenDump#analyse analysed} or asked for {@linkplain OpenDump#facts facts}. */
  /**
   * How many threads each pass of the analysis splits into from now on: 0 (the default) for the
   * cores this JVM is given. The output is the same for any number.
   */
  public static void useThreads(int threads) {
    Tasks.useThreads(threads);
  }

  public static OpenDump open(Path dump, ReadOptions options, Consumer<String> phase) throws IOException {
    return OpenDump.open(dump, options, true, phase);
  }

  /** Opens and catalogues a dump for its class histogram only: its object records are not kept. */
  public static OpenDump openForHistogram(Path dump, ReadOptions options, Consumer<String> phase) throws IOException {
    return OpenDump.open(dump, options, false, phase);
  }

  /** The site summary of one input: a dump analysed (then dropped), or a summary file read. */
  public static SiteSummary summarize(Path input, ReadOptions options, Consumer<String> phase, Consumer<String> warn)
      throws IOException {
    return new SummaryLoader(options, phase, warn).load(input);
  }

  /**
   * The site summaries of a diff's inputs, in order.
   *
   * @param parallel how many dumps to analyse at a time; each needs its own memory (1: in turn, the
   *     next read ahead)
   */
  public static List<SiteSummary> summarizeAll(List<Path> inputs, ReadOptions options, int parallel,
      Consumer<String> phase, Consumer<String> warn) throws IOException {
    return new SummaryLoader(options, phase, warn).loadAll(inputs, parallel);
  }

  public static DiffReport diff(List<SiteSummary> summaries, DiffOptions options) {
    return DiffEngine.diff(summaries, options);
  }

  /**
   * Which part of the process's memory explains the growth of its RSS, from a process record per
   * dump (null where a dump has none) and the dumps' diff.
   *
   * @param recordFiles per dump the record's file as named to the user, null where there is none
   */
  public static MemoryAccount accountMemory(List<SiteSummary> summaries, DiffReport report,
      List<ProcessRecord> records, List<String> recordFiles) {
    return MemoryAccounting.account(summaries, report, records, recordFiles);
  }

  /** Whether this file is a site summary (JSON) rather than a dump. */
  public static boolean isSummaryFile(Path input) throws IOException {
    return SummaryFiles.isSummaryFile(input);
  }

  public static SiteSummary readSummary(Path file) throws IOException {
    return SummaryFiles.read(file);
  }

  /** Writes a summary as compact JSON to {@code out}, which stays open. */
  public static void writeSummary(SiteSummary summary, OutputStream out) throws IOException {
    SummaryFiles.write(summary, out);
  }

  /**
   * Maps a dump ahead of {@link #open} so that its pages are read in while the caller does other
   * work; returns whether it did (only an uncompressed HPROF file is mapped).
   */
  public static boolean mapEarly(Path dump) {
    return HprofFile.mapEarly(dump);
  }

  /**
   * Which dump changed size or time since it was mapped, described for the user, or null: what to say
   * when the JVM reports a read of a mapped page that is no longer there.
   */
  public static String describeChangedDump() {
    return MappedFile.describeChangedFile();
  }

  /**
   * The Java heap analysing this input is expected to take, guessed from its file without parsing
   * it (erring high); 0 for a summary file, which needs none, and for a file that cannot be read.
   */
  public static long heapNeed(Path input) {
    return HeapNeed.of(input);
  }

  /** The most objects of any dump this process has indexed, 0 before the first: what sizes its heap. */
  public static long largestIndexedObjects() {
    return Memory.largestIndexed();
  }
}
