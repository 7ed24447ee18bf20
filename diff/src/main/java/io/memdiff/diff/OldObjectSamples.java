package io.memdiff.diff;

import io.memdiff.hprof.work.Tasks;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedObject;
import jdk.jfr.consumer.RecordingFile;

/**
 * JFR's {@code jdk.OldObjectSample} events of one recording: live objects sampled at allocation, with
 * their allocation stacks and (when the recording was dumped right after a heap dump) their address
 * in that dump. Read with the JDK's own JFR parser.
 */
public final class OldObjectSamples {
  private static final String EVENT = "jdk.OldObjectSample";
  private final Path file;
  final LongArrayList addresses = new LongArrayList();
  final List<String> classNames = new ArrayList<>();
  final IntArrayList stackOf = new IntArrayList();
  /** When each object was allocated, epoch milliseconds (Long.MIN_VALUE when the event does not say). */
  final LongArrayList allocatedAt = new LongArrayList();
  final List<List<String>> stacks = new ArrayList<>();
  private final Object2IntOpenHashMap<List<String>> stackIds = new Object2IntOpenHashMap<>();

  private OldObjectSamples(Path file) {
    this.file = file;
    stackIds.defaultReturnValue(-1);
  }

  /** The recording beside a dump: {@code k.jfr} for {@code k.hprof} or {@code k.hprof.gz}; null when there is none. */
  public static Path besideDump(Path dump) {
    String name = dump.getFileName().toString();
    int end = name.endsWith(".hprof.gz") ? name.length() - 9 : name.endsWith(".hprof") ? name.length() - 6 : -1;
    if (end <= 0) {
      return null;
    }
    Path jfr = dump.resolveSibling(name.substring(0, end) + ".jfr");
    return Files.isRegularFile(jfr) ? jfr : null;
  }

  /**
   * Reads a recording's old-object samples.
   *
   * @throws IOException with a message in memdiff's words when the file is not a readable recording
   */
  public static OldObjectSamples read(Path file) throws IOException {
    return read(file, PARSE_SECONDS);
  }

  /** @param leastSeconds the least time the reading is given (tests give little) */
  static OldObjectSamples read(Path file, long leastSeconds) throws IOException {
    OldObjectSamples s = new OldObjectSamples(file);
    long size = Files.size(file);
    if (size == 0) {
      throw new IOException(file + ": empty, not a JFR recording");
    }
    byte[] header = new byte[16];
    try (InputStream in = Files.newInputStream(file)) {
      int read = in.readNBytes(header, 0, header.length);
      if (read < 4 || header[0] != 'F' || header[1] != 'L' || header[2] != 'R' || header[3] != 0) {
        throw new IOException(file + ": not a JFR recording (it does not start as one)");
      }
      // A first chunk longer than the file is one cut short, or still being written: the JDK's
      // parser would wait for the rest.
      long chunk = read < 16 ? -1 : ByteBuffer.wrap(header, 8, 8).getLong();
      if (chunk < CHUNK_HEADER_BYTES || chunk > size) {
        throw new IOException(file + ": truncated JFR recording, " + size + " bytes (cut short when written?)");
      }
    }
    // The JDK's parser waits for a chunk it takes to be still in writing: on a file that only looks
    // so, it would wait for ever. It runs on a thread of its own, given time in proportion to size.
    CompletableFuture<List<RecordedEvent>> parsed = Tasks.async("memdiff-jfr", () -> {
      try {
        return lastEmission(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    List<RecordedEvent> last;
    try {
      last = parsed.get(leastSeconds + size / BYTES_PER_SECOND, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      parsed.cancel(true);
      throw new IOException(file + ": not a readable JFR recording (its reading did not end: is it still being written?)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(file + ": reading interrupted", e);
    } catch (ExecutionException e) {
      Throwable t = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
      String m = t.getMessage() == null ? "" : t.getMessage();
      if (t instanceof EOFException || m.contains("Trying to read at") || m.contains("Not a complete")) {
        throw new IOException(file + ": truncated JFR recording, " + size + " bytes (cut short when written?)");
      }
      if (t instanceof Error err) {
        throw err;
      }
      throw new IOException(file + ": not a readable JFR recording (" + (m.isEmpty()
          ? t.getClass().getSimpleName() : m.strip().replaceAll("\\s*\\R\\s*", "; ")) + ")");
    }
    for (RecordedEvent e : last) {
      s.add(e);
    }
    return s;
  }

  /** A chunk's header: magic, version, sizes, offsets and times. */
  private static final int CHUNK_HEADER_BYTES = 68;

  /** Seconds a recording's reading may take at least, and the bytes per second it is given beyond. */
  private static final long PARSE_SECONDS = 20;
  private static final long BYTES_PER_SECOND = 2_000_000;

  /**
   * The samples of the recording's last emission: a recording emits its samples each time it is
   * dumped, with the addresses of that moment, and keeps the earlier emissions, so only the last
   * one's addresses are those of the heap dump just before.
   */
  private static List<RecordedEvent> lastEmission(Path file) throws IOException {
    List<RecordedEvent> last = new ArrayList<>();
    Instant lastEmission = null;
    try (RecordingFile recording = new RecordingFile(file)) {
      while (recording.hasMoreEvents()) {
        RecordedEvent e = recording.readEvent();
        if (e.getEventType().getName().equals(EVENT)) {
          Instant at = e.getStartTime();
          if (lastEmission == null || at.isAfter(lastEmission)) {
            lastEmission = at;
            last.clear();
          }
          if (at.equals(lastEmission)) {
            last.add(e);
          }
        }
      }
    }
    return last;
  }

  private void add(RecordedEvent e) {
    RecordedObject object = e.getValue("object");
    if (object == null) {
      return;
    }
    long address = object.getLong("address");
    RecordedClass type = object.getValue("type");
    List<String> frames = new ArrayList<>();
    if (e.getStackTrace() != null) {
      for (RecordedFrame f : e.getStackTrace().getFrames()) {
        frames.add(describe(f));
      }
    }
    int id = stackIds.getInt(frames);
    if (id < 0) {
      id = stacks.size();
      stacks.add(List.copyOf(frames));
      stackIds.put(stacks.get(id), id);
    }
    Instant allocated = e.hasField("allocationTime") ? e.getInstant("allocationTime") : null;
    allocatedAt.add(allocated == null ? Long.MIN_VALUE : allocated.toEpochMilli());
    addresses.add(address);
    classNames.add(type == null ? null : javaName(type.getName()));
    stackOf.add(id);
  }

  /** {@code com.acme.Foo.bar(Foo.java:53)}: the source file named after the outermost class, as javac names it. */
  static String describe(RecordedFrame f) {
    if (f.getMethod() == null) {
      return "?";
    }
    String cls = f.getMethod().getType() == null ? "?" : f.getMethod().getType().getName();
    String outer = cls.substring(cls.lastIndexOf('.') + 1);
    int nested = outer.indexOf('$');
    String source = (nested > 0 ? outer.substring(0, nested) : outer) + ".java";
    int line = f.getLineNumber();
    return cls + "." + f.getMethod().getName() + "(" + (line > 0 ? source + ":" + line : source) + ")";
  }

  /** A class name as the dump names it: JFR gives arrays in descriptor form ({@code [B}, {@code [Lcom.acme.A;}). */
  static String javaName(String jfrName) {
    jfrName = jfrName.replace('/', '.');
    int dims = 0;
    while (dims < jfrName.length() && jfrName.charAt(dims) == '[') {
      dims++;
    }
    if (dims == 0) {
      return jfrName;
    }
    String element = jfrName.substring(dims);
    String base = switch (element) {
      case "Z" -> "boolean";
      case "B" -> "byte";
      case "C" -> "char";
      case "S" -> "short";
      case "I" -> "int";
      case "J" -> "long";
      case "F" -> "float";
      case "D" -> "double";
      default -> element.startsWith("L") && element.endsWith(";") ? element.substring(1, element.length() - 1) : element;
    };
    return base + "[]".repeat(dims);
  }

  public Path file() {
    return file;
  }

  public int size() {
    return addresses.size();
  }
}
