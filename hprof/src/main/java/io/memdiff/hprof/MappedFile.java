package io.memdiff.hprof;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Read-only big-endian view of a file through memory-mapped windows, so files beyond the 2 GiB limit
 * of one {@link MappedByteBuffer} can be read without copying them into the Java heap.
 *
 * <p>Window {@code k} maps {@code [k·size, (k+1)·size + OVERLAP)}: any read of at most 8 bytes that
 * starts in a window ends in it too, so primitive reads never straddle a window edge. Callers check
 * positions against {@link #length()}; reads past it fail with an {@link IndexOutOfBoundsException}.
 *
 * <p>Reads that lie at least 8 bytes inside the file go straight to the mapped memory through
 * {@link Raw}, skipping the buffer's bounds and scope checks (the hot path of every pass); the
 * position check above them keeps every such read inside its window. Reads near the end of the file,
 * or on a JVM without Unsafe, go through the buffer.
 */
public final class MappedFile {
  /** Default window: 1 GiB. */
  public static final int DEFAULT_WINDOW_SIZE = 1 << 30;
  private static final int OVERLAP = 8;

  private final Path path;
  private final long length;
  private final int shift;
  private final long mask;
  private final MappedByteBuffer[] windows;
  /** Base address of each window for {@link Raw} reads; null when Unsafe is unavailable. */
  private final long[] bases;
  /** Reads at or below this position are at least 8 bytes inside the file, hence inside a window. */
  private final long rawEnd;

  /**
   * @param windowSize a power of two of at least 16 bytes; tests use small ones to cover reads that
   *     cross window edges
   */
  public MappedFile(Path path, int windowSize) throws IOException {
    if (windowSize < 16 || Integer.bitCount(windowSize) != 1) {
      throw new IllegalArgumentException("window size must be a power of two >= 16: " + windowSize);
    }
    this.path = path;
    this.shift = Integer.numberOfTrailingZeros(windowSize);
    this.mask = windowSize - 1L;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      this.length = channel.size();
      int count = (int) ((length + windowSize - 1) >>> shift);
      this.windows = new MappedByteBuffer[Math.max(count, 0)];
      for (int k = 0; k < count; k++) {
        long start = (long) k << shift;
        long size = Math.min((long) windowSize + OVERLAP, length - start);
        windows[k] = channel.map(FileChannel.MapMode.READ_ONLY, start, size);
        windows[k].order(ByteOrder.BIG_ENDIAN);
      }
    }
    this.bases = Raw.AVAILABLE ? new long[windows.length] : null;
    if (bases != null) {
      for (int k = 0; k < windows.length; k++) {
        bases[k] = Raw.address(windows[k]);
      }
    }
    this.rawEnd = bases == null ? -1 : length - 8;
  }

  public Path path() {
    return path;
  }

  public long length() {
    return length;
  }

  public int u1(long pos) {
    if (pos >= 0 && pos <= rawEnd) {
      return Raw.u1(bases[(int) (pos >>> shift)] + (pos & mask));
    }
    return windows[(int) (pos >>> shift)].get((int) (pos & mask)) & 0xFF;
  }

  public int u2(long pos) {
    if (pos >= 0 && pos <= rawEnd) {
      return Raw.u2(bases[(int) (pos >>> shift)] + (pos & mask));
    }
    return windows[(int) (pos >>> shift)].getShort((int) (pos & mask)) & 0xFFFF;
  }

  /** A signed 32-bit value; HPROF's unsigned u4 fields go through {@link #u4}. */
  public int i4(long pos) {
    if (pos >= 0 && pos <= rawEnd) {
      return Raw.i4(bases[(int) (pos >>> shift)] + (pos & mask));
    }
    return windows[(int) (pos >>> shift)].getInt((int) (pos & mask));
  }

  public long u4(long pos) {
    return i4(pos) & 0xFFFF_FFFFL;
  }

  public long i8(long pos) {
    if (pos >= 0 && pos <= rawEnd) {
      return Raw.i8(bases[(int) (pos >>> shift)] + (pos & mask));
    }
    return windows[(int) (pos >>> shift)].getLong((int) (pos & mask));
  }

  /** An identifier of {@code idSize} bytes (4 or 8), zero-extended. */
  public long id(long pos, int idSize) {
    return idSize == 8 ? i8(pos) : u4(pos);
  }

  /** Copies {@code len} bytes at {@code pos}, across window edges if needed. */
  public void get(long pos, byte[] dst, int off, int len) {
    while (len > 0) {
      MappedByteBuffer w = windows[(int) (pos >>> shift)];
      int inWindow = (int) (pos & mask);
      int n = Math.min(len, (int) Math.min(mask + 1 - inWindow, w.limit() - inWindow));
      if (n <= 0) {
        // Only the last window ends before the next edge: the copy runs past the end of the file.
        throw new IndexOutOfBoundsException("read of " + len + " bytes at " + pos + " past the end (" + length + ")");
      }
      w.get(inWindow, dst, off, n);
      pos += n;
      off += n;
      len -= n;
    }
  }
}
