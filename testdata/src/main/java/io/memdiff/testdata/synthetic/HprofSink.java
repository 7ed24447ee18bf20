package io.memdiff.testdata.synthetic;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Big-endian output to a file through one large buffer, with ids of the dump's width. Everything a
 * synthetic dump holds passes through here, so it never keeps more than the buffer in memory; a length
 * written before its body is known is patched in place ({@link #patchU4}).
 */
final class HprofSink implements AutoCloseable {
  private final FileChannel channel;
  private final ByteBuffer buf;
  private final int idSize;
  /** File offset of {@code buf}'s first byte. */
  private long flushed;

  HprofSink(Path file, int idSize, int bufferBytes) throws IOException {
    if (idSize != 4 && idSize != 8) {
      throw new IllegalArgumentException("idSize must be 4 or 8, not " + idSize);
    }
    this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    this.buf = ByteBuffer.allocate(bufferBytes);
    this.idSize = idSize;
  }

  int idSize() {
    return idSize;
  }

  /** Bytes written so far, the file offset of the next byte. */
  long position() {
    return flushed + buf.position();
  }

  HprofSink u1(int v) throws IOException {
    room(1).put((byte) v);
    return this;
  }

  HprofSink u2(int v) throws IOException {
    room(2).putShort((short) v);
    return this;
  }

  HprofSink u4(long v) throws IOException {
    room(4).putInt((int) v);
    return this;
  }

  HprofSink u8(long v) throws IOException {
    room(8).putLong(v);
    return this;
  }

  /** An id; with 4-byte ids only the low 32 bits are written. */
  HprofSink id(long v) throws IOException {
    return idSize == 8 ? u8(v) : u4(v);
  }

  HprofSink bytes(byte[] b) throws IOException {
    int done = 0;
    while (done < b.length) {
      int n = Math.min(b.length - done, room(1).remaining());
      buf.put(b, done, n);
      done += n;
    }
    return this;
  }

  /** {@code n} bytes of a pattern made from {@code seed}: array contents nobody reads but must vary. */
  HprofSink filler(long seed, int n) throws IOException {
    long x = seed | 1;
    int left = n;
    while (left >= 8) {
      room(8).putLong(x);
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      left -= 8;
    }
    while (left-- > 0) {
      room(1).put((byte) x);
      x >>>= 8;
    }
    return this;
  }

  /** Overwrites the u4 at file offset {@code at}, written earlier, in the buffer or in the file. */
  void patchU4(long at, long v) throws IOException {
    if (at >= flushed) {
      buf.putInt((int) (at - flushed), (int) v);
    } else {
      ByteBuffer four = ByteBuffer.allocate(4).putInt(0, (int) v);
      while (four.hasRemaining()) {
        channel.write(four, at + four.position());
      }
    }
  }

  private ByteBuffer room(int n) throws IOException {
    if (buf.remaining() < n) {
      flush();
    }
    return buf;
  }

  private void flush() throws IOException {
    buf.flip();
    while (buf.hasRemaining()) {
      flushed += channel.write(buf, flushed);
    }
    buf.clear();
  }

  @Override
  public void close() throws IOException {
    try (channel) {
      flush();
    }
  }
}
