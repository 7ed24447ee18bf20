package io.memdiff.testdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip as heap dumps come compressed: one plain member, or independent members of at most a block size
 * each, the first carrying the comment {@code HPROF BLOCKSIZE=<n>} as {@code jcmd GC.heap_dump -gz} writes
 * (RFC 1952; gzip's own integers are little-endian).
 */
final class Gzip {
  private static final int FCOMMENT = 0x10;
  private static final int OS_UNIX = 3;

  private Gzip() {}

  static byte[] plain(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] chunked(byte[] data, int chunkSize) {
    if (chunkSize <= 0) {
      throw new IllegalArgumentException("chunkSize must be positive, not " + chunkSize);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int offset = 0;
    do {
      int n = Math.min(chunkSize, data.length - offset);
      String comment = offset == 0 ? "HPROF BLOCKSIZE=" + chunkSize : null;
      member(out, data, offset, n, comment);
      offset += n;
    } while (offset < data.length);
    return out.toByteArray();
  }

  /** One member: 10-byte header, optional NUL-terminated comment, raw deflate, CRC32, ISIZE. */
  private static void member(ByteArrayOutputStream out, byte[] data, int offset, int length, String comment) {
    out.write(0x1F);
    out.write(0x8B);
    out.write(Deflater.DEFLATED);
    out.write(comment == null ? 0 : FCOMMENT);
    le4(out, 0); // MTIME: none
    out.write(0); // XFL
    out.write(OS_UNIX);
    if (comment != null) {
      out.writeBytes(comment.getBytes(StandardCharsets.ISO_8859_1));
      out.write(0);
    }
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    try {
      deflater.setInput(data, offset, length);
      deflater.finish();
      byte[] buf = new byte[8192];
      while (!deflater.finished()) {
        int n = deflater.deflate(buf);
        out.write(buf, 0, n);
      }
    } finally {
      deflater.end();
    }
    CRC32 crc = new CRC32();
    crc.update(data, offset, length);
    le4(out, (int) crc.getValue());
    le4(out, length); // ISIZE: the uncompressed length mod 2^32
  }

  private static void le4(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }
}
