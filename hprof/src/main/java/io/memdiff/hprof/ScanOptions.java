package io.memdiff.hprof;

/**
 * How to scan a dump.
 *
 * @param dumpIndex which heap dump of a file holding several (hprof agent) to hand the visitor; 0 = first
 * @param lenient on truncation, keep everything up to the last complete record and report the loss
 *     instead of failing; on an unknown sub-record, skip the rest of its segment
 */
public record ScanOptions(int dumpIndex, boolean lenient) {
  public static final ScanOptions STRICT = new ScanOptions(0, false);

  public ScanOptions {
    if (dumpIndex < 0) {
      throw new IllegalArgumentException("dump index must be >= 0: " + dumpIndex);
    }
  }
}
