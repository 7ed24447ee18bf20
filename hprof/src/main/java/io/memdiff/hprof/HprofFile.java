package io.memdiff.hprof;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An opened HPROF dump: its header and a mapped view of its records. Gzip input (plain, or the
 * chunked members {@code jcmd GC.heap_dump -gz} writes) is recognised by its magic bytes and inflated
 * once to a temporary file, which is mapped and deleted on {@link #close()}.
 */
public final class HprofFile implements AutoCloseable {
  private static final int MAX_VERSION_LENGTH = 64;

  private final Path path;
  private final boolean compressed;
  private final MappedFile data;
  private final String version;
  private final int idSize;
  private final long timestampMillis;
  private final long firstRecordOffset;
  /** What a Ruby dump recorded beyond its transcoded records; null for an HPROF dump. */
  private final RubyDump ruby;

  private HprofFile(Path path, boolean compressed, MappedFile data) throws HprofFormatException {
    this(path, compressed, data, null);
  }

  HprofFile(Path path, boolean compressed, MappedFile data, RubyDump ruby) throws HprofFormatException {
    this.path = path;
    this.ruby = ruby;
    this.compressed = compressed;
    this.data = data;
    long len = data.length();
    if (len == 0) {
      throw new EmptyFileException(path);
    }
    int nul = -1;
    for (int i = 0; i < Math.min(len, MAX_VERSION_LENGTH); i++) {
      int b = data.u1(i);
      if (b == 0) {
        nul = i;
        break;
      }
      if (b < 0x20 || b > 0x7E) {
        break;
      }
    }
    String magic = MAGIC;
    byte[] head = new byte[(int) Math.min(len, magic.length())];
    data.get(0, head, 0, head.length);
    if (!magic.startsWith(new String(head, StandardCharsets.ISO_8859_1))) {
      throw new HprofFormatException(path, 0, "not an HPROF heap dump (no 'JAVA PROFILE' header)");
    }
    if (head.length < magic.length()) {
      throw new HprofFormatException(
          path, len, "truncated header: expected at least " + magic.length() + " bytes, " + len + " available");
    }
    if (nul < 0) {
      throw new HprofFormatException(
          path, Math.min(len, MAX_VERSION_LENGTH), "truncated or corrupt header: version string has no terminating NUL");
    }
    byte[] v = new byte[nul];
    data.get(0, v, 0, nul);
    this.version = new String(v, StandardCharsets.ISO_8859_1);
    if (!version.equals("JAVA PROFILE 1.0.1")
        && !version.equals("JAVA PROFILE 1.0.2")
        && !version.equals("JAVA PROFILE 1.0.3")) {
      throw new HprofFormatException(path, 0, "unsupported HPROF version '" + version + "'");
    }
    long headerEnd = nul + 1L + 4 + 8;
    if (len < headerEnd) {
      throw new HprofFormatException(
          path, nul + 1L, "truncated header: expected " + (headerEnd - nul - 1) + " bytes, " + (len - nul - 1) + " available");
    }
    this.idSize = data.i4(nul + 1L);
    if (idSize != 4 && idSize != 8) {
      throw new HprofFormatException(path, nul + 1L, "unsupported identifier size " + idSize + " (expected 4 or 8)");
    }
    this.timestampMillis = data.i8(nul + 5L);
    this.firstRecordOffset = headerEnd;
  }

  /** Opens with the default window size and the system temp dir for inflated gzip input. */
  public static HprofFile open(Path path) throws IOException {
    return open(path, null, MappedFile.DEFAULT_WINDOW_SIZE);
  }

  /**
   * @param tmpDir where gzip input is inflated; null for the system temp dir
   * @param windowSize mapping window, a power of two
   */
  public static HprofFile open(Path path, Path tmpDir, int windowSize) throws IOException {
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such file");
    }
    if (Files.isDirectory(path)) {
      throw new HprofFormatException(path, 0, "is a directory, not a heap dump");
    }
    if (Files.size(path) == 0) {
      throw new EmptyFileException(path);
    }
    boolean gzip = isGzip(path);
    if (RubyDumpFile.isRubyDump(path, gzip)) {
      return RubyDumpFile.open(path, gzip, tmpDir, windowSize);
    }
    if (!gzip) {
      return new HprofFile(path, false, MappedFile.open(path, windowSize));
    }
    FileChannel inflated = inflate(path, tmpDir);
    try {
      return new HprofFile(path, true, new MappedFile(path, inflated, windowSize));
    } catch (IOException | RuntimeException e) {
      inflated.close();
      throw e;
    }
  }

  /** How every HPROF file starts. */
  private static final String MAGIC = "JAVA PROFILE ";

  /**
   * Maps {@code path} ahead of {@link #open} (see {@link MappedFile#mapEarly}) when it is a regular
   * file that starts as an uncompressed HPROF file does; returns whether it did. Anything else (a
   * gzip dump, a summary, a pipe, whose bytes would be taken from the reader, a missing file) is left
   * to open to read or report.
   */
  public static boolean mapEarly(Path path) {
    if (!Files.isRegularFile(path)) {
      return false;
    }
    byte[] magic = MAGIC.getBytes(StandardCharsets.ISO_8859_1);
    try (InputStream in = Files.newInputStream(path)) {
      if (!Arrays.equals(in.readNBytes(magic.length), magic)) {
        return false;
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
    MappedFile.mapEarly(path);
    return true;
  }

  /** Whether the file is a Ruby heap dump (JSON lines), plain or gzip, by its first bytes. */
  public static boolean isRubyDump(Path path) {
    try {
      return Files.isRegularFile(path) && RubyDumpFile.isRubyDump(path, isGzip(path));
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether the file starts as gzip does. */
  public static boolean isGzip(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return in.read() == 0x1F && in.read() == 0x8B;
    }
  }

  /**
   * Inflates every gzip member (GZIPInputStream reads concatenated members) into a temporary file
   * whose name is deleted as soon as it is open, so that no end of the process, SIGKILL included,
   * leaves it behind (where the system cannot delete an open file, it is deleted on exit); the open
   * channel keeps the data until it is closed. A broken stream is reported at the compressed offset
   * where reading stopped, a full disk with the directory and how much was written.
   */
  private static FileChannel inflate(Path path, Path tmpDir) throws IOException {
    Path target = scratchFile(tmpDir);
    FileChannel channel = openDeleted(target);
    CountingInputStream counted = new CountingInputStream(Files.newInputStream(path));
    long written = 0;
    boolean writing = false;
    try (InputStream in = new GZIPInputStream(new BufferedInputStream(counted, 1 << 16), 1 << 16)) {
      ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
      for (int n; (n = in.read(buffer.array())) > 0; ) {
        buffer.clear().limit(n);
        writing = true;
        while (buffer.hasRemaining()) {
          written += channel.write(buffer);
        }
        writing = false;
      }
      return channel;
    } catch (EOFException e) {
      channel.close();
      throw new HprofFormatException(path, counted.count, "truncated gzip stream (compressed file ends early)");
    } catch (ZipException e) {
      channel.close();
      throw new HprofFormatException(path, counted.count, "corrupt gzip stream: " + e.getMessage());
    } catch (IOException e) {
      channel.close();
      if (!writing) {
        throw e;
      }
      throw new ScratchSpaceException("cannot inflate " + path + " into " + target.getParent() + ": " + e.getMessage()
          + " (" + written + " bytes written; give --tmp-dir a directory with more room)", e);
    } catch (RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** A new temporary file in {@code tmpDir} (null: the system's), for {@link #openDeleted}. */
  static Path scratchFile(Path tmpDir) throws IOException {
    return tmpDir == null
        ? Files.createTempFile("memdiff-", ".hprof")
        : Files.createTempFile(tmpDir, "memdiff-", ".hprof");
  }

  /**
   * Opens a temporary file and deletes its name at once, so that no end of the process, SIGKILL
   * included, leaves it behind; the open channel keeps the data until it is closed.
   */
  static FileChannel openDeleted(Path target) throws IOException {
    try {
      return FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } finally {
      try {
        Files.delete(target);
      } catch (IOException stillOpen) {
        target.toFile().deleteOnExit();
      }
    }
  }

  /** What a Ruby dump recorded beyond its objects' records (sizes, root names), or null for HPROF. */
  public RubyDump ruby() {
    return ruby;
  }

  /** The file the user named (compressed or not). */
  public Path path() {
    return path;
  }

  /** The mapped, uncompressed bytes; offsets in errors refer to these. */
  public MappedFile data() {
    return data;
  }

  public boolean wasCompressed() {
    return compressed;
  }

  /** The HPROF header's version, or {@link RubyDump#FORMAT} for a Ruby dump. */
  public String version() {
    return ruby != null ? RubyDump.FORMAT : version;
  }

  public int idSize() {
    return idSize;
  }

  public long timestampMillis() {
    return timestampMillis;
  }

  public long firstRecordOffset() {
    return firstRecordOffset;
  }

  /** Length of the uncompressed dump. */
  public long length() {
    return data.length();
  }

  /**
   * Releases the file; fails when the dump changed while it was read (its size or modification time
   * is not what it was when mapped), since what was read may mix two versions of it.
   */
  @Override
  public void close() throws IOException {
    String changed = data.describeChange();
    data.close();
    if (changed != null) {
      long now = Files.exists(path) ? Files.size(path) : 0;
      throw new HprofFormatException(path, Math.min(now, data.length()), changed.substring(changed.indexOf(" changed") + 1));
    }
  }

  private static final class CountingInputStream extends FilterInputStream {
    long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
