package io.memdiff.hprof;

/**
 * Receives the records of one scan. Positions are offsets in the uncompressed dump, so a visitor reads
 * only the bytes it needs from {@link MappedFile}, and no per-object Java objects are made. Every
 * method has an empty default; a pass overrides what it uses.
 */
public interface HprofVisitor {
  /** UTF8 record: {@code byteLength} bytes of modified UTF-8 at {@code textOffset}. */
  default void utf8(long id, long textOffset, int byteLength) {}

  default void loadClass(int classSerial, long classId, int traceSerial, long nameId) {}

  default void unloadClass(int classSerial) {}

  /** FRAME: {@code line} &gt; 0 a line number, −1 unknown, −2 compiled, −3 native. */
  default void frame(long frameId, long methodNameId, long signatureId, long sourceFileId, int classSerial, int line) {}

  /** TRACE: {@code frameIds[0]} is the innermost frame. */
  default void trace(int traceSerial, int threadSerial, long[] frameIds) {}

  default void startThread(
      int threadSerial, long threadObjectId, int traceSerial, long nameId, long groupNameId, long parentGroupNameId) {}

  default void endThread(int threadSerial) {}

  /** A record memdiff does not interpret (ALLOC SITES, HEAP SUMMARY, CPU SAMPLES, CONTROL SETTINGS, unknown tags). */
  default void otherRecord(int tag, long recordOffset, long bodyLength) {}

  /** Called before the sub-records of the selected heap dump's first HEAP DUMP or SEGMENT record. */
  default void heapDumpStart(long recordOffset) {}

  /** A GC root; {@code threadSerial} and {@code frameIndex} are −1 where the kind has none. */
  default void root(RootKind kind, long objectId, int threadSerial, int frameIndex) {}

  /** ROOT THREAD OBJECT, which also names the thread's stack trace; by default just a root. */
  default void threadObjectRoot(long threadObjectId, int threadSerial, int traceSerial) {
    root(RootKind.THREAD_OBJECT, threadObjectId, threadSerial, -1);
  }

  /** Android HEAP DUMP INFO: the following objects belong to heap {@code heapId} ('A' app, 'Z' zygote, 'I' image). */
  default void heapDumpInfo(int heapId, long nameId) {}

  default void classDump(ClassDump classDump) {}

  /** INSTANCE DUMP; the field values ({@code valuesLength} bytes) start at {@code valuesOffset}. */
  default void instance(long recordOffset, long objectId, int traceSerial, long classId, long valuesOffset, int valuesLength) {}

  default void objectArray(long recordOffset, long objectId, int traceSerial, long arrayClassId, long elementsOffset, int length) {}

  /** PRIMITIVE ARRAY DUMP; {@code elementsOffset} is −1 for Android's PRIMITIVE ARRAY NODATA. */
  default void primitiveArray(long recordOffset, long objectId, int traceSerial, int type, long elementsOffset, int length) {}
}
