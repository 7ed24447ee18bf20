package io.memdiff.hprof;

import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The object records one {@link RubyPart} wrote, read back by their offset in the order written:
 * kept in the heap, as the buffers they were written to, when the dump is small beside the heap;
 * else in a scratch file of their own (deleted once open), mapped once written, so that a big dump's
 * records never need a big heap.
 */
final class RubyRecords {
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  /** How errors about the scratch file would name it (it has no name once open). */
  private static final Path SCRATCH_NAME = Path.of("memdiff-ruby-records");

  private final FileChannel scratch;
  private MappedFile mapped;
  /** In the heap: the buffers, each ending where the next starts, and where each starts. */
  private final List<byte[]> chunks = new ArrayList<>();
  private final LongArrayList chunkStarts = new LongArrayList();
  private long length;
  /** The chunk of the last read: reads come mostly in order. */
  private int last;

  /** @param scratchDir where the scratch file goes, when records go to one (null: the system's temp dir) */
  RubyRecords(boolean inHeap, Path scratchDir) throws IOException {
    this.scratch = inHeap ? null : HprofFile.openDeleted(HprofFile.scratchFile(scratchDir));
  }

  /**
   * Takes the first {@code used} bytes of {@code buffer} as the next records; returns whether it keeps
   * the buffer (the caller then writes on to another).
   */
  boolean add(byte[] buffer, int used) throws IOException {
    if (used == 0) {
      return false;
    }
    if (scratch == null) {
      // A buffer less than half full (a part's last) is kept as a copy of its records.
      boolean keep = used >= buffer.length / 2;
      chunks.add(keep ? buffer : Arrays.copyOf(buffer, used));
      chunkStarts.add(length);
      length += used;
      return keep;
    }
    ByteBuffer out = ByteBuffer.wrap(buffer, 0, used);
    while (out.hasRemaining()) {
      length += scratch.write(out, length);
    }
    return false;
  }

  /** Bytes added so far: the offset of the next record. */
  long length() {
    return length;
  }

  /** Done adding: a scratch file is mapped to be read back. */
  void finish() throws IOException {
    if (scratch != null && length > 0) {
      mapped = new MappedFile(SCRATCH_NAME, scratch, MappedFile.DEFAULT_WINDOW_SIZE);
    }
  }

  int i4(long pos) {
    if (mapped != null) {
      return mapped.i4(pos);
    }
    int c = chunkOf(pos);
    return (int) INTS.get(chunks.get(c), (int) (pos - chunkStarts.getLong(c)));
  }

  long i8(long pos) {
    if (mapped != null) {
      return mapped.i8(pos);
    }
    int c = chunkOf(pos);
    return (long) LONGS.get(chunks.get(c), (int) (pos - chunkStarts.getLong(c)));
  }

  /** Copies {@code n} bytes at {@code pos} (of one record: never across two chunks) to {@code into}. */
  void get(long pos, byte[] into, int n) {
    if (mapped != null) {
      mapped.get(pos, into, 0, n);
      return;
    }
    int c = chunkOf(pos);
    System.arraycopy(chunks.get(c), (int) (pos - chunkStarts.getLong(c)), into, 0, n);
  }

  private int chunkOf(long pos) {
    int c = last;
    if (pos >= chunkStarts.getLong(c) && (c + 1 == chunks.size() || pos < chunkStarts.getLong(c + 1))) {
      return c;
    }
    int lo = 0;
    int hi = chunks.size() - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (chunkStarts.getLong(mid) <= pos) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    last = lo;
    return lo;
  }

  /** Closes the scratch file; its space is freed when the mapping goes too. */
  void close() throws IOException {
    if (scratch != null) {
      scratch.close();
    }
  }
}
