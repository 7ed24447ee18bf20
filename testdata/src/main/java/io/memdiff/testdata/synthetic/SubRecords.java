package io.memdiff.testdata.synthetic;

import io.memdiff.testdata.Hprof;
import java.io.IOException;

/**
 * Heap-dump sub-records, packed into HEAP DUMP SEGMENTs as HotSpot packs them: a segment is closed
 * before the sub-record that would take it past the limit, and a sub-record bigger than the limit gets
 * a segment of its own. Each method writes a sub-record's header; the caller then writes exactly the
 * values or elements it announced.
 */
final class SubRecords {
  private final HprofSink out;
  private final long segmentLimit;
  private final int id;
  /** File offset of the open segment's body, or −1 when none is open. */
  private long segmentBody = -1;
  private long segments;

  SubRecords(HprofSink out, long segmentLimit) {
    this.out = out;
    this.segmentLimit = segmentLimit;
    this.id = out.idSize();
  }

  long segments() {
    return segments;
  }

  /** INSTANCE DUMP header; {@code valueBytes} of field values follow, the class's own first. */
  HprofSink instance(long address, long classId, int valueBytes) throws IOException {
    room(1 + id + 4 + id + 4 + valueBytes);
    return out.u1(Hprof.INSTANCE_DUMP).id(address).u4(1).id(classId).u4(valueBytes);
  }

  /** OBJECT ARRAY DUMP header; {@code length} ids follow. */
  HprofSink objectArray(long address, long arrayClassId, int length) throws IOException {
    room(1 + id + 4 + 4 + id + (long) length * id);
    return out.u1(Hprof.OBJECT_ARRAY_DUMP).id(address).u4(1).u4(length).id(arrayClassId);
  }

  /** PRIMITIVE ARRAY DUMP header; {@code length} elements of {@code basicType} follow. */
  HprofSink primitiveArray(long address, int basicType, int length) throws IOException {
    room(1 + id + 4 + 4 + 1 + (long) length * Hprof.sizeOf(basicType, id));
    return out.u1(Hprof.PRIMITIVE_ARRAY_DUMP).id(address).u4(1).u4(length).u1(basicType);
  }

  /** CLASS DUMP: the caller writes the whole body of {@code bytes}, starting with the class id. */
  HprofSink classDump(long bytes) throws IOException {
    room(1 + bytes);
    return out.u1(Hprof.CLASS_DUMP);
  }

  void stickyClass(long classId) throws IOException {
    room(1 + id);
    out.u1(Hprof.ROOT_STICKY_CLASS).id(classId);
  }

  void jniGlobal(long address, long globalRefId) throws IOException {
    room(1 + 2L * id);
    out.u1(Hprof.ROOT_JNI_GLOBAL).id(address).id(globalRefId);
  }

  void threadObject(long address, int threadSerial, int traceSerial) throws IOException {
    room(1 + id + 8);
    out.u1(Hprof.ROOT_THREAD_OBJECT).id(address).u4(threadSerial).u4(traceSerial);
  }

  void javaFrame(long address, int threadSerial, int frameIndex) throws IOException {
    room(1 + id + 8);
    out.u1(Hprof.ROOT_JAVA_FRAME).id(address).u4(threadSerial).u4(frameIndex);
  }

  /** Closes the last segment and writes HEAP DUMP END. */
  void end() throws IOException {
    close();
    out.u1(Hprof.HEAP_DUMP_END).u4(0).u4(0);
  }

  private void room(long bytes) throws IOException {
    if (bytes > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("a sub-record of " + bytes + " bytes does not fit a segment's u4 length");
    }
    long used = segmentBody < 0 ? 0 : out.position() - segmentBody;
    if (segmentBody >= 0 && used > 0 && used + bytes > segmentLimit) {
      close();
    }
    if (segmentBody < 0) {
      out.u1(Hprof.HEAP_DUMP_SEGMENT).u4(0).u4(0);
      segmentBody = out.position();
      segments++;
    }
  }

  private void close() throws IOException {
    if (segmentBody >= 0) {
      out.patchU4(segmentBody - 4, out.position() - segmentBody);
      segmentBody = -1;
    }
  }
}
