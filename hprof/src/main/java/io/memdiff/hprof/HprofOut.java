package io.memdiff.hprof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes HPROF records (identifiers of 8 bytes) to a channel through one buffer, for dumps of other
 * formats that memdiff reads as HPROF: the reader then has one record loop for every format.
 */
final class HprofOut {
  static final int ID_SIZE = 8;
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
  private long flushed;
  /** Where the open heap dump segment's length field is, or −1. */
  private long segmentLengthAt = -1;

  HprofOut(FileChannel channel) {
    this.channel = channel;
  }

  long position() {
    return flushed + buffer.position();
  }

  void header(long timestampMillis) throws IOException {
    bytes("JAVA PROFILE 1.0.2".getBytes(StandardCharsets.ISO_8859_1));
    u1(0);
    u4(ID_SIZE);
    u8(timestampMillis);
  }

  void string(long id, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    record(Tags.UTF8, ID_SIZE + utf8.length);
    u8(id);
    bytes(utf8);
  }

  void loadClass(int serial, long classId, long nameId) throws IOException {
    record(Tags.LOAD_CLASS, 4 + ID_SIZE + 4 + ID_SIZE);
    u4(serial);
    u8(classId);
    u4(0);
    u8(nameId);
  }

  /** A frame with a source file and line but no class or method: a Ruby allocation site. */
  void frame(long frameId, long sourceFileId, int line) throws IOException {
    record(Tags.FRAME, 4 * ID_SIZE + 8);
    u8(frameId);
    u8(0);
    u8(0);
    u8(sourceFileId);
    u4(0);
    u4(line);
  }

  void trace(int serial, long[] frameIds) throws IOException {
    record(Tags.TRACE, 12 + frameIds.length * ID_SIZE);
    u4(serial);
    u4(0);
    u4(frameIds.length);
    for (long f : frameIds) {
      u8(f);
    }
  }

  /** Opens a heap dump segment whose length is filled in by {@link #endSegment}. */
  void beginSegment() throws IOException {
    u1(Tags.HEAP_DUMP_SEGMENT);
    u4(0);
    segmentLengthAt = position();
    u4(0);
  }

  /** Bytes in the open segment so far. */
  long segmentLength() {
    return position() - segmentLengthAt - 4;
  }

  void endSegment() throws IOException {
    long length = segmentLength();
    flush();
    ByteBuffer field = ByteBuffer.allocate(4).putInt(0, (int) length);
    channel.write(field, segmentLengthAt);
    segmentLengthAt = -1;
  }

  void heapDumpEnd() throws IOException {
    record(Tags.HEAP_DUMP_END, 0);
  }

  void rootUnknown(long objectId) throws IOException {
    u1(0xFF);
    u8(objectId);
  }

  void objectArray(long objectId, int traceSerial, long classId, long[] elements, int length) throws IOException {
    u1(Tags.OBJECT_ARRAY_DUMP);
    u8(objectId);
    u4(traceSerial);
    u4(length);
    u8(classId);
    for (int i = 0; i < length; i++) {
      u8(elements[i]);
    }
  }

  /** Bytes already in HPROF form: records a {@link RubyPart} wrote. */
  void raw(byte[] b, int off, int len) throws IOException {
    if (len <= buffer.remaining()) {
      buffer.put(b, off, len);
      return;
    }
    flush();
    if (len <= buffer.capacity() / 2) {
      buffer.put(b, off, len);
      return;
    }
    ByteBuffer direct = ByteBuffer.wrap(b, off, len);
    while (direct.hasRemaining()) {
      flushed += channel.write(direct, flushed);
    }
  }

  void flush() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      flushed += channel.write(buffer, flushed);
    }
    buffer.clear();
  }

  private void record(int tag, long length) throws IOException {
    u1(tag);
    u4(0);
    u4((int) length);
  }

  private void room(int n) throws IOException {
    if (buffer.remaining() < n) {
      flush();
    }
  }

  private void u1(int v) throws IOException {
    room(1);
    buffer.put((byte) v);
  }

  private void u4(int v) throws IOException {
    room(4);
    buffer.putInt(v);
  }

  private void u8(long v) throws IOException {
    room(8);
    buffer.putLong(v);
  }

  private void bytes(byte[] b) throws IOException {
    for (int at = 0; at < b.length; ) {
      room(1);
      int n = Math.min(buffer.remaining(), b.length - at);
      buffer.put(b, at, n);
      at += n;
    }
  }
}
