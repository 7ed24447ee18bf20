package io.memdiff.testdata;

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
 *
 * <p>Heap dumps are written either from a finished body ({@link #segment(Bytes)}) or by opening a
 * record ({@link #beginSegment()}, {@link #beginHeapDump()}), adding sub-records to the {@link Bytes}
 * it returns, and closing it ({@link #endSegment()}, {@link #endDump()}, {@link Bytes#end()}), which
 * writes the record with the length of what was added.
 */
public final class HprofWriter {
  /** The header time of the default constructor: 2023-11-14T22:13:20Z. */
  public static final long DEFAULT_TIMESTAMP = 1_700_000_000_000L;
  /** The first id {@link #string(String)} hands out; keep hand-chosen ids below it. */
  public static final long FIRST_STRING_ID = 0x10000;

  private final String version;
  private final int idSize;
  private final Bytes out;
  private final List<Long> recordOffsets = new ArrayList<>();
  private long nextStringId = FIRST_STRING_ID;
  private Bytes open;
  private int openTag;

  /** A header: the NUL-terminated version, u4 idSize, u8 timestamp in epoch milliseconds. */
  public HprofWriter(String version, int idSize, long timestampMillis) {
    if (idSize != 4 && idSize != 8) {
      throw new IllegalArgumentException("idSize must be 4 or 8, not " + idSize);
    }
    this.version = version;
    this.idSize = idSize;
    this.out = new Bytes(idSize, null);
    out.bytes(version.getBytes(StandardCharsets.ISO_8859_1)).u1(0).u4(idSize).u8(timestampMillis);
  }

  /** {@code JAVA PROFILE 1.0.2} with the given id size, as HotSpot writes. */
  public HprofWriter(int idSize) {
    this(Hprof.VERSION_1_0_2, idSize, DEFAULT_TIMESTAMP);
  }

  public int idSize() {
    return idSize;
  }

  public String version() {
    return version;
  }

  /** Where the first record starts: the header's length. */
  public int headerSize() {
    return version.length() + 1 + 4 + 8;
  }

  /** A body builder with this file's id size, for records and sub-records. */
  public Bytes body() {
    return new Bytes(idSize, null);
  }

  /** A builder for an INSTANCE DUMP's field values: own class's fields first, then the superclass's. */
  public Bytes values() {
    return body();
  }

  /** A top-level record with its true length. */
  public HprofWriter record(int tag, Bytes body) {
    return record(tag, body.size(), body);
  }

  /** A top-level record declaring {@code length} (a u4, so up to 2^32 − 1), which may lie. */
  public HprofWriter record(int tag, long length, Bytes body) {
    return rawRecord(tag, (int) length, body.toByteArray());
  }

  /** A top-level record of any tag, known or not, with its true length. */
  public HprofWriter rawRecord(int tag, byte[] body) {
    return rawRecord(tag, body.length, body);
  }

  /** A top-level record declaring {@code declaredLength} (read as unsigned u4), which may lie. */
  public HprofWriter rawRecord(int tag, int declaredLength, byte[] body) {
    if (open != null) {
      throw new IllegalStateException("a heap dump record is open; end it first");
    }
    recordOffsets.add((long) out.size());
    out.u1(tag).u4(0).u4(declaredLength & 0xFFFF_FFFFL).bytes(body);
    return this;
  }

  /** Bytes appended as they are, outside any record. */
  public HprofWriter raw(byte[] bytes) {
    out.bytes(bytes);
    return this;
  }

  /** UTF8: the id, then the text without a terminator (ASCII is the same in modified UTF-8). */
  public HprofWriter utf8(long id, String text) {
    return record(Hprof.UTF8, body().id(id).bytes(text.getBytes(StandardCharsets.UTF_8)));
  }

  /** Writes a UTF8 record with the next free id and returns the id. */
  public long string(String text) {
    long id = nextStringId++;
    utf8(id, text);
    return id;
  }

  /** A UTF8 record of these bytes as they are, valid modified UTF-8 or not; returns its id. */
  public long string(byte[] bytes) {
    long id = nextStringId++;
    record(Hprof.UTF8, body().id(id).bytes(bytes));
    return id;
  }

  public HprofWriter loadClass(int classSerial, long classId, int traceSerial, long nameId) {
    return record(Hprof.LOAD_CLASS, body().u4(classSerial).id(classId).u4(traceSerial).id(nameId));
  }

  public HprofWriter unloadClass(int classSerial) {
    return record(Hprof.UNLOAD_CLASS, body().u4(classSerial));
  }

  /** FRAME; {@code line} is the source line, or −1 unknown, −2 compiled, −3 native. */
  public HprofWriter frame(long frameId, long methodNameId, long signatureId, long sourceFileId, int classSerial,
      int line) {
    return record(Hprof.FRAME, body().id(frameId).id(methodNameId).id(signatureId).id(sourceFileId).u4(classSerial).u4(line));
  }

  /** TRACE; frame 0 is the innermost. */
  public HprofWriter trace(int traceSerial, int threadSerial, long... frameIds) {
    Bytes b = body().u4(traceSerial).u4(threadSerial).u4(frameIds.length);
    for (long f : frameIds) {
      b.id(f);
    }
    return record(Hprof.TRACE, b);
  }

  public HprofWriter startThread(int threadSerial, long threadObjectId, int traceSerial, long nameId, long groupNameId,
      long parentGroupNameId) {
    return record(Hprof.START_THREAD,
        body().u4(threadSerial).id(threadObjectId).u4(traceSerial).id(nameId).id(groupNameId).id(parentGroupNameId));
  }

  public HprofWriter endThread(int threadSerial) {
    return record(Hprof.END_THREAD, body().u4(threadSerial));
  }

  public HprofWriter heapSummary(int liveBytes, int liveInstances, long allocatedBytes, long allocatedInstances) {
    return record(Hprof.HEAP_SUMMARY, body().u4(liveBytes).u4(liveInstances).u8(allocatedBytes).u8(allocatedInstances));
  }

  /** One ALLOC SITES entry; {@code arrayType} is 0 for an instance, else a basic type. */
  public record AllocSite(int arrayType, int classSerial, int traceSerial, int bytesAlive, int instancesAlive,
      int bytesAllocated, int instancesAllocated) {}

  /** ALLOC SITES: u2 flags, the cutoff ratio as a u4 float, totals, then the entries. */
  public HprofWriter allocSites(int flags, float cutoffRatio, int liveBytes, int liveInstances, long allocatedBytes,
      long allocatedInstances, AllocSite... sites) {
    Bytes b = body().u2(flags).u4(Float.floatToIntBits(cutoffRatio) & 0xFFFF_FFFFL).u4(liveBytes).u4(liveInstances)
        .u8(allocatedBytes).u8(allocatedInstances).u4(sites.length);
    for (AllocSite s : sites) {
      b.u1(s.arrayType()).u4(s.classSerial()).u4(s.traceSerial()).u4(s.bytesAlive()).u4(s.instancesAlive())
          .u4(s.bytesAllocated()).u4(s.instancesAllocated());
    }
    return record(Hprof.ALLOC_SITES, b);
  }

  /** One CPU SAMPLES entry: how many samples hit the trace. */
  public record CpuSample(int count, int traceSerial) {}

  public HprofWriter cpuSamples(int totalSamples, CpuSample... samples) {
    Bytes b = body().u4(totalSamples).u4(samples.length);
    for (CpuSample s : samples) {
      b.u4(s.count()).u4(s.traceSerial());
    }
    return record(Hprof.CPU_SAMPLES, b);
  }

  /** CONTROL SETTINGS: flags 1 = allocation traces on, 2 = CPU sampling on; u2 stack depth. */
  public HprofWriter controlSettings(int flags, int depth) {
    return record(Hprof.CONTROL_SETTINGS, body().u4(flags).u2(depth));
  }

  /** A HEAP DUMP SEGMENT (0x1C) holding the given sub-records. */
  public HprofWriter segment(Bytes subRecords) {
    return record(Hprof.HEAP_DUMP_SEGMENT, subRecords);
  }

  /** A whole HEAP DUMP (0x0C) record, as before segments existed, holding the given sub-records. */
  public HprofWriter heapDump(Bytes subRecords) {
    return record(Hprof.HEAP_DUMP, subRecords);
  }

  /** Opens a HEAP DUMP (0x0C) record; add sub-records to the result, then {@link #endDump()}. */
  public Bytes beginHeapDump() {
    return begin(Hprof.HEAP_DUMP);
  }

  /** Opens a HEAP DUMP SEGMENT (0x1C) record; add sub-records to the result, then {@link #endSegment()}. */
  public Bytes beginSegment() {
    return begin(Hprof.HEAP_DUMP_SEGMENT);
  }

  private Bytes begin(int tag) {
    if (open != null) {
      throw new IllegalStateException("a heap dump record is already open");
    }
    open = new Bytes(idSize, this);
    openTag = tag;
    return open;
  }

  /** Writes the open HEAP DUMP (0x0C) record with the length of its sub-records. */
  public HprofWriter endDump() {
    return end(Hprof.HEAP_DUMP);
  }

  /** Writes the open HEAP DUMP SEGMENT (0x1C) record with the length of its sub-records. */
  public HprofWriter endSegment() {
    return end(Hprof.HEAP_DUMP_SEGMENT);
  }

  HprofWriter end(int tag) {
    if (open == null || openTag != tag) {
      throw new IllegalStateException("no open record of tag 0x" + Integer.toHexString(tag));
    }
    Bytes body = open;
    open = null;
    return record(tag, body);
  }

  /** HEAP DUMP END (0x2C): empty, closes a run of segments. */
  public HprofWriter heapDumpEnd() {
    return record(Hprof.HEAP_DUMP_END, body());
  }

  public byte[] toByteArray() {
    if (open != null) {
      throw new IllegalStateException("a heap dump record is open; end it first");
    }
    return out.toByteArray();
  }

  public Path writeTo(Path file) throws IOException {
    return Files.write(file, toByteArray());
  }

  /** Where each top-level record starts, in file order. */
  public List<Long> recordOffsets() {
    return List.copyOf(recordOffsets);
  }

  /** The file as one plain gzip member. */
  public static byte[] gzip(byte[] hprof) {
    return Gzip.plain(hprof);
  }

  /**
   * The file as independent gzip members of at most {@code chunkSize} uncompressed bytes each, the first
   * with the FCOMMENT {@code HPROF BLOCKSIZE=<chunkSize>}, as {@code jcmd GC.heap_dump -gz} writes.
   */
  public static byte[] gzipChunked(byte[] hprof, int chunkSize) {
    return Gzip.chunked(hprof, chunkSize);
  }

  /** The builder of record bodies and heap-dump sub-records; see {@link RecordBytes}. */
  public static final class Bytes extends RecordBytes<Bytes> {
    private final HprofWriter owner;

    Bytes(int idSize, HprofWriter owner) {
      super(idSize);
      this.owner = owner;
    }

    @Override
    Bytes self() {
      return this;
    }

    /** Closes the heap-dump record this builder was opened for and returns its writer. */
    public HprofWriter end() {
      if (owner == null) {
        throw new IllegalStateException("not opened by beginSegment() or beginHeapDump()");
      }
      return owner.end(owner.openTag);
    }
  }
}
