package io.memdiff.hprof;

import static io.memdiff.hprof.Tags.*;

import io.memdiff.hprof.work.Tasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one record loop: walks top-level records and the sub-records of the selected heap dump, checks
 * every length against its enclosing record and the file before reading, and hands each record to a
 * visitor. Passes differ only by the visitor they pass. The top-level records are decoded here, the
 * heap dump's sub-records by a {@link SubRecordDecoder}, and bad input is met by {@link ScanProblems}.
 */
public final class RecordScanner {
  private final HprofFile file;
  private final MappedFile d;
  private final Path path;
  private final int idSize;
  private final ScanOptions options;
  private final HprofVisitor visitor;

  private final ScanProblems problems;
  private final SubRecordDecoder decoder;

  private final long[] recordCounts = new long[256];
  private int heapDumps;
  private long unknownRecords;
  /** When not null, the selected dump's heap records are published here (body start, end) instead of parsed. */
  private FoundRanges deferred;

  private RecordScanner(HprofFile file, HprofVisitor visitor, ScanOptions options) {
    this.file = file;
    this.d = file.data();
    this.path = file.path();
    this.idSize = file.idSize();
    this.options = options;
    this.visitor = visitor;
    this.problems = new ScanProblems(path, options.lenient());
    this.decoder = new SubRecordDecoder(file, visitor, problems);
  }

  public static ScanResult scan(HprofFile file, HprofVisitor visitor, ScanOptions options)
      throws HprofFormatException {
    return new RecordScanner(file, visitor, options).run();
  }

  /**
   * Scans with the heap dump's sub-records split over threads: top-level records go to {@code main} in
   * order, on this thread; the heap records of the selected dump are cut into {@code parts.size()}
   * runs of about equal bytes (see {@link #readPart}), each parsed by its own visitor on its own
   * thread, from the moment the walk over the top-level records finds them. Visitors see their part
   * in file order, and parts follow one another in file order. Of the errors, the one at the lowest
   * offset is thrown, as a sequential scan would. Strict mode only: a lenient scan stays sequential.
   */
  public static ScanResult scanInParts(HprofFile file, HprofVisitor main, List<? extends HprofVisitor> parts,
      ScanOptions options) throws HprofFormatException {
    if (options.lenient() || parts.size() < 2) {
      throw new IllegalArgumentException("parts need a strict scan and at least two visitors");
    }
    RecordScanner top = new RecordScanner(file, main, options);
    FoundRanges found = new FoundRanges();
    top.deferred = found;
    int n = parts.size();
    long length = file.length();
    SubRecordDecoder[] decoders = new SubRecordDecoder[n];
    List<CompletableFuture<Void>> reading = new ArrayList<>(n);
    // The parts read at once with the walk: a walk over a file that is not in memory waits on the
    // disk, and the parts' parsing overlaps that wait.
    for (int k = 0; k < n; k++) {
      SubRecordDecoder s = new SubRecordDecoder(file, parts.get(k), new ScanProblems(file.path(), options.lenient()));
      decoders[k] = s;
      int part = k;
      reading.add(Tasks.run("memdiff-scan", () -> {
        try {
          readPart((ranges, from, to) -> s.subRecords(ranges, from, to, false), found, part, n, length);
        } catch (HprofFormatException e) {
          throw new CompletionException(e);
        }
      }));
    }
    ScanResult result = null;
    HprofFormatException walkFailed = null;
    try {
      result = top.run();
    } catch (HprofFormatException e) {
      walkFailed = e; // told unless a part fails first: the parts read only what precedes it
    } catch (RuntimeException | Error e) {
      found.abandon();
      for (CompletableFuture<Void> f : reading) {
        f.exceptionally(t -> null).join();
      }
      throw e;
    } finally {
      found.finish();
    }
    try {
      for (CompletableFuture<Void> f : reading) {
        Tasks.join(f); // the first part's error first: the lowest offset
      }
    } catch (CompletionException e) {
      if (e.getCause() instanceof HprofFormatException f) {
        throw f;
      }
      throw e;
    }
    if (walkFailed != null) {
      throw walkFailed;
    }
    long[] subCounts = result.subRecordCounts();
    for (SubRecordDecoder s : decoders) {
      for (int t = 0; t < 256; t++) {
        subCounts[t] += s.subRecordCounts[t];
      }
    }
    return result;
  }

  /** Parses a run of the ranges a walk found: {@code ranges[from, to)}, body start and end of each. */
  interface RangeReader {
    void read(long[] ranges, int from, int to) throws HprofFormatException;
  }

  /**
   * Reads part {@code part} of {@code parts} of the ranges the walk finds, in order, as they are found:
   * those whose bodies start in its share of the bytes from the first range's body to the file's end
   * ({@code length}). The shares are about equal where the heap records fill that stretch, as they do
   * in a HotSpot dump; in a file of several heap dumps (the hprof agent's) any but the last splits
   * unevenly, since where the selected one ends is known only once the walk is over.
   */
  static void readPart(RangeReader reader, FoundRanges found, int part, int parts, long length)
      throws HprofFormatException {
    found.awaitMore(0);
    if (found.count() == 0) {
      return; // the walk ended (or failed) before any range
    }
    long first = found.ranges()[0];
    long share = (length - first) / parts;
    long from = part == 0 ? Long.MIN_VALUE : first + share * part;
    long to = part + 1 == parts ? Long.MAX_VALUE : first + share * (part + 1);
    int i = 0;
    while (!found.abandoned()) {
      boolean ended = found.done(); // read before the count: a count read after it is final
      int count = found.count();
      long[] ranges = found.ranges();
      while (i < count && ranges[i] < from) {
        i += 2;
      }
      int j = i;
      while (j < count && ranges[j] < to) {
        j += 2;
      }
      if (j > i) {
        reader.read(ranges, i, j);
        i = j;
      }
      if (j < count || ended) {
        return; // the rest is the next parts'
      }
      found.awaitMore(count);
    }
  }

  private ScanResult run() throws HprofFormatException {
    final long end = d.length();
    long pos = file.firstRecordOffset();
    boolean inSegments = false;
    boolean selectedStarted = false;
    while (pos < end) {
      if (end - pos < 9) {
        if (problems.stopTruncated(pos, end, "truncated record header: expected 9 bytes, " + (end - pos) + " available")) {
          break;
        }
      }
      int tag = d.u1(pos);
      long length = d.u4(pos + 5);
      long body = pos + 9;
      long recordEnd = body + length;
      boolean heap = tag == HEAP_DUMP || tag == HEAP_DUMP_SEGMENT;
      if (heap && (tag == HEAP_DUMP || !inSegments)) {
        heapDumps++;
        inSegments = tag == HEAP_DUMP_SEGMENT;
      }
      boolean selected = heap && heapDumps - 1 == options.dumpIndex();
      if (tag == HEAP_DUMP_SEGMENT && length == 0 && recordEnd < end && !Tags.isKnownRecord(d.u1(recordEnd))) {
        // HotSpot writes a segment's length when the segment is complete; a JVM that died while
        // writing leaves 0, followed by sub-records.
        if (!options.lenient()) {
          throw problems.error(pos, describeRecord(tag) + " has length 0 but is followed by data that is not a record"
              + " (the writer probably died; --lenient reads it to the end of the file)");
        }
        recordEnd = end;
        length = end - body;
        problems.markTruncated(body, 0, "unfinished heap dump segment (length 0) read to the end of the file");
      }
      if (recordEnd > end) {
        String problem = describeRecord(tag) + " declares " + length + " bytes but only " + (end - body) + " remain";
        if (!options.lenient()) {
          throw problems.error(pos, "truncated file: " + problem);
        }
        if (selected) {
          if (!selectedStarted) {
            visitor.heapDumpStart(pos);
            selectedStarted = true;
          }
          recordCounts[tag]++;
          long stop = decoder.subRecords(new long[] {body, end}, 0, 2, true);
          problems.markTruncated(stop, recordEnd - stop, "truncated file: " + problem);
        } else {
          problems.markTruncated(pos, recordEnd - pos, "truncated file: " + problem);
        }
        break;
      }
      recordCounts[tag]++;
      switch (tag) {
        case UTF8 -> {
          if (length < idSize) {
            throw problems.error(pos, describeRecord(tag) + " is " + length + " bytes, shorter than its id");
          }
          if (length - idSize > Integer.MAX_VALUE) {
            throw problems.error(pos, describeRecord(tag) + " declares an impossible string of " + (length - idSize) + " bytes");
          }
          visitor.utf8(d.id(body, idSize), body + idSize, (int) (length - idSize));
        }
        case LOAD_CLASS -> {
          problems.expectLength(pos, tag, length, 8L + 2 * idSize);
          visitor.loadClass(d.i4(body), d.id(body + 4, idSize), d.i4(body + 4 + idSize), d.id(body + 8 + idSize, idSize));
        }
        case UNLOAD_CLASS -> {
          problems.expectLength(pos, tag, length, 4);
          visitor.unloadClass(d.i4(body));
        }
        case FRAME -> {
          problems.expectLength(pos, tag, length, 8L + 4 * idSize);
          visitor.frame(
              d.id(body, idSize),
              d.id(body + idSize, idSize),
              d.id(body + 2L * idSize, idSize),
              d.id(body + 3L * idSize, idSize),
              d.i4(body + 4L * idSize),
              d.i4(body + 4L * idSize + 4));
        }
        case TRACE -> {
          if (length < 12) {
            throw problems.error(pos, describeRecord(tag) + " is " + length + " bytes, expected at least 12");
          }
          long frames = d.u4(body + 8);
          if (12 + frames * idSize != length) {
            throw problems.error(pos, describeRecord(tag) + " declares " + frames + " frames, which need "
                + (12 + frames * idSize) + " bytes, but the record has " + length);
          }
          long[] ids = new long[(int) frames];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = d.id(body + 12 + (long) i * idSize, idSize);
          }
          visitor.trace(d.i4(body), d.i4(body + 4), ids);
        }
        case START_THREAD -> {
          problems.expectLength(pos, tag, length, 8L + 4 * idSize);
          visitor.startThread(
              d.i4(body),
              d.id(body + 4, idSize),
              d.i4(body + 4 + idSize),
              d.id(body + 8 + idSize, idSize),
              d.id(body + 8 + 2L * idSize, idSize),
              d.id(body + 8 + 3L * idSize, idSize));
        }
        case END_THREAD -> {
          problems.expectLength(pos, tag, length, 4);
          visitor.endThread(d.i4(body));
        }
        case ALLOC_SITES -> {
          if (length < 34 || (length - 34) % 25 != 0 || d.u4(body + 30) != (length - 34) / 25) {
            throw problems.error(pos, describeRecord(tag) + " of " + length + " bytes does not hold its declared sites");
          }
          visitor.otherRecord(tag, pos, length);
        }
        case HEAP_SUMMARY -> {
          problems.expectLength(pos, tag, length, 24);
          visitor.otherRecord(tag, pos, length);
        }
        case CPU_SAMPLES -> {
          if (length < 8 || d.u4(body + 4) * 8 + 8 != length) {
            throw problems.error(pos, describeRecord(tag) + " of " + length + " bytes does not hold its declared samples");
          }
          visitor.otherRecord(tag, pos, length);
        }
        case CONTROL_SETTINGS -> {
          problems.expectLength(pos, tag, length, 6);
          visitor.otherRecord(tag, pos, length);
        }
        case HEAP_DUMP, HEAP_DUMP_SEGMENT -> {
          if (selected) {
            if (!selectedStarted) {
              visitor.heapDumpStart(pos);
              selectedStarted = true;
            }
            if (deferred != null) {
              deferred.add(body, recordEnd);
            } else {
              decoder.subRecords(new long[] {body, recordEnd}, 0, 2, false);
            }
          }
        }
        case HEAP_DUMP_END -> inSegments = false;
        default -> {
          unknownRecords++;
          visitor.otherRecord(tag, pos, length);
        }
      }
      if (problems.readUnfinishedSegment()) {
        break;
      }
      pos = recordEnd;
    }
    if (inSegments && problems.truncatedAt() < 0) {
      if (!options.lenient()) {
        throw problems.error(end, "truncated file: the last heap dump has no HEAP DUMP END record");
      }
      problems.markTruncated(end, 0, "truncated file: the last heap dump has no HEAP DUMP END record");
    }
    if (heapDumps == 0 && problems.truncatedAt() < 0) {
      throw problems.error(end, "no heap dump in the file (truncated before its first HEAP DUMP record, or a CPU profile)");
    }
    if (options.dumpIndex() >= heapDumps && heapDumps > 0) {
      throw new NoSuchDumpException(path, heapDumps, options.dumpIndex());
    }
    return new ScanResult(heapDumps, recordCounts, decoder.subRecordCounts, unknownRecords,
        decoder.unknownSubRecords, problems.truncatedAt(), problems.lostBytes(), problems.truncationReason());
  }
}
