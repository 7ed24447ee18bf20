package io.memdiff.testdata;

import java.util.Arrays;

/**
 * Big-endian bytes whose ids are {@code idSize} wide: record bodies, field values, and the heap-dump
 * sub-records. Sub-records carry no length of their own, so each method writes exactly the layout of its
 * tag (hprof-format.md section 2) and nothing else. {@code B} is the concrete builder, for chaining.
 */
public abstract class RecordBytes<B extends RecordBytes<B>> {
  private final int idSize;
  private byte[] buf = new byte[64];
  private int size;

  RecordBytes(int idSize) {
    this.idSize = idSize;
  }

  abstract B self();

  public int idSize() {
    return idSize;
  }

  public B u1(int v) {
    if (size == buf.length) {
      buf = Arrays.copyOf(buf, buf.length * 2);
    }
    buf[size++] = (byte) v;
    return self();
  }

  public B u2(int v) {
    return u1(v >>> 8).u1(v);
  }

  public B u4(long v) {
    return u2((int) (v >>> 16) & 0xFFFF).u2((int) v & 0xFFFF);
  }

  public B u8(long v) {
    return u4(v >>> 32).u4(v & 0xFFFF_FFFFL);
  }

  /** An id, {@code idSize} wide; with 4-byte ids only the low 32 bits are written. */
  public B id(long v) {
    return idSize == 8 ? u8(v) : u4(v & 0xFFFF_FFFFL);
  }

  public B bool(boolean v) {
    return u1(v ? 1 : 0);
  }

  public B i1(byte v) {
    return u1(v);
  }

  public B ch(char v) {
    return u2(v);
  }

  public B i2(short v) {
    return u2(v);
  }

  public B i4(int v) {
    return u4(v & 0xFFFF_FFFFL);
  }

  public B i8(long v) {
    return u8(v);
  }

  public B f4(float v) {
    return i4(Float.floatToRawIntBits(v));
  }

  public B f8(double v) {
    return u8(Double.doubleToRawLongBits(v));
  }

  public B bytes(byte[] b) {
    if (size + b.length > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + b.length));
    }
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
    return self();
  }

  public B bytes(RecordBytes<?> b) {
    return bytes(b.toByteArray());
  }

  /** What was written so far; the same as {@link #toByteArray()}, to end a field-value chain. */
  public byte[] bytes() {
    return toByteArray();
  }

  public int size() {
    return size;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /** A value of a basic type as statics and fields hold it; FLOAT and DOUBLE as their raw bits. */
  public B value(int type, long v) {
    return switch (type) {
      case Hprof.OBJECT -> id(v);
      case Hprof.BOOLEAN, Hprof.BYTE -> u1((int) v);
      case Hprof.CHAR, Hprof.SHORT -> u2((int) v);
      case Hprof.FLOAT, Hprof.INT -> u4(v & 0xFFFF_FFFFL);
      case Hprof.DOUBLE, Hprof.LONG -> u8(v);
      default -> throw new IllegalArgumentException("not a basic type: " + type);
    };
  }

  /** Any bytes as a sub-record, e.g. an unknown sub-tag that loses the rest of its segment. */
  public B rawSubRecord(byte[] b) {
    return bytes(b);
  }

  /** A root of only an id: UNKNOWN, STICKY CLASS, MONITOR USED, Android 0x89–0x8D and 0x90. */
  public B root(int tag, long objectId) {
    return u1(tag).id(objectId);
  }

  public B rootUnknown(long objectId) {
    return root(Hprof.ROOT_UNKNOWN, objectId);
  }

  public B rootJniGlobal(long objectId, long globalRefId) {
    return u1(Hprof.ROOT_JNI_GLOBAL).id(objectId).id(globalRefId);
  }

  /** JNI LOCAL (02) or JAVA FRAME (03): {@code frameIndex} is the 0-based frame in the thread's TRACE, −1 none. */
  public B rootFrame(int tag, long objectId, int threadSerial, int frameIndex) {
    return u1(tag).id(objectId).u4(threadSerial).i4(frameIndex);
  }

  public B rootJniLocal(long objectId, int threadSerial, int frameIndex) {
    return rootFrame(Hprof.ROOT_JNI_LOCAL, objectId, threadSerial, frameIndex);
  }

  public B rootJavaFrame(long objectId, int threadSerial, int frameIndex) {
    return rootFrame(Hprof.ROOT_JAVA_FRAME, objectId, threadSerial, frameIndex);
  }

  /** NATIVE STACK (04) or THREAD BLOCK (06): an id and a thread serial. */
  public B rootThread(int tag, long objectId, int threadSerial) {
    return u1(tag).id(objectId).u4(threadSerial);
  }

  public B rootNativeStack(long objectId, int threadSerial) {
    return rootThread(Hprof.ROOT_NATIVE_STACK, objectId, threadSerial);
  }

  public B rootStickyClass(long classId) {
    return root(Hprof.ROOT_STICKY_CLASS, classId);
  }

  public B rootThreadBlock(long objectId, int threadSerial) {
    return rootThread(Hprof.ROOT_THREAD_BLOCK, objectId, threadSerial);
  }

  public B rootMonitorUsed(long objectId) {
    return root(Hprof.ROOT_MONITOR_USED, objectId);
  }

  public B rootThreadObject(long threadObjectId, int threadSerial, int traceSerial) {
    return u1(Hprof.ROOT_THREAD_OBJECT).id(threadObjectId).u4(threadSerial).u4(traceSerial);
  }

  public B rootInternedString(long objectId) {
    return root(Hprof.ROOT_INTERNED_STRING, objectId);
  }

  public B rootFinalizing(long objectId) {
    return root(Hprof.ROOT_FINALIZING, objectId);
  }

  public B rootDebugger(long objectId) {
    return root(Hprof.ROOT_DEBUGGER, objectId);
  }

  public B rootReferenceCleanup(long objectId) {
    return root(Hprof.ROOT_REFERENCE_CLEANUP, objectId);
  }

  public B rootVmInternal(long objectId) {
    return root(Hprof.ROOT_VM_INTERNAL, objectId);
  }

  public B rootUnreachable(long objectId) {
    return root(Hprof.ROOT_UNREACHABLE, objectId);
  }

  /** Android JNI MONITOR (0x8E). */
  public B rootJniMonitor(long objectId, int threadSerial, int depth) {
    return u1(Hprof.ROOT_JNI_MONITOR).id(objectId).u4(threadSerial).u4(depth);
  }

  /** Android HEAP DUMP INFO (0xFE): the heap of the records that follow, up to the segment's end. */
  public B heapDumpInfo(int heapId, long nameId) {
    return u1(Hprof.HEAP_DUMP_INFO).u4(heapId).id(nameId);
  }

  /** Starts a CLASS DUMP; add statics and fields, then {@link ClassDumpBuilder#end()} writes it here. */
  public ClassDumpBuilder<B> classDump(long classId, long superId, int instanceSize) {
    return new ClassDumpBuilder<>(self(), classId, superId, instanceSize);
  }

  /**
   * A CLASS DUMP with no constant pool, trace serial 1 and no signers or protection domain.
   *
   * @param statics (nameId, type, value) triples; value is an id for OBJECT
   * @param fields (nameId, type) pairs, in the order the instance values are written
   */
  public B classDump(long classId, long superId, long loaderId, int instanceSize, long[][] statics,
      long[][] fields) {
    ClassDumpBuilder<B> c = classDump(classId, superId, instanceSize).loader(loaderId);
    for (long[] s : statics) {
      c.staticField(s[0], (int) s[1], s[2]);
    }
    for (long[] f : fields) {
      c.field(f[0], (int) f[1]);
    }
    return c.end();
  }

  /** INSTANCE DUMP: u4 nBytes, then the values, own class's fields first, then each superclass's. */
  public B instance(long objectId, int traceSerial, long classId, byte[] fieldValues) {
    return u1(Hprof.INSTANCE_DUMP).id(objectId).u4(traceSerial).id(classId).u4(fieldValues.length).bytes(fieldValues);
  }

  public B instance(long objectId, int traceSerial, long classId, RecordBytes<?> values) {
    return instance(objectId, traceSerial, classId, values.toByteArray());
  }

  /** OBJECT ARRAY DUMP: note the length comes before the array class id. */
  public B objectArray(long objectId, int traceSerial, long arrayClassId, long... elements) {
    u1(Hprof.OBJECT_ARRAY_DUMP).id(objectId).u4(traceSerial).u4(elements.length).id(arrayClassId);
    for (long e : elements) {
      id(e);
    }
    return self();
  }

  /** PRIMITIVE ARRAY DUMP declaring {@code length} elements, followed by {@code data} as given (may lie). */
  public B primitiveArray(long objectId, int traceSerial, int type, long length, byte[] data) {
    return u1(Hprof.PRIMITIVE_ARRAY_DUMP).id(objectId).u4(traceSerial).u4(length).u1(type).bytes(data);
  }

  /** Android PRIMITIVE ARRAY NODATA (0xC3): a length and a type, no elements. */
  public B primitiveArrayNoData(long objectId, int traceSerial, long length, int type) {
    return u1(Hprof.PRIMITIVE_ARRAY_NODATA).id(objectId).u4(traceSerial).u4(length).u1(type);
  }

  // Typed primitive arrays the fixtures use, with trace serial 1: the empty trace HotSpot gives every object.

  public B byteArray(long objectId, byte... values) {
    return primitiveArray(objectId, 1, Hprof.BYTE, values.length, values.clone());
  }

  public B intArray(long objectId, int... values) {
    Scratch d = new Scratch(idSize);
    for (int v : values) {
      d.i4(v);
    }
    return primitiveArray(objectId, 1, Hprof.INT, values.length, d.toByteArray());
  }

  /** Element bytes for the typed arrays. */
  private static final class Scratch extends RecordBytes<Scratch> {
    Scratch(int idSize) {
      super(idSize);
    }

    @Override
    Scratch self() {
      return this;
    }
  }
}
