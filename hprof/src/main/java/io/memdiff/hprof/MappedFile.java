package io.memdiff.hprof;

import io.memdiff.hprof.work.Tasks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
  private final int windowSize;
  /** The mapped windows; an entry is null after {@link #releasePages} until a read maps it again. */
  private final MappedByteBuffer[] windows;
  /** Base address of each window for {@link Raw} reads (0 while unmapped); null when Unsafe is unavailable. */
  private final long[] bases;
  /** Reads at or below this position are at least 8 bytes inside the file, hence inside a window. */
  private final long rawEnd;
  /**
   * The open channel windows are mapped again through, for a file that has no name any more (an
   * inflated copy, deleted once open so that no end of the process leaves it behind); null for a
   * file reopened by its path.
   */
  private final FileChannel channel;
  /** Size and modification time of each file mapped by path, when mapped: to tell a dump that changed. */
  private static final ConcurrentHashMap<Path, long[]> MAPPED =
      new ConcurrentHashMap<>();

  /**
   * @param windowSize a power of two of at least 16 bytes; tests use small ones to cover reads that
   *     cross window edges
   */
  public MappedFile(Path path, int windowSize) throws IOException {
    this(path, null, windowSize, true);
  }

  /**
   * Maps a file through a channel that stays open, so that the file's name may be deleted at once:
   * the mapping and the channel keep its data, and the kernel frees it when they go, however the
   * process ends. {@link #close} closes the channel.
   *
   * @param path how errors name the file
   */
  public MappedFile(Path path, FileChannel channel, int windowSize) throws IOException {
    this(path, channel, windowSize, false);
  }

  /** @param byPath map by the path (and remember its size and time), else through {@code channel} */
  private MappedFile(Path path, FileChannel channel, int windowSize, boolean byPath) throws IOException {
    if (windowSize < 16 || Integer.bitCount(windowSize) != 1) {
      throw new IllegalArgumentException("window size must be a power of two >= 16: " + windowSize);
    }
    this.path = path;
    this.windowSize = windowSize;
    this.shift = Integer.numberOfTrailingZeros(windowSize);
    this.mask = windowSize - 1L;
    this.channel = channel;
    if (byPath) {
      long[] seen = {Files.size(path), Files.getLastModifiedTime(path).toMillis()};
      try (FileChannel opened = FileChannel.open(path, StandardOpenOption.READ)) {
        this.length = opened.size();
        this.windows = mapAll(opened);
      }
      MAPPED.put(path.toAbsolutePath(), seen);
    } else {
      this.length = channel.size();
      this.windows = mapAll(channel);
    }
    this.bases = Raw.AVAILABLE ? new long[windows.length] : null;
    if (bases != null) {
      for (int k = 0; k < windows.length; k++) {
        bases[k] = Raw.address(windows[k]);
      }
    }
    this.rawEnd = bases == null ? -1 : length - 8;
  }

  private MappedByteBuffer[] mapAll(FileChannel opened) throws IOException {
    int count = (int) ((length + windowSize - 1) >>> shift);
    MappedByteBuffer[] w = new MappedByteBuffer[Math.max(count, 0)];
    for (int k = 0; k < count; k++) {
      w[k] = mapWindow(opened, k);
    }
    return w;
  }

  /**
   * Closes the channel of a file mapped through one, and forgets a file mapped by path for
   * {@link #describeChangedFile}; the windows stay readable until dropped.
   */
  public void close() throws IOException {
    if (channel != null) {
      channel.close();
    } else {
      MAPPED.remove(path.toAbsolutePath());
    }
  }

  /**
   * The first file mapped by its path whose size or modification time is not what it was when it was
   * mapped, described for the user ({@code FILE changed while it was read (now N bytes, was M)}), or
   * null: what to say when a read of a mapped page fails because the file under it was cut or replaced.
   */
  public static String describeChangedFile() {
    for (Map.Entry<Path, long[]> e : MAPPED.entrySet()) {
      String changed = describeChange(e.getKey(), e.getValue());
      if (changed != null) {
        return changed;
      }
    }
    return null;
  }

  /** How this file changed since it was mapped (as {@link #describeChangedFile} says it), or null. */
  public String describeChange() {
    long[] was = channel == null ? MAPPED.get(path.toAbsolutePath()) : null;
    return was == null ? null : describeChange(path.toAbsolutePath(), was);
  }

  private static String describeChange(Path file, long[] was) {
    try {
      long size = Files.size(file);
      long modified = Files.getLastModifiedTime(file).toMillis();
      if (size == was[0] && modified == was[1]) {
        return null;
      }
      boolean fresh = System.currentTimeMillis() - modified < 60_000;
      return file + " changed while it was read: now " + size + " bytes, was " + was[0]
          + (size < was[0] && fresh ? " (is it still being written?)" : " (was it replaced, or is it still being written?)");
    } catch (IOException gone) {
      // Renamed away or deleted: the mapping still reads the file as it was, so nothing was lost.
      return null;
    }
  }

  /** Files {@link #mapEarly} mapped, by absolute path, until {@link #open} takes them. */
  private static final ConcurrentHashMap<Path, MappedFile> EARLY =
      new ConcurrentHashMap<>();

  /**
   * Maps a dump before it is asked for, and faults its pages into this process's page tables on a
   * daemon thread, for a caller that knows which file comes next while it still has other work (the
   * command line's parsing, the JVM's start): the first read of each page of a mapping costs a page
   * fault, and those faults are a good part of the first pass, which a core that would otherwise sit
   * idle can take off its hands. The pages are touched in interleaved runs from where each of the
   * first pass's parts starts (a part per core), up to {@link #TOUCH_LIMIT} in all. A file that cannot be mapped is left
   * to {@link #open} to report.
   */
  public static void mapEarly(Path path) {
    try {
      MappedFile f = new MappedFile(path, DEFAULT_WINDOW_SIZE);
      EARLY.put(path.toAbsolutePath(), f);
      Tasks.named("memdiff-map-early").execute(f::touchPages);
    } catch (IOException | RuntimeException e) {
      // open maps it again and says what is wrong
    }
  }

  /** Whether {@link #mapEarly} mapped this file and {@link #open} has not taken it yet. */
  static boolean mappedEarly(Path path) {
    return EARLY.containsKey(path.toAbsolutePath());
  }

  /** The file, mapped by {@link #mapEarly} if it was (with this window size and its current length), else now. */
  public static MappedFile open(Path path, int windowSize) throws IOException {
    MappedFile early = EARLY.remove(path.toAbsolutePath());
    if (early != null && early.windowSize == windowSize && early.length == Files.size(path)) {
      return early;
    }
    return new MappedFile(path, windowSize);
  }

  /**
   * Reads a byte of every page, through the buffers (which stay mapped while referenced here, so
   * {@link #releasePages} cannot unmap one under this loop).
   */
  private void touchPages() {
    MappedByteBuffer[] held = windows.clone();
    int runs = Tasks.cores();
    long part = (length / runs) & ~4095L;
    // Only what the idle core can take while the JVM starts: further on the first pass's own threads
    // fault the pages in as fast, and in a file larger than memory pages touched far ahead are evicted
    // before the pass reads them, so the disk would read them twice.
    long run = Math.max(4096, Math.min(part, TOUCH_LIMIT / runs));
    long sum = 0;
    for (long at = 0; at < run; at += 4096) {
      for (int k = 0; k < runs; k++) {
        long a = k * part + at;
        if (a < length) {
          sum += held[(int) (a >>> shift)].get((int) (a & mask));
        }
      }
    }
    touched = sum;
  }

  /** The most bytes {@link #mapEarly} touches ahead of the first pass. */
  static final long TOUCH_LIMIT = 1L << 30;

  /** Keeps the page reads of {@link #touchPages} from being optimised away. */
  @SuppressWarnings("unused")
  private static volatile long touched;

  public Path path() {
    return path;
  }

  public long length() {
    return length;
  }

  public int u1(long pos) {
    if (pos >= 0 && pos <= rawEnd) {
      long b = bases[(int) (pos >>> shift)];
      if (b != 0) {
        return Raw.u1(b + (pos & mask));
      }
    }
    return window(pos).get((int) (pos & mask)) & 0xFF;
  }

  public int u2(long pos) {
    if (pos >= 0 && pos <= rawEnd) {
      long b = bases[(int) (pos >>> shift)];
      if (b != 0) {
        return Raw.u2(b + (pos & mask));
      }
    }
    return window(pos).getShort((int) (pos & mask)) & 0xFFFF;
  }

  /** A signed 32-bit value; HPROF's unsigned u4 fields go through {@link #u4}. */
  public int i4(long pos) {
    if (pos >= 0 && pos <= rawEnd) {
      long b = bases[(int) (pos >>> shift)];
      if (b != 0) {
        return Raw.i4(b + (pos & mask));
      }
    }
    return window(pos).getInt((int) (pos & mask));
  }

  public long u4(long pos) {
    return i4(pos) & 0xFFFF_FFFFL;
  }

  public long i8(long pos) {
    if (pos >= 0 && pos <= rawEnd) {
      long b = bases[(int) (pos >>> shift)];
      if (b != 0) {
        return Raw.i8(b + (pos & mask));
      }
    }
    return window(pos).getLong((int) (pos & mask));
  }

  /** An identifier of {@code idSize} bytes (4 or 8), zero-extended. */
  public long id(long pos, int idSize) {
    return idSize == 8 ? i8(pos) : u4(pos);
  }

  /** The window holding {@code pos}, mapped again if {@link #releasePages} dropped it. */
  private MappedByteBuffer window(long pos) {
    int k = (int) (pos >>> shift);
    MappedByteBuffer w = windows[k];
    return w != null ? w : map(k);
  }

  private synchronized MappedByteBuffer map(int k) {
    MappedByteBuffer w = windows[k];
    if (w != null) {
      return w;
    }
    try {
      if (channel != null) {
        w = mapWindow(channel, k);
      } else {
        try (FileChannel opened = FileChannel.open(path, StandardOpenOption.READ)) {
          w = mapWindow(opened, k);
        }
      }
    } catch (IOException e) {
      // The file went away or changed under memdiff (it was read whole before): say so plainly.
      throw new UncheckedIOException(new IOException(path + ": could not be read again: " + e, e));
    }
    windows[k] = w;
    if (bases != null) {
      bases[k] = Raw.address(w);
    }
    return w;
  }

  /** Window {@code k}: {@code [k·size, (k+1)·size + OVERLAP)}, cut at the end of the file. */
  private MappedByteBuffer mapWindow(FileChannel channel, int k) throws IOException {
    long start = (long) k << shift;
    MappedByteBuffer w = channel.map(FileChannel.MapMode.READ_ONLY, start,
        Math.min((long) windowSize + OVERLAP, length - start));
    w.order(ByteOrder.BIG_ENDIAN);
    return w;
  }

  /**
   * Drops every mapping, so the pages read so far leave the process's resident memory once the
   * buffers are collected; a later read maps its window again and brings in only the pages it
   * touches. For after the passes that read the whole file. No other thread may be reading this
   * file during the call: a read in flight could use an address about to be unmapped.
   */
  public synchronized void releasePages() {
    for (int k = 0; k < windows.length; k++) {
      if (bases != null) {
        bases[k] = 0;
      }
      windows[k] = null;
    }
  }

  /** Copies {@code len} bytes at {@code pos}, across window edges if needed. */
  public void get(long pos, byte[] dst, int off, int len) {
    while (len > 0) {
      MappedByteBuffer w = window(pos);
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
