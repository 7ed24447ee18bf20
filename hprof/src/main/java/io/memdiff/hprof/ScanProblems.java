package io.memdiff.hprof;

import static io.memdiff.hprof.Tags.describeRecord;
import static io.memdiff.hprof.Tags.describeSubRecord;

import java.nio.file.Path;

/**
 * How one scan meets bad input: a strict scan throws an {@link HprofFormatException} that names the
 * file, the offset and what was expected; a lenient one notes where the file was first cut short and
 * what was lost there, and reads on where it can.
 */
final class ScanProblems {
  private final Path path;
  private final boolean lenient;
  private long truncatedAt = -1;
  private long lostBytes;
  private String truncationReason;

  ScanProblems(Path path, boolean lenient) {
    this.path = path;
    this.lenient = lenient;
  }

  boolean lenient() {
    return lenient;
  }

  /** Where the last complete record ended before the file was cut; −1 if nothing was lost. */
  long truncatedAt() {
    return truncatedAt;
  }

  long lostBytes() {
    return lostBytes;
  }

  String truncationReason() {
    return truncationReason;
  }

  /** Whether a heap dump segment left unfinished (length 0) was read to the end of the file. */
  boolean readUnfinishedSegment() {
    return truncatedAt >= 0 && truncationReason != null && truncationReason.startsWith("unfinished");
  }

  HprofFormatException error(long offset, String problem) {
    return new HprofFormatException(path, offset, problem);
  }

  /** Strict: throws. Lenient: notes the truncation and returns true, for the caller to stop. */
  boolean stopTruncated(long pos, long end, String problem) throws HprofFormatException {
    if (!lenient) {
      throw error(pos, "truncated file: " + problem);
    }
    markTruncated(pos, end - pos, "truncated file: " + problem);
    return true;
  }

  /** Notes a truncation, unless one was noted before: the first is where the file stops making sense. */
  void markTruncated(long at, long lost, String reason) {
    if (truncatedAt < 0) {
      truncatedAt = at;
      lostBytes = lost;
      truncationReason = reason;
    }
  }

  void expectLength(long pos, int tag, long length, long expected) throws HprofFormatException {
    if (length != expected) {
      throw error(pos, describeRecord(tag) + " has length " + length + ", expected " + expected);
    }
  }

  /** Strict: throws. Lenient: returns true so the caller abandons the rest of the segment. */
  boolean lenientSkip(long pos, long end, boolean cutByEof, String problem) throws HprofFormatException {
    if (!lenient) {
      throw error(pos, problem);
    }
    if (cutByEof) {
      markTruncated(pos, end - pos, problem);
    }
    return true;
  }

  /** A primitive array whose element type is no primitive type: strict throws, lenient abandons the segment. */
  boolean invalidElementType(long pos, long end, boolean cutByEof, int tag, int type) throws HprofFormatException {
    return lenientSkip(pos, end, cutByEof, describeSubRecord(tag) + " has invalid element type " + type);
  }

  /** An array length as an int, or an error when no JVM array can be that long. */
  int checkLength(long pos, int tag, long n) throws HprofFormatException {
    if (n > Integer.MAX_VALUE - 8) {
      throw error(pos, describeSubRecord(tag) + " declares " + n + " elements, more than a JVM array can hold");
    }
    return (int) n;
  }
}
