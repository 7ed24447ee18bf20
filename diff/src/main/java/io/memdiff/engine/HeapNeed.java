package io.memdiff.engine;

import io.memdiff.hprof.HprofFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much Java heap the analysis of a dump takes, guessed from its file before a byte of it is
 * parsed, so that the heap can be placed before the analysis starts. The analysis needs about 50
 * bytes per object; an HPROF object record takes 30 to 60, so the guess errs high, where the cost of
 * erring is a heap file on disk rather than running out of memory.
 */
final class HeapNeed {
  /** Heap per byte of an HPROF file: objects of 40 bytes on average (most heaps have larger ones). */
  static final double PER_HPROF_BYTE = 1.25;
  /** Heap per byte of a Ruby dump, whose JSON lines take 100 bytes or more per object. */
  static final double PER_RUBY_BYTE = 0.6;
  /** How much a gzip dump inflates: heap dumps compress four to eight times. */
  static final int GZIP_RATIO = 6;
  /** What any analysis takes besides its dump's arrays: class tables, names, the report. */
  static final long BASE = 64L << 20;

  private HeapNeed() {}

  /** The guess for one input, 0 for a summary file, or for a file that cannot be read (opening it says why). */
  static long of(Path input) {
    try {
      if (!Files.isRegularFile(input) || SummaryFiles.isSummaryFile(input)) {
        return 0;
      }
      double bytes = (double) Files.size(input) * (HprofFile.isGzip(input) ? GZIP_RATIO : 1);
      return BASE + (long) (bytes * (HprofFile.isRubyDump(input) ? PER_RUBY_BYTE : PER_HPROF_BYTE));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
