package io.memdiff.hprof;

import io.memdiff.hprof.work.Tasks;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2LongOpenHashMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a Ruby heap dump ({@code ObjectSpace.dump_all} JSON lines) as HPROF records, so that the one
 * heap model and every analysis read it as they read a JVM dump: each object becomes an object array
 * of its references (Ruby names no fields) whose class is its Ruby class, each root reference a root
 * record, and each {@code file:line} allocation site a one-frame stack trace. A plain dump is cut at
 * line breaks into parts read at once ({@link RubyPart}); their numbers for sites and classes are
 * then replaced by the dump's, given in the order the lines first use them, so the records do not
 * depend on how many parts there were. A line that cannot be read is noted and skipped; whether that
 * fails the read is decided by the read's options (see {@link RubyDump#requireWhole}).
 */
final class RubyTranscoder {
  /** A segment's length is a u4: start another well before it overflows. */
  private static final long SEGMENT_LIMIT = 1L << 30;
  /** HotSpot's serial for the trace with no frames, given to objects without an allocation site. */
  private static final int NO_TRACE = 1;
  /** A part of a plain dump is at least this long, so a small dump is read on one thread. */
  static final long MIN_PART = 1 << 20;
  /** Fewer objects than this are renumbered and checked on one thread: starting others would take longer. */
  private static final int MIN_PARALLEL_CHECK = 1 << 16;

  private final HprofOut out;
  private final List<RubyPart> parts;
  /** Classes memdiff names for objects Ruby gives no usable class (ids below any heap address). */
  private final Object2LongOpenHashMap<String> syntheticClasses = new Object2LongOpenHashMap<>();
  private final Long2ObjectOpenHashMap<String> firstTypeOfClass = new Long2ObjectOpenHashMap<>();
  private final Long2ObjectOpenHashMap<String> classNames = new Long2ObjectOpenHashMap<>();
  private final Long2LongOpenHashMap memsizeByClass = new Long2LongOpenHashMap();
  private final Object2IntOpenHashMap<String> fileIds = new Object2IntOpenHashMap<>();
  private final List<String> files = new ArrayList<>();
  /** Trace serial by (file id, line). */
  private final Long2IntOpenHashMap traces = new Long2IntOpenHashMap();
  private final IntArrayList traceFiles = new IntArrayList();
  private final IntArrayList traceLines = new IntArrayList();
  /** Each part's first line's number less one. */
  private final long[] lineBase;

  private RubyTranscoder(FileChannel channel, List<RubyPart> parts) {
    this.out = new HprofOut(channel);
    this.parts = parts;
    this.lineBase = new long[parts.size()];
    traces.defaultReturnValue(-1);
    fileIds.defaultReturnValue(-1);
  }

  /** Reads {@code in} to its end (a gzip dump, inflated as it is read), and writes the HPROF records to {@code out}. */
  static RubyDump transcode(InputStream in, FileChannel out, long timestampMillis, Scratch scratch)
      throws IOException {
    RubyPart part = new RubyPart(scratch.inHeap(), scratch.dir(), RubyPart.BUFFER);
    try {
      part.read(new RubyLines(in));
      return new RubyTranscoder(out, List.of(part)).write(timestampMillis);
    } finally {
      part.close();
    }
  }

  /**
   * Reads the plain dump {@code in} in parts, the lines that start in {@code [bounds[k], bounds[k+1])}
   * each, at once, and writes the HPROF records to {@code out}.
   *
   * @param bounds ascending offsets, from 0 to the file's length ({@link #bounds})
   */
  static RubyDump transcode(FileChannel in, long[] bounds, FileChannel out, long timestampMillis, Scratch scratch)
      throws IOException {
    List<RubyPart> parts = new ArrayList<>();
    try {
      return transcode(in, bounds, out, timestampMillis, scratch, parts);
    } finally {
      for (RubyPart part : parts) {
        part.close();
      }
    }
  }

  private static RubyDump transcode(FileChannel in, long[] bounds, FileChannel out, long timestampMillis,
      Scratch scratch, List<RubyPart> parts) throws IOException {
    IOException[] failed = new IOException[bounds.length - 1];
    List<Runnable> reads = new ArrayList<>();
    for (int k = 0; k + 1 < bounds.length; k++) {
      // A small part's records take a small buffer (a test cuts a dump into dozens of parts).
      int buffer = (int) Math.max(1 << 12, Math.min(RubyPart.BUFFER, (bounds[k + 1] - bounds[k]) / 4));
      RubyPart part = new RubyPart(scratch.inHeap(), scratch.dir(), buffer);
      parts.add(part);
      int index = k;
      RubyLines lines = new RubyLines(in, bounds[k], bounds[k + 1]);
      reads.add(() -> {
        try {
          part.read(lines);
        } catch (IOException e) {
          failed[index] = e;
        }
      });
    }
    Tasks.all("memdiff-ruby-read", reads);
    long base = 0;
    for (int k = 0; k < failed.length; k++) {
      if (failed[k] instanceof RubyLines.TooLong tooLong) {
        throw new IOException("line " + (base + tooLong.number) + " is longer than " + RubyLines.MAX_LINE + " bytes");
      }
      if (failed[k] != null) {
        throw failed[k];
      }
      base += parts.get(k).lineCount;
    }
    return new RubyTranscoder(out, parts).write(timestampMillis);
  }

  /**
   * Where the object records wait until all are read and can be written in address order: in the
   * heap, or in scratch files in {@code dir} (null: the system's temp dir).
   */
  record Scratch(boolean inHeap, Path dir) {
    /**
     * In the heap when they take a small share of it: the records of a dump take a tenth of its
     * bytes (an address of 14 to 18 characters becomes 8 bytes, the rest of a line 25), so a
     * quarter is a bound.
     */
    static Scratch forDump(long dumpBytes, Path dir) {
      return new Scratch(dumpBytes / 4 < Runtime.getRuntime().maxMemory() / 8, dir);
    }
  }

  /** Offsets that cut a file of {@code length} bytes into {@code parts} parts, each of at least {@code minimum} bytes. */
  static long[] bounds(long length, int parts, long minimum) {
    int n = (int) Math.max(1, Math.min(parts, length / Math.max(1, minimum)));
    long[] bounds = new long[n + 1];
    for (int k = 0; k <= n; k++) {
      bounds[k] = length / n * k + Math.min(k, length % n);
    }
    return bounds;
  }

  private RubyDump write(long timestampMillis) throws IOException {
    long base = 0;
    long skipped = 0;
    RubyDump.Problem firstProblem = null;
    for (int k = 0; k < parts.size(); k++) {
      RubyPart part = parts.get(k);
      lineBase[k] = base;
      base += part.lineCount;
      skipped += part.skipped;
      if (firstProblem == null && part.firstProblem != null) {
        firstProblem = new RubyDump.Problem(lineBase[k] + part.firstProblem.line(), part.firstProblem.streamOffset(),
            part.firstProblem.message());
      }
    }
    int[][] traceSerials = new int[parts.size()][];
    long[][] syntheticIds = new long[parts.size()][];
    List<String> rootNames = new ArrayList<>();
    int objects = 0;
    for (int k = 0; k < parts.size(); k++) {
      RubyPart part = parts.get(k);
      traceSerials[k] = merge(part.traceFiles, part.traceLines);
      syntheticIds[k] = mergeClasses(part);
      rootNames.addAll(part.rootNames);
      objects += (int) part.addresses.size();
    }
    long[] address = new long[objects];
    int[] order = new int[objects];
    int[] firstObject = new int[parts.size() + 1];
    for (int k = 0; k < parts.size(); k++) {
      RubyPart part = parts.get(k);
      part.addresses.copyTo(address, firstObject[k]);
      firstObject[k + 1] = firstObject[k] + (int) part.addresses.size();
      part.addresses.clear();
    }
    boolean inAddressOrder = numberInFileOrder(address, order);
    RubyAddresses.sort(address, order);
    long[] memsize = memsizes(order, firstObject);
    RubyAddresses addresses = new RubyAddresses(address);
    List<Runnable> checks = new ArrayList<>();
    for (RubyPart part : parts) {
      checks.add(() -> part.check(addresses));
    }
    if (objects >= MIN_PARALLEL_CHECK) {
      Tasks.all("memdiff-ruby-check", checks);
    } else {
      checks.forEach(Runnable::run);
    }
    long dangling = 0;
    for (int k = 0; k < parts.size(); k++) {
      RubyPart part = parts.get(k);
      if (firstProblem == null && part.firstDangling != null) {
        firstProblem = new RubyDump.Problem(lineBase[k] + part.firstDangling.line(), part.firstDangling.streamOffset(),
            part.firstDangling.message());
      }
      dangling += part.dangling;
    }
    out.header(timestampMillis);
    writeRecords(order, firstObject, traceSerials, syntheticIds);
    writeNames();
    out.heapDumpEnd();
    out.flush();
    return new RubyDump(addresses, memsize, inAddressOrder, memsizeByClass, rootNames.toArray(new String[0]),
        classNames, skipped, dangling, firstProblem);
  }

  /**
   * Numbers the objects in line order, and says whether their addresses ascend as HeapIndex tells of
   * an HPROF dump's records ({@code recordsWereInAddressOrder}): of the lines, not of the records
   * written, which go in address order. (The loops over every object here are methods of their own,
   * so that C2 compiles each loop and not the whole of write around it.)
   */
  private static boolean numberInFileOrder(long[] address, int[] order) {
    boolean ascending = true;
    long last = Long.MIN_VALUE;
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
      ascending &= address[i] > last;
      last = address[i];
    }
    return ascending;
  }

  /**
   * The objects' memsizes in address order, from the parts' (which are dropped).
   *
   * @param firstObject the number of each part's first object, and the count of all after them
   */
  private long[] memsizes(int[] order, int[] firstObject) {
    long[] out = new long[order.length];
    int k = 0;
    for (int i = 0; i < order.length; i++) {
      int object = order[i];
      if (object < firstObject[k] || object >= firstObject[k + 1]) {
        k = upperBound(firstObject, 0, firstObject.length, object) - 1;
      }
      out[i] = parts.get(k).memsizes.get(object - firstObject[k]);
    }
    for (RubyPart part : parts) {
      part.memsizes.clear();
    }
    return out;
  }

  /** The dump's trace serial for each of a part's sites (by its number there; 0: none). */
  private int[] merge(List<String> partFiles, IntArrayList partLines) {
    int[] serials = new int[partFiles.size()];
    serials[0] = NO_TRACE;
    for (int t = 1; t < serials.length; t++) {
      String name = partFiles.get(t);
      int file = fileIds.getInt(name);
      if (file < 0) {
        file = files.size();
        files.add(name);
        fileIds.put(name, file);
      }
      long key = ((long) file << 32) | partLines.getInt(t);
      int serial = traces.get(key);
      if (serial < 0) {
        serial = NO_TRACE + 1 + traceFiles.size();
        traces.put(key, serial);
        traceFiles.add(file);
        traceLines.add(partLines.getInt(t));
      }
      serials[t] = serial;
    }
    return serials;
  }

  /** Adds a part's classes to the dump's, the first line's type and name of each kept; the ids of the classes it named. */
  private long[] mergeClasses(RubyPart part) {
    long[] ids = new long[part.syntheticNames.size()];
    for (int c = 0; c < ids.length; c++) {
      ids[c] = synthetic(part.syntheticNames.get(c));
      memsizeByClass.addTo(ids[c], part.memsizeBySynthetic.getLong(c));
    }
    for (int c = 0; c < part.classOrder.size(); c++) {
      long address = part.classOrder.getLong(c);
      firstTypeOfClass.putIfAbsent(address, part.firstTypeOfClass.get(address));
    }
    for (Long2LongOpenHashMap.Entry e : part.memsizeByClass.long2LongEntrySet()) {
      memsizeByClass.addTo(e.getLongKey(), e.getLongValue());
    }
    for (int c = 0; c < part.classNameOrder.size(); c++) {
      long address = part.classNameOrder.getLong(c);
      classNames.putIfAbsent(address, part.classNames.get(address));
    }
    return ids;
  }

  /** Small odd ids: heap addresses are 8-byte aligned and far above them, so none is an object's. */
  private long synthetic(String name) {
    long id = syntheticClasses.getLong(name);
    if (id == 0) {
      id = 2L * syntheticClasses.size() + 1;
      syntheticClasses.put(name, id);
    }
    return id;
  }

  /**
   * The roots, in order, then the objects in address order (the index then has nothing to sort), in
   * heap dump segments of at most about {@link #SEGMENT_LIMIT} bytes.
   *
   * @param order each object's place in the dump's lines (from 0), by address
   */
  private void writeRecords(int[] order, int[] firstObject, int[][] traceSerials, long[][] syntheticIds)
      throws IOException {
    out.beginSegment();
    for (RubyPart part : parts) {
      for (int r = 0; r < part.roots.size(); r++) {
        split();
        out.rootUnknown(part.roots.getLong(r));
      }
    }
    byte[] record = new byte[1 << 16];
    // The objects come mostly in line order: the part of the last one is tried first.
    int k = 0;
    for (int object : order) {
      if (object < firstObject[k] || object >= firstObject[k + 1]) {
        k = upperBound(firstObject, 0, parts.size() + 1, object) - 1;
      }
      RubyPart part = parts.get(k);
      int local = object - firstObject[k];
      int size = part.recordLength(local);
      if (size > record.length) {
        record = new byte[size];
      }
      part.copyRecord(local, record, traceSerials[k], syntheticIds[k]);
      split();
      out.raw(record, 0, size);
    }
    out.endSegment();
  }

  /** Starts another heap dump segment before the open one outgrows its u4 length. */
  private void split() throws IOException {
    if (out.segmentLength() > SEGMENT_LIMIT) {
      out.endSegment();
      out.beginSegment();
    }
  }

  /** The first index in {@code [from, to)} whose value is above {@code value} (values ascending). */
  private static int upperBound(int[] values, int from, int to, int value) {
    int lo = from;
    int hi = to;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (values[mid] <= value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /**
   * The class names (a class whose line is missing or unnamed is named by its objects' type, never by
   * its address, so that sites do not depend on where a class was allocated) and the allocation sites.
   */
  private void writeNames() throws IOException {
    long nextId = 1;
    int serial = 1;
    for (Object2LongOpenHashMap.Entry<String> e : syntheticClasses.object2LongEntrySet()) {
      out.string(nextId, e.getKey());
      out.loadClass(serial++, e.getLongValue(), nextId++);
    }
    for (Long2ObjectOpenHashMap.Entry<String> e : firstTypeOfClass.long2ObjectEntrySet()) {
      String name = classNames.get(e.getLongKey());
      out.string(nextId, name != null ? name : "T_" + e.getValue());
      out.loadClass(serial++, e.getLongKey(), nextId++);
    }
    long firstFileId = nextId;
    for (String file : files) {
      out.string(nextId++, file);
    }
    out.trace(NO_TRACE, new long[0]);
    for (int t = 0; t < traceFiles.size(); t++) {
      long frameId = t + 1;
      out.frame(frameId, firstFileId + traceFiles.getInt(t), traceLines.getInt(t));
      out.trace(NO_TRACE + 1 + t, new long[] {frameId});
    }
  }
}
