package io.memdiff.testdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes HPROF files byte by byte, for fixtures no JVM would write: every record type, 4- and 8-byte
 * ids, Android records, several heap dumps in one file, and broken files (lying lengths, unknown tags,
 * truncation anywhere). Records the offset of every top-level record so tests can cut at each.
 */
public final class HprofWriter {
  public static final int UTF8 = 0x01;
  public static final int LOAD_CLASS = 0x02;
  public static final int UNLOAD_CLASS = 0x03;
  public static final int FRAME = 0x04;
  public static final int TRACE = 0x05;
  public static final int ALLOC_SITES = 0x06;
  public static final int HEAP_SUMMARY = 0x07;
  public static final int START_THREAD = 0x0A;
  public static final int END_THREAD = 0x0B;
  public static final int HEAP_DUMP = 0x0C;
  public static final int CPU_SAMPLES = 0x0D;
  public static final int CONTROL_SETTINGS = 0x0E;
  public static final int HEAP_DUMP_SEGMENT = 0x1C;
  public static final int HEAP_DUMP_END = 0x2C;

  public static final int OBJECT = 2;
  public static final int BOOLEAN = 4;
  public static final int CHAR = 5;
  public static final int FLOAT = 6;
  public static final int DOUBLE = 7;
  public static final int BYTE = 8;
  public static final int SHORT = 9;
  public static final int INT = 10;
  public static final int LONG = 11;

  private final int idSize;
  private final Bytes out;
  private final List<Long> recordOffsets = new ArrayList<>();
  private long nextStringId = 0x10000;

  public HprofWriter(String version, int idSize, long timestampMillis) {
    this.idSize = idSize;
    this.out = new Bytes(idSize);
    out.bytes(version.getBytes(StandardCharsets.ISO_8859_1)).u1(0).u4(idSize).u8(timestampMillis);
  }

  /** {@code JAVA PROFILE 1.0.2} with the given id size. */
  public HprofWriter(int idSize) {
    this("JAVA PROFILE 1.0.2", idSize, 1_700_000_000_000L);
  }

  public int idSize() {
    return idSize;
  }

  /** A body builder with this file's id size, for records and sub-records. */
  public Bytes body() {
    return new Bytes(idSize);
  }

  /** A top-level record with its true length. */
  public HprofWriter record(int tag, Bytes body) {
    return record(tag, body.size(), body);
  }

  /** A top-level record declaring {@code length}, which may lie. */
  public HprofWriter record(int tag, long length, Bytes body) {
    recordOffsets.add((long) out.size());
    out.u1(tag).u4(0).u4(length).bytes(body.toByteArray());
    return this;
  }

  /** Bytes appended as they are. */
  public HprofWriter raw(byte[] bytes) {
    out.bytes(bytes);
    return this;
  }

  public HprofWriter utf8(long id, String text) {
    return record(UTF8, body().id(id).bytes(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes a UTF8 record with a fresh id and returns the id. */
  public long string(String text) {
    long id = nextStringId++;
    utf8(id, text);
    return id;
  }

  public HprofWriter loadClass(int classSerial, long classId, int traceSerial, long nameId) {
    return record(LOAD_CLASS, body().u4(classSerial).id(classId).u4(traceSerial).id(nameId));
  }

  public HprofWriter unloadClass(int classSerial) {
    return record(UNLOAD_CLASS, body().u4(classSerial));
  }

  public HprofWriter frame(long frameId, long methodNameId, long signatureId, long sourceFileId, int classSerial, int line) {
    return record(FRAME, body().id(frameId).id(methodNameId).id(signatureId).id(sourceFileId).u4(classSerial).u4(line));
  }

  public HprofWriter trace(int traceSerial, int threadSerial, long... frameIds) {
    Bytes b = body().u4(traceSerial).u4(threadSerial).u4(frameIds.length);
    for (long f : frameIds) {
      b.id(f);
    }
    return record(TRACE, b);
  }

  public HprofWriter startThread(int threadSerial, long threadObjectId, int traceSerial, long nameId, long groupNameId,
      long parentGroupNameId) {
    return record(START_THREAD,
        body().u4(threadSerial).id(threadObjectId).u4(traceSerial).id(nameId).id(groupNameId).id(parentGroupNameId));
  }

  public HprofWriter endThread(int threadSerial) {
    return record(END_THREAD, body().u4(threadSerial));
  }

  public HprofWriter heapSummary(int liveBytes, int liveInstances, long allocatedBytes, long allocatedInstances) {
    return record(HEAP_SUMMARY, body().u4(liveBytes).u4(liveInstances).u8(allocatedBytes).u8(allocatedInstances));
  }

  /** ALLOC SITES with {@code sites} entries of (arrayType, classSerial, traceSerial, counts…). */
  public HprofWriter allocSites(int sites) {
    Bytes b = body().u2(0).u4(Float.floatToIntBits(0.5f)).u4(100).u4(10).u8(200).u8(20).u4(sites);
    for (int i = 0; i < sites; i++) {
      b.u1(0).u4(i + 1).u4(1).u4(10).u4(1).u4(20).u4(2);
    }
    return record(ALLOC_SITES, b);
  }

  public HprofWriter cpuSamples(int... traceSerials) {
    Bytes b = body().u4(traceSerials.length).u4(traceSerials.length);
    for (int t : traceSerials) {
      b.u4(1).u4(t);
    }
    return record(CPU_SAMPLES, b);
  }

  public HprofWriter controlSettings(int flags, int depth) {
    return record(CONTROL_SETTINGS, body().u4(flags).u2(depth));
  }

  /** A HEAP DUMP SEGMENT (0x1C) holding the given sub-records. */
  public HprofWriter segment(Bytes subRecords) {
    return record(HEAP_DUMP_SEGMENT, subRecords);
  }

  /** A pre-1.0.2 style HEAP DUMP (0x0C) record. */
  public HprofWriter heapDump(Bytes subRecords) {
    return record(HEAP_DUMP, subRecords);
  }

  public HprofWriter heapDumpEnd() {
    return record(HEAP_DUMP_END, body());
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  public Path writeTo(Path file) throws IOException {
    return Files.write(file, toByteArray());
  }

  /** Where each top-level record starts. */
  public List<Long> recordOffsets() {
    return List.copyOf(recordOffsets);
  }

  /** A big-endian byte builder whose ids are {@code idSize} wide, with the heap-dump sub-records. */
  public static final class Bytes {
    private final int idSize;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    Bytes(int idSize) {
      this.idSize = idSize;
    }

    public Bytes u1(int v) {
      buf.write(v);
      return this;
    }

    public Bytes u2(int v) {
      return u1(v >>> 8).u1(v);
    }

    public Bytes u4(long v) {
      return u2((int) (v >>> 16) & 0xFFFF).u2((int) v & 0xFFFF);
    }

    public Bytes u8(long v) {
      return u4(v >>> 32).u4(v & 0xFFFF_FFFFL);
    }

    public Bytes id(long v) {
      return idSize == 8 ? u8(v) : u4(v);
    }

    public Bytes bytes(byte[] b) {
      buf.writeBytes(b);
      return this;
    }

    public Bytes bytes(Bytes b) {
      return bytes(b.toByteArray());
    }

    public int size() {
      return buf.size();
    }

    public byte[] toByteArray() {
      return buf.toByteArray();
    }

    /** A root sub-record with only an id: UNKNOWN (0xFF), STICKY CLASS (05), MONITOR USED (07), Android 0x89–0x8D, 0x90. */
    public Bytes root(int tag, long objectId) {
      return u1(tag).id(objectId);
    }

    public Bytes rootJniGlobal(long objectId, long globalRefId) {
      return u1(0x01).id(objectId).id(globalRefId);
    }

    /** JNI LOCAL (02) or JAVA FRAME (03). */
    public Bytes rootFrame(int tag, long objectId, int threadSerial, int frameIndex) {
      return u1(tag).id(objectId).u4(threadSerial).u4(frameIndex);
    }

    /** NATIVE STACK (04) or THREAD BLOCK (06). */
    public Bytes rootThread(int tag, long objectId, int threadSerial) {
      return u1(tag).id(objectId).u4(threadSerial);
    }

    public Bytes rootThreadObject(long threadObjectId, int threadSerial, int traceSerial) {
      return u1(0x08).id(threadObjectId).u4(threadSerial).u4(traceSerial);
    }

    /** Android JNI MONITOR (0x8E). */
    public Bytes rootJniMonitor(long objectId, int threadSerial, int depth) {
      return u1(0x8E).id(objectId).u4(threadSerial).u4(depth);
    }

    /** Android HEAP DUMP INFO (0xFE). */
    public Bytes heapDumpInfo(int heapId, long nameId) {
      return u1(0xFE).u4(heapId).id(nameId);
    }

    /**
     * CLASS DUMP with no constant pool.
     *
     * @param statics (nameId, type, value) triples; value is an id for OBJECT
     * @param fields (nameId, type) pairs, in the order the instance values are written
     */
    public Bytes classDump(long classId, long superId, long loaderId, int instanceSize, long[][] statics, long[][] fields) {
      u1(0x20).id(classId).u4(1).id(superId).id(loaderId).id(0).id(0).id(0).id(0).u4(instanceSize).u2(0);
      u2(statics.length);
      for (long[] s : statics) {
        id(s[0]).u1((int) s[1]);
        value((int) s[1], s[2]);
      }
      u2(fields.length);
      for (long[] f : fields) {
        id(f[0]).u1((int) f[1]);
      }
      return this;
    }

    /** A value of a basic type, as statics and instance fields hold it. */
    public Bytes value(int type, long v) {
      return switch (type) {
        case OBJECT -> id(v);
        case BOOLEAN, BYTE -> u1((int) v);
        case CHAR, SHORT -> u2((int) v);
        case FLOAT, INT -> u4(v);
        default -> u8(v);
      };
    }

    public Bytes instance(long objectId, int traceSerial, long classId, Bytes values) {
      return u1(0x21).id(objectId).u4(traceSerial).id(classId).u4(values.size()).bytes(values);
    }

    public Bytes objectArray(long objectId, int traceSerial, long arrayClassId, long... elements) {
      u1(0x22).id(objectId).u4(traceSerial).u4(elements.length).id(arrayClassId);
      for (long e : elements) {
        id(e);
      }
      return this;
    }

    /** PRIMITIVE ARRAY DUMP declaring {@code length} elements, followed by {@code data} as given. */
    public Bytes primitiveArray(long objectId, int traceSerial, int type, long length, byte[] data) {
      return u1(0x23).id(objectId).u4(traceSerial).u4(length).u1(type).bytes(data);
    }

    /** Android PRIMITIVE ARRAY NODATA (0xC3): a length and a type, no elements. */
    public Bytes primitiveArrayNoData(long objectId, int traceSerial, long length, int type) {
      return u1(0xC3).id(objectId).u4(traceSerial).u4(length).u1(type);
    }
  }
}
