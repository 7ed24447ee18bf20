package io.memdiff.hprof;

/**
 * What one scan saw besides what it handed the visitor: record counts and what was skipped or lost.
 *
 * @param heapDumps heap dumps in the file (a 0x0C record, or a run of 0x1C segments up to an END)
 * @param recordCounts top-level records by tag (index = tag)
 * @param subRecordCounts sub-records of the selected heap dump by tag
 * @param unknownRecords top-level records with a tag memdiff does not know, skipped by their length
 * @param unknownSubRecords lenient mode only: segments cut short at an unknown sub-record tag
 * @param truncatedAt lenient mode only: where the last complete record ended before the file was cut; −1 if intact
 * @param lostBytes bytes after {@code truncatedAt} that could not be read
 */
public record ScanResult(
    int heapDumps,
    long[] recordCounts,
    long[] subRecordCounts,
    long unknownRecords,
    long unknownSubRecords,
    long truncatedAt,
    long lostBytes,
    String truncationReason) {

  public boolean truncated() {
    return truncatedAt >= 0;
  }
}
