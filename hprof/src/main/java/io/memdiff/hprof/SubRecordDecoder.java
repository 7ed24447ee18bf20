package io.memdiff.hprof;

import static io.memdiff.hprof.Tags.*;

/**
 * The inner part of the scanner's one record loop: decodes the sub-records of the selected heap
 * dump's records, checks each against its enclosing record before reading it, and hands it to the
 * visitor. A split scan has one per thread, each over its own runs of records.
 */
final class SubRecordDecoder {
  private final MappedFile d;
  private final int idSize;
  private final HprofVisitor visitor;
  private final ScanProblems problems;
  /** Sub-records decoded, by tag. */
  final long[] subRecordCounts = new long[256];
  /** Lenient mode only: runs cut short at an unknown sub-record tag. */
  long unknownSubRecords;

  SubRecordDecoder(HprofFile file, HprofVisitor visitor, ScanProblems problems) {
    this.d = file.data();
    this.idSize = file.idSize();
    this.visitor = visitor;
    this.problems = problems;
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
   * again).
   *
   * @param cutByEof the segment was clamped at the end of the file, so an overrun is truncation
   */
  long subRecords(long[] ranges, int from, int to, boolean cutByEof) throws HprofFormatException {
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
          if (!BasicType.isPrimitive(type) && problems.invalidElementType(pos, end, cutByEof, tag, type)) {
            return ~end;
          }
          boolean withElements = tag == PRIMITIVE_ARRAY_DUMP;
          long elements = pos + need;
          long bytes = withElements ? n * BasicType.size(type, id) : 0;
          if (elements + bytes <= end) {
            v.primitiveArray(pos, d.id(pos + RecordLayout.OBJECT_ID, id), d.i4(pos + RecordLayout.traceSerial(id)), type,
                withElements ? elements : -1, problems.checkLength(pos, tag, n));
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
        if (problems.lenientSkip(pos, end, false, "unknown heap-dump " + describeSubRecord(tag)
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
        if (!problems.lenient()) {
          throw problems.error(pos, "truncated file: " + problem);
        }
        return ~pos;
      }
      if (problems.lenientSkip(pos, end, false, problem)) {
        return ~end;
      }
    }
    subRecordCounts[tag]++;
    return pos + need;
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
        throw problems.error(q, "CLASS DUMP has invalid constant-pool type " + type);
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
        throw problems.error(q, "CLASS DUMP has invalid static field type " + type);
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
        throw problems.error(q, "CLASS DUMP has invalid instance field type " + type);
      }
      fieldTypes[i] = (byte) type;
      q += id + 1;
    }
    visitor.classDump(new ClassDump(pos, classId, trace, superId, loaderId, signers, domain, instanceSize,
        staticNames, staticTypes, staticValues, fieldNames, fieldTypes));
    return q;
  }
}
