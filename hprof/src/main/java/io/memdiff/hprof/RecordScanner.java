package io.memdiff.hprof;

import static io.memdiff.hprof.Tags.*;

import io.memdiff.hprof.work.Tasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * The one record loop: walks top-level records and the sub-records of the selected heap dump, checks
 * every length against its enclosing record and the file before reading, and hands each record to a
 * visitor. Passes differ only by the visitor they pass.
 */
public final class RecordScanner {
  private final HprofFile file;
  private final MappedFile d;
  private final Path path;
  private final int idSize;
  private final ScanOptions options;
  private final HprofVisitor visitor;

  private final long[] recordCounts = new long[256];
  private final long[] subRecordCounts = new long[256];
  private int heapDumps;
  private long unknownRecords;
  private long unknownSubRecords;
  private long truncatedAt = -1;
  /** When not null, the selected dump's heap records are listed here (body start, end) instead of parsed. */
  private it.unimi.dsi.fastutil.longs.LongArrayList deferred;
  private long lostBytes;
  private String truncationReason;

  private RecordScanner(HprofFile file, HprofVisitor visitor, ScanOptions options) {
    this.file = file;
    this.d = file.data();
    this.path = file.path();
    this.idSize = file.idSize();
    this.options = options;
    this.visitor = visitor;
  }

  public static ScanResult scan(HprofFile file, HprofVisitor visitor, ScanOptions options)
      throws HprofFormatException {
    return new RecordScanner(file, visitor, options).run();
  }

  /**
   * Scans with the heap dump's sub-records split over threads: top-level records go to {@code main} in
   * order; the heap records of the selected dump are cut into {@code parts.size()} runs of about equal
   * bytes, each parsed by its own visitor on its own thread. Visitors see their part in file order, and
   * parts follow one another in file order. Strict mode only: a lenient scan stays sequential.
   */
  public static ScanResult scanInParts(HprofFile file, HprofVisitor main, java.util.List<? extends HprofVisitor> parts,
      ScanOptions options) throws HprofFormatException {
    if (options.lenient() || parts.size() < 2) {
      throw new IllegalArgumentException("parts need a strict scan and at least two visitors");
    }
    RecordScanner top = new RecordScanner(file, main, options);
    top.deferred = new it.unimi.dsi.fastutil.longs.LongArrayList();
    ScanResult result = top.run();
    long[] ranges = top.deferred.toLongArray();
    long total = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      total += ranges[i + 1] - ranges[i];
    }
    int n = parts.size();
    int[] startRange = new int[n + 1];
    long acc = 0;
    int part = 1;
    for (int i = 0; i < ranges.length && part < n; i += 2) {
      acc += ranges[i + 1] - ranges[i];
      while (part < n && acc >= total * part / n) {
        startRange[part++] = i + 2;
      }
    }
    while (part <= n) {
      startRange[part++] = ranges.length;
    }
    RecordScanner[] scanners = new RecordScanner[n];
    List<Runnable> work = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      RecordScanner s = new RecordScanner(file, parts.get(k), options);
      scanners[k] = s;
      int from = startRange[k];
      int to = startRange[k + 1];
      work.add(() -> {
        try {
          s.subRecords(ranges, from, to, false);
        } catch (HprofFormatException e) {
          throw new CompletionException(e);
        }
      });
    }
    try {
      Tasks.all("memdiff-scan", work); // the first part's error first: the lowest offset
    } catch (CompletionException e) {
      if (e.getCause() instanceof HprofFormatException f) {
        throw f;
      }
      throw e;
    }
    long[] subCounts = result.subRecordCounts();
    for (RecordScanner s : scanners) {
      for (int t = 0; t < 256; t++) {
        subCounts[t] += s.subRecordCounts[t];
      }
    }
    return result;
  }

  private ScanResult run() throws HprofFormatException {
    final long end = d.length();
    long pos = file.firstRecordOffset();
    boolean inSegments = false;
    boolean selectedStarted = false;
    while (pos < end) {
      if (end - pos < 9) {
        if (stopTruncated(pos, end, "truncated record header: expected 9 bytes, " + (end - pos) + " available")) {
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
          throw error(pos, describeRecord(tag) + " has length 0 but is followed by data that is not a record"
              + " (the writer probably died; --lenient reads it to the end of the file)");
        }
        recordEnd = end;
        length = end - body;
        markTruncated(body, 0, "unfinished heap dump segment (length 0) read to the end of the file");
      }
      if (recordEnd > end) {
        String problem = describeRecord(tag) + " declares " + length + " bytes but only " + (end - body) + " remain";
        if (!options.lenient()) {
          throw error(pos, "truncated file: " + problem);
        }
        if (selected) {
          if (!selectedStarted) {
            visitor.heapDumpStart(pos);
            selectedStarted = true;
          }
          recordCounts[tag]++;
          long stop = subRecords(new long[] {body, end}, 0, 2, true);
          markTruncated(stop, recordEnd - stop, "truncated file: " + problem);
        } else {
          markTruncated(pos, recordEnd - pos, "truncated file: " + problem);
        }
        break;
      }
      recordCounts[tag]++;
      switch (tag) {
        case UTF8 -> {
          if (length < idSize) {
            throw error(pos, describeRecord(tag) + " is " + length + " bytes, shorter than its id");
          }
          if (length - idSize > Integer.MAX_VALUE) {
            throw error(pos, describeRecord(tag) + " declares an impossible string of " + (length - idSize) + " bytes");
          }
          visitor.utf8(d.id(body, idSize), body + idSize, (int) (length - idSize));
        }
        case LOAD_CLASS -> {
          expectLength(pos, tag, length, 8L + 2 * idSize);
          visitor.loadClass(d.i4(body), d.id(body + 4, idSize), d.i4(body + 4 + idSize), d.id(body + 8 + idSize, idSize));
        }
        case UNLOAD_CLASS -> {
          expectLength(pos, tag, length, 4);
          visitor.unloadClass(d.i4(body));
        }
        case FRAME -> {
          expectLength(pos, tag, length, 8L + 4 * idSize);
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
            throw error(pos, describeRecord(tag) + " is " + length + " bytes, expected at least 12");
          }
          long frames = d.u4(body + 8);
          if (12 + frames * idSize != length) {
            throw error(pos, describeRecord(tag) + " declares " + frames + " frames, which need "
                + (12 + frames * idSize) + " bytes, but the record has " + length);
          }
          long[] ids = new long[(int) frames];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = d.id(body + 12 + (long) i * idSize, idSize);
          }
          visitor.trace(d.i4(body), d.i4(body + 4), ids);
        }
        case START_THREAD -> {
          expectLength(pos, tag, length, 8L + 4 * idSize);
          visitor.startThread(
              d.i4(body),
              d.id(body + 4, idSize),
              d.i4(body + 4 + idSize),
              d.id(body + 8 + idSize, idSize),
              d.id(body + 8 + 2L * idSize, idSize),
              d.id(body + 8 + 3L * idSize, idSize));
        }
        case END_THREAD -> {
          expectLength(pos, tag, length, 4);
          visitor.endThread(d.i4(body));
        }
        case ALLOC_SITES -> {
          if (length < 34 || (length - 34) % 25 != 0 || d.u4(body + 30) != (length - 34) / 25) {
            throw error(pos, describeRecord(tag) + " of " + length + " bytes does not hold its declared sites");
          }
          visitor.otherRecord(tag, pos, length);
        }
        case HEAP_SUMMARY -> {
          expectLength(pos, tag, length, 24);
          visitor.otherRecord(tag, pos, length);
        }
        case CPU_SAMPLES -> {
          if (length < 8 || d.u4(body + 4) * 8 + 8 != length) {
            throw error(pos, describeRecord(tag) + " of " + length + " bytes does not hold its declared samples");
          }
          visitor.otherRecord(tag, pos, length);
        }
        case CONTROL_SETTINGS -> {
          expectLength(pos, tag, length, 6);
          visitor.otherRecord(tag, pos, length);
        }
        case HEAP_DUMP, HEAP_DUMP_SEGMENT -> {
          if (selected) {
            if (!selectedStarted) {
              visitor.heapDumpStart(pos);
              selectedStarted = true;
            }
            if (deferred != null) {
              deferred.add(body);
              deferred.add(recordEnd);
            } else {
              subRecords(new long[] {body, recordEnd}, 0, 2, false);
            }
          }
        }
        case HEAP_DUMP_END -> inSegments = false;
        default -> {
          unknownRecords++;
          visitor.otherRecord(tag, pos, length);
        }
      }
      if (truncatedAt >= 0 && truncationReason != null && truncationReason.startsWith("unfinished")) {
        break;
      }
      pos = recordEnd;
    }
    if (inSegments && truncatedAt < 0) {
      if (!options.lenient()) {
        throw error(end, "truncated file: the last heap dump has no HEAP DUMP END record");
      }
      markTruncated(end, 0, "truncated file: the last heap dump has no HEAP DUMP END record");
    }
    if (heapDumps == 0 && truncatedAt < 0) {
      throw error(end, "no heap dump in the file (truncated before its first HEAP DUMP record, or a CPU profile)");
    }
    if (options.dumpIndex() >= heapDumps && heapDumps > 0) {
      throw new NoSuchDumpException(path, heapDumps, options.dumpIndex());
    }
    return new ScanResult(heapDumps, recordCounts, subRecordCounts, unknownRecords, unknownSubRecords,
        truncatedAt, lostBytes, truncationReason);
  }

  private boolean stopTruncated(long pos, long end, String problem) throws HprofFormatException {
    if (!options.lenient()) {
      throw error(pos, "truncated file: " + problem);
    }
    markTruncated(pos, end - pos, "truncated file: " + problem);
    return true;
  }

  private void markTruncated(long at, long lost, String reason) {
    if (truncatedAt < 0) {
      truncatedAt = at;
      lostBytes = lost;
      truncationReason = reason;
    }
  }

  private void expectLength(long pos, int tag, long length, long expected) throws HprofFormatException {
    if (length != expected) {
      throw error(pos, describeRecord(tag) + " has length " + length + ", expected " + expected);
    }
  }

  private HprofFormatException error(long offset, String problem) {
    return new HprofFormatException(path, offset, problem);
  }

  /**
   * Parses the sub-records of the runs {@code [ranges[i], ranges[i + 1])} for even {@code i} from
   * {@code from} to {@code to}, in order. Returns where parsing of the last run stopped: its end, or
   * in lenient mode the start of the first sub-record that did not fit.
   *
   * <p>The loop reads the three object records, nearly all of a heap dump, itself and hands every
   * other sub-record (and any that does not fit) to {@link #subRecord}: a small loop is compiled in a
   * fraction of the time, and recompiled cheaply when a new visitor or record kind turns up. It takes
   * all of a thread's runs in one call: HotSpot writes 1 MB segments, and called once per segment,
   * the loop was compiled by C2 twice, on stack replacement within the first calls and then again for
   * the calls after (HotSpot compiles a method whose loop it compiled that way as soon as it is called
   * again), 0.12 and 0.14 s of the compiler's thread during the first pass of the 0.64 GB benchmark dump.
   *
   * @param cutByEof the segment was clamped at the end of the file, so an overrun is truncation
   */
  private long subRecords(long[] ranges, int from, int to, boolean cutByEof) throws HprofFormatException {
    final HprofVisitor v = visitor;
    final MappedFile d = this.d;
    final int id = idSize;
    final long[] counts = subRecordCounts;
    long pos = 0;
    for (int range = from; range < to; range += 2) {
      pos = ranges[range];
      final long end = ranges[range + 1];
      while (pos < end) {
        int tag = d.u1(pos);
        if (tag == INSTANCE_DUMP) {
          long values = pos + RecordLayout.instanceValues(id);
          if (values <= end) {
            long n = d.u4(pos + RecordLayout.instanceValuesLength(id));
            if (values + n <= end) {
              v.instance(pos, d.id(pos + RecordLayout.OBJECT_ID, id), d.i4(pos + RecordLayout.traceSerial(id)),
                  d.id(pos + RecordLayout.instanceClassId(id), id), values, (int) n);
              counts[INSTANCE_DUMP]++;
              pos = values + n;
              continue;
            }
          }
        } else if (tag == PRIMITIVE_ARRAY_DUMP) {
          long elements = pos + RecordLayout.primitiveArrayElements(id);
          if (elements <= end) {
            long n = d.u4(pos + RecordLayout.arrayLength(id));
            int type = d.u1(pos + RecordLayout.primitiveArrayType(id));
            if (BasicType.isPrimitive(type) && n <= Integer.MAX_VALUE - 8) {
              long next = elements + n * BasicType.size(type, id);
              if (next <= end) {
                v.primitiveArray(pos, d.id(pos + RecordLayout.OBJECT_ID, id), d.i4(pos + RecordLayout.traceSerial(id)),
                    type, elements, (int) n);
                counts[PRIMITIVE_ARRAY_DUMP]++;
                pos = next;
                continue;
              }
            }
          }
        } else if (tag == OBJECT_ARRAY_DUMP) {
          long elements = pos + RecordLayout.objectArrayElements(id);
          if (elements <= end) {
            long n = d.u4(pos + RecordLayout.arrayLength(id));
            if (n <= Integer.MAX_VALUE - 8 && elements + n * id <= end) {
              v.objectArray(pos, d.id(pos + RecordLayout.OBJECT_ID, id), d.i4(pos + RecordLayout.traceSerial(id)),
                  d.id(pos + RecordLayout.objectArrayClassId(id), id), elements, (int) n);
              counts[OBJECT_ARRAY_DUMP]++;
              pos = elements + n * id;
              continue;
            }
          }
        }
        long next = subRecord(pos, end, cutByEof);
        if (next < 0) {
          pos = ~next;
          break;
        }
        pos = next;
      }
    }
    return pos;
  }

  /**
   * Parses the one sub-record at {@code pos}, checking it against {@code end}. Returns where the next
   * starts, or {@code ~stop} when parsing of the run is to stop at {@code stop} (lenient mode).
   */
  private long subRecord(long pos, long end, boolean cutByEof) throws HprofFormatException {
    final HprofVisitor v = visitor;
    final MappedFile d = this.d;
    final int id = idSize;
    int tag = d.u1(pos);
    long p = pos + 1;
    long need; // the sub-record's bytes, its tag included
    switch (tag) {
      // The loop visits every instance and object array that fits in its segment with a length an
      // array can have; here one did not, and all that is left is to say why.
      case INSTANCE_DUMP -> {
        need = RecordLayout.instanceValues(id);
        if (pos + need <= end) {
          need += d.u4(pos + RecordLayout.instanceValuesLength(id));
        }
      }
      case OBJECT_ARRAY_DUMP -> {
        // An array too long for a JVM cannot fit here instead: its elements would need 8 GB or more,
        // and a segment's length is four bytes.
        need = RecordLayout.objectArrayElements(id);
        if (pos + need <= end) {
          need += d.u4(pos + RecordLayout.arrayLength(id)) * id;
        }
      }
      case PRIMITIVE_ARRAY_DUMP, PRIMITIVE_ARRAY_NODATA -> {
        // The same header; only PRIMITIVE ARRAY DUMP has the elements after it.
        need = RecordLayout.primitiveArrayElements(id);
        if (pos + need <= end) {
          long n = d.u4(pos + RecordLayout.arrayLength(id));
          int type = d.u1(pos + RecordLayout.primitiveArrayType(id));
          if (!BasicType.isPrimitive(type) && invalidElementType(pos, end, cutByEof, tag, type)) {
            return ~end;
          }
          boolean withElements = tag == PRIMITIVE_ARRAY_DUMP;
          long elements = pos + need;
          long bytes = withElements ? n * BasicType.size(type, id) : 0;
          if (elements + bytes <= end) {
            v.primitiveArray(pos, d.id(pos + RecordLayout.OBJECT_ID, id), d.i4(pos + RecordLayout.traceSerial(id)), type,
                withElements ? elements : -1, checkLength(pos, tag, n));
            subRecordCounts[tag]++;
            return elements + bytes;
          }
          need += bytes;
        }
      }
      case CLASS_DUMP -> {
        long next = classDump(pos, end);
        if (next >= 0) {
          subRecordCounts[tag]++;
          return next;
        }
        need = end - pos + 1; // does not fit; reported below
      }
      case 0xFF, 0x05, 0x07, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x90 -> {
        need = 1L + id;
        if (pos + need <= end) {
          v.root(RootKind.forTag(tag), d.id(p, id), -1, -1);
        }
      }
      case 0x01 -> {
        need = 1 + 2L * id;
        if (pos + need <= end) {
          v.root(RootKind.JNI_GLOBAL, d.id(p, id), -1, -1);
        }
      }
      case 0x02, 0x03 -> {
        need = 1 + id + 8L;
        if (pos + need <= end) {
          v.root(RootKind.forTag(tag), d.id(p, id), d.i4(p + id), d.i4(p + id + 4));
        }
      }
      case 0x04, 0x06 -> {
        need = 1 + id + 4L;
        if (pos + need <= end) {
          v.root(RootKind.forTag(tag), d.id(p, id), d.i4(p + id), -1);
        }
      }
      case 0x08 -> {
        need = 1 + id + 8L;
        if (pos + need <= end) {
          v.threadObjectRoot(d.id(p, id), d.i4(p + id), d.i4(p + id + 4));
        }
      }
      case 0x8E -> {
        need = 1 + id + 8L;
        if (pos + need <= end) {
          v.root(RootKind.JNI_MONITOR, d.id(p, id), d.i4(p + id), -1);
        }
      }
      case HEAP_DUMP_INFO -> {
        need = 1 + 4L + id;
        if (pos + need <= end) {
          v.heapDumpInfo(d.i4(p), d.id(p + 4, id));
        }
      }
      default -> {
        if (lenientSkip(pos, end, false, "unknown heap-dump " + describeSubRecord(tag)
            + " (the rest of its segment cannot be parsed)")) {
          unknownSubRecords++;
          return ~end;
        }
        need = 1;
      }
    }
    if (pos + need > end) {
      String problem = describeSubRecord(tag) + " needs " + need + " bytes but its record has " + (end - pos) + " left";
      if (cutByEof) {
        if (!options.lenient()) {
          throw error(pos, "truncated file: " + problem);
        }
        return ~pos;
      }
      if (lenientSkip(pos, end, false, problem)) {
        return ~end;
      }
    }
    subRecordCounts[tag]++;
    return pos + need;
  }

  /** A primitive array whose element type is no primitive type: strict throws, lenient abandons the segment. */
  private boolean invalidElementType(long pos, long end, boolean cutByEof, int tag, int type) throws HprofFormatException {
    return lenientSkip(pos, end, cutByEof, describeSubRecord(tag) + " has invalid element type " + type);
  }

  /** Strict: throws. Lenient: returns true so the caller abandons the rest of the segment. */
  private boolean lenientSkip(long pos, long end, boolean cutByEof, String problem) throws HprofFormatException {
    if (!options.lenient()) {
      throw error(pos, problem);
    }
    if (cutByEof) {
      markTruncated(pos, end - pos, problem);
    }
    return true;
  }

  private int checkLength(long pos, int tag, long n) throws HprofFormatException {
    if (n > Integer.MAX_VALUE - 8) {
      throw error(pos, describeSubRecord(tag) + " declares " + n + " elements, more than a JVM array can hold");
    }
    return (int) n;
  }

  /** Parses the CLASS DUMP at {@code pos}; returns its end, or −1 if it overruns {@code end}. */
  private long classDump(long pos, long end) throws HprofFormatException {
    final int id = idSize;
    long q = pos + RecordLayout.classConstantPool(id);
    if (q + 2 > end) {
      return -1;
    }
    long classId = d.id(pos + RecordLayout.OBJECT_ID, id);
    int trace = d.i4(pos + RecordLayout.traceSerial(id));
    long superId = d.id(pos + RecordLayout.classSuperId(id), id);
    long loaderId = d.id(pos + RecordLayout.classLoaderId(id), id);
    long signers = d.id(pos + RecordLayout.classSignersId(id), id);
    long domain = d.id(pos + RecordLayout.classProtectionDomainId(id), id);
    int instanceSize = d.i4(pos + RecordLayout.classInstanceSize(id));
    int constants = d.u2(q);
    q += 2;
    for (int i = 0; i < constants; i++) {
      if (q + 3 > end) {
        return -1;
      }
      int type = d.u1(q + 2);
      if (!BasicType.isValid(type)) {
        throw error(q, "CLASS DUMP has invalid constant-pool type " + type);
      }
      q += 3 + BasicType.size(type, id);
    }
    if (q + 2 > end) {
      return -1;
    }
    int statics = d.u2(q);
    q += 2;
    long[] staticNames = new long[statics];
    byte[] staticTypes = new byte[statics];
    long[] staticValues = new long[statics];
    for (int i = 0; i < statics; i++) {
      if (q + id + 1 > end) {
        return -1;
      }
      staticNames[i] = d.id(q, id);
      int type = d.u1(q + id);
      if (!BasicType.isValid(type)) {
        throw error(q, "CLASS DUMP has invalid static field type " + type);
      }
      int size = BasicType.size(type, id);
      q += id + 1;
      if (q + size > end) {
        return -1;
      }
      staticTypes[i] = (byte) type;
      staticValues[i] = switch (size) {
        case 1 -> d.u1(q);
        case 2 -> d.u2(q);
        case 4 -> type == BasicType.OBJECT ? d.u4(q) : d.i4(q);
        default -> d.i8(q);
      };
      q += size;
    }
    if (q + 2 > end) {
      return -1;
    }
    int fields = d.u2(q);
    q += 2;
    if (q + (long) fields * (id + 1) > end) {
      return -1;
    }
    long[] fieldNames = new long[fields];
    byte[] fieldTypes = new byte[fields];
    for (int i = 0; i < fields; i++) {
      fieldNames[i] = d.id(q, id);
      int type = d.u1(q + id);
      if (!BasicType.isValid(type)) {
        throw error(q, "CLASS DUMP has invalid instance field type " + type);
      }
      fieldTypes[i] = (byte) type;
      q += id + 1;
    }
    visitor.classDump(new ClassDump(pos, classId, trace, superId, loaderId, signers, domain, instanceSize,
        staticNames, staticTypes, staticValues, fieldNames, fieldTypes));
    return q;
  }
}
