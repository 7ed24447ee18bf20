package io.memdiff.testdata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent reading of the format notes, for checking what the fixtures claim: walks top-level
 * records by their lengths and heap-dump sub-records by their layouts, counting per heap dump.
 */
final class RecordWalker {
  /** Counts of one heap dump (a 0x0C record, or segments up to an END). */
  static final class Dump {
    int classDumps;
    int instances;
    int objectArrays;
    int primitiveArrays;
    int roots;
    int segments;

    Fixtures.DumpContents contents() {
      return new Fixtures.DumpContents(classDumps, instances, objectArrays, primitiveArrays, roots);
    }
  }

  /** A heap-dump sub-record in file order: its tag and where its body starts, just after the tag. */
  record SubRecord(int tag, int body) {}

  final int[] recordCounts = new int[256];
  final int[] subRecordCounts = new int[256];
  final List<Dump> dumps = new ArrayList<>();
  final List<SubRecord> subRecordsInOrder = new ArrayList<>();
  final String version;
  final int idSize;
  private final Map<Long, String> strings = new HashMap<>();
  private final Map<Long, Long> classNameIds = new HashMap<>();
  /** Instances and object arrays per class id; primitive arrays per "type:length". */
  private final Map<Long, Integer> objectsByClass = new HashMap<>();
  private final Map<String, Integer> primitiveArrays = new HashMap<>();
  private final ByteBuffer b;

  RecordWalker(byte[] hprof) {
    b = ByteBuffer.wrap(hprof);
    int nul = 0;
    while (hprof[nul] != 0) {
      nul++;
    }
    version = new String(hprof, 0, nul, StandardCharsets.US_ASCII);
    idSize = b.getInt(nul + 1);
    int pos = nul + 1 + 4 + 8;
    boolean inSegments = false;
    while (pos < hprof.length) {
      int tag = b.get(pos) & 0xFF;
      int length = b.getInt(pos + 5);
      int body = pos + 9;
      recordCounts[tag]++;
      if (tag == Hprof.UTF8) {
        strings.put(id(body), new String(hprof, body + idSize, length - idSize, StandardCharsets.UTF_8));
      } else if (tag == Hprof.LOAD_CLASS) {
        classNameIds.put(id(body + 4), id(body + 8 + idSize));
      }
      if (tag == Hprof.HEAP_DUMP || (tag == Hprof.HEAP_DUMP_SEGMENT && !inSegments)) {
        dumps.add(new Dump());
        inSegments = tag == Hprof.HEAP_DUMP_SEGMENT;
      }
      if (tag == Hprof.HEAP_DUMP || tag == Hprof.HEAP_DUMP_SEGMENT) {
        Dump d = dumps.get(dumps.size() - 1);
        d.segments++;
        int end = subRecords(d, body, body + length);
        if (end != body + length) {
          throw new IllegalStateException("sub-records end at " + end + ", record at " + (body + length));
        }
      } else if (tag == Hprof.HEAP_DUMP_END) {
        inSegments = false;
      }
      pos = body + length;
    }
    if (pos != hprof.length) {
      throw new IllegalStateException("last record ends at " + pos + " of " + hprof.length);
    }
  }

  private int subRecords(Dump d, int pos, int end) {
    while (pos < end) {
      int tag = b.get(pos++) & 0xFF;
      subRecordCounts[tag]++;
      subRecordsInOrder.add(new SubRecord(tag, pos));
      switch (tag) {
        case Hprof.ROOT_UNKNOWN, Hprof.ROOT_STICKY_CLASS, Hprof.ROOT_MONITOR_USED, Hprof.ROOT_INTERNED_STRING,
            Hprof.ROOT_FINALIZING, Hprof.ROOT_DEBUGGER, Hprof.ROOT_REFERENCE_CLEANUP, Hprof.ROOT_VM_INTERNAL,
            Hprof.ROOT_UNREACHABLE -> {
          d.roots++;
          pos += idSize;
        }
        case Hprof.ROOT_JNI_GLOBAL -> {
          d.roots++;
          pos += 2 * idSize;
        }
        case Hprof.ROOT_JNI_LOCAL, Hprof.ROOT_JAVA_FRAME, Hprof.ROOT_THREAD_OBJECT, Hprof.ROOT_JNI_MONITOR -> {
          d.roots++;
          pos += idSize + 8;
        }
        case Hprof.ROOT_NATIVE_STACK, Hprof.ROOT_THREAD_BLOCK -> {
          d.roots++;
          pos += idSize + 4;
        }
        case Hprof.HEAP_DUMP_INFO -> pos += 4 + idSize;
        case Hprof.CLASS_DUMP -> {
          d.classDumps++;
          pos = classDump(pos);
        }
        case Hprof.INSTANCE_DUMP -> {
          d.instances++;
          objectsByClass.merge(id(pos + idSize + 4), 1, Integer::sum);
          pos += 2 * idSize + 4;
          pos += 4 + b.getInt(pos);
        }
        case Hprof.OBJECT_ARRAY_DUMP -> {
          d.objectArrays++;
          objectsByClass.merge(id(pos + idSize + 8), 1, Integer::sum);
          pos += idSize + 4;
          pos += 4 + idSize + b.getInt(pos) * idSize;
        }
        case Hprof.PRIMITIVE_ARRAY_DUMP -> {
          d.primitiveArrays++;
          pos += idSize + 4;
          primitiveArrays.merge(b.get(pos + 4) + ":" + b.getInt(pos), 1, Integer::sum);
          pos += 5 + b.getInt(pos) * Hprof.sizeOf(b.get(pos + 4), idSize);
        }
        case Hprof.PRIMITIVE_ARRAY_NODATA -> {
          d.primitiveArrays++;
          pos += idSize + 9;
        }
        default -> throw new IllegalStateException("unknown sub-record 0x" + Integer.toHexString(tag));
      }
    }
    return pos;
  }

  long id(int pos) {
    return idSize == 8 ? b.getLong(pos) : b.getInt(pos) & 0xFFFF_FFFFL;
  }

  int u4(int pos) {
    return b.getInt(pos);
  }

  /** The name LOAD CLASS gives the class object {@code classId}, or null if none does. */
  String className(long classId) {
    Long nameId = classNameIds.get(classId);
    return nameId == null ? null : strings.get(nameId);
  }

  /** Instances and object arrays per class name (classes sharing a name together), all dumps together. */
  Map<String, Integer> countsByClassName() {
    Map<String, Integer> byName = new HashMap<>();
    objectsByClass.forEach((classId, n) -> byName.merge(String.valueOf(className(classId)), n, Integer::sum));
    return byName;
  }

  /** Primitive arrays per "type:length", all dumps together. */
  Map<String, Integer> primitiveArrayCounts() {
    return Map.copyOf(primitiveArrays);
  }

  /** Instances (or object arrays) of the class named {@code name} in internal form, all dumps together. */
  int count(String name) {
    int n = 0;
    for (Map.Entry<Long, Long> c : classNameIds.entrySet()) {
      if (name.equals(strings.get(c.getValue()))) {
        n += objectsByClass.getOrDefault(c.getKey(), 0);
      }
    }
    return n;
  }

  /** Primitive arrays of a basic type and length, all dumps together. */
  int primitiveArrays(int type, int length) {
    return primitiveArrays.getOrDefault(type + ":" + length, 0);
  }

  private int classDump(int pos) {
    pos += 7 * idSize + 4 + 4;
    int constants = b.getShort(pos) & 0xFFFF;
    pos += 2;
    for (int i = 0; i < constants; i++) {
      pos += 3 + Hprof.sizeOf(b.get(pos + 2), idSize);
    }
    int statics = b.getShort(pos) & 0xFFFF;
    pos += 2;
    for (int i = 0; i < statics; i++) {
      pos += idSize + 1 + Hprof.sizeOf(b.get(pos + idSize), idSize);
    }
    int fields = b.getShort(pos) & 0xFFFF;
    return pos + 2 + fields * (idSize + 1);
  }
}
