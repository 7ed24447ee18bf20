package io.memdiff.hprof;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.longs.LongArrays;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2LongOpenHashMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a Ruby heap dump ({@code ObjectSpace.dump_all} JSON lines) as HPROF records, in one pass
 * over its lines, so that the one heap model and every analysis read it as they read a JVM dump:
 * each object becomes an object array of its references (Ruby names no fields) whose class is its
 * Ruby class, each root reference a root record, and each {@code file:line} allocation site a
 * one-frame stack trace. A line that cannot be read is noted and skipped; whether that fails the
 * read is decided by the read's options (see {@link RubyDump#requireWhole}).
 */
final class RubyTranscoder {
  /** A segment's length is a u4: start another well before it overflows. */
  private static final long SEGMENT_LIMIT = 1L << 30;
  /** The C type of the object in which {@code trace_object_allocations_start} keeps its table. */
  private static final String ALLOCATION_TRACER = "ObjectTracing/allocation_info_tracer";
  /** HotSpot's serial for the trace with no frames, given to objects without an allocation site. */
  private static final int NO_TRACE = 1;

  private final HprofOut out;
  private final LongArrayList addresses = new LongArrayList();
  private final LongArrayList memsizes = new LongArrayList();
  /** The line of each sub-record written (roots and objects, in order), to name it in errors. */
  private final LongArrayList recordLines = new LongArrayList();
  private final LongArrayList recordOffsets = new LongArrayList();
  private final Long2LongOpenHashMap memsizeByClass = new Long2LongOpenHashMap();
  /** Ruby classes by address: their names, and the type of the first object of each. */
  private final Long2ObjectOpenHashMap<String> classNames = new Long2ObjectOpenHashMap<>();
  private final Long2ObjectOpenHashMap<String> firstTypeOfClass = new Long2ObjectOpenHashMap<>();
  /** Classes memdiff names for objects Ruby gives no usable class (ids below any heap address). */
  private final Object2LongOpenHashMap<String> syntheticClasses = new Object2LongOpenHashMap<>();
  /** Those classes by IMEMO type and by object type, so that a line builds no name. */
  private final Map<String, Long> imemoClasses = new HashMap<>();
  private final Map<String, Long> typeClasses = new HashMap<>();
  private final List<String> rootNames = new ArrayList<>();
  private final Object2IntOpenHashMap<String> fileIds = new Object2IntOpenHashMap<>();
  private final List<String> files = new ArrayList<>();
  /** Trace serial by (file id, line). */
  private final Long2IntOpenHashMap traces = new Long2IntOpenHashMap();
  private final IntArrayList traceFiles = new IntArrayList();
  private final IntArrayList traceLines = new IntArrayList();
  private final List<Long> segmentStarts = new ArrayList<>();
  private final List<Long> segmentEnds = new ArrayList<>();
  private long skipped;
  private String lastFile;
  private int lastFileId;
  private RubyDump.Problem firstProblem;

  private RubyTranscoder(FileChannel channel) {
    this.out = new HprofOut(channel);
    traces.defaultReturnValue(-1);
    fileIds.defaultReturnValue(-1);
  }

  /** Reads {@code in} to its end, writes the HPROF records to {@code channel}, and says what else it found. */
  static RubyDump transcode(InputStream in, FileChannel channel, long timestampMillis) throws IOException {
    RubyTranscoder t = new RubyTranscoder(channel);
    t.out.header(timestampMillis);
    t.readLines(new RubyLines(in));
    t.writeNames();
    t.out.heapDumpEnd();
    t.out.flush();
    return t.finish(channel);
  }

  private void readLines(RubyLines lines) throws IOException {
    RubyLine line = new RubyLine();
    beginSegment();
    while (lines.next()) {
      if (lines.blank()) {
        continue;
      }
      try {
        line.parse(lines.bytes(), lines.offset(), lines.length());
      } catch (RubyLine.Problem p) {
        skipped++;
        String why = !lines.terminated() && p.getMessage().startsWith("truncated")
            ? "truncated: the dump ends inside this line" : p.getMessage();
        problem(lines.number(), lines.streamOffset(), why);
        continue;
      }
      if (out.segmentLength() > SEGMENT_LIMIT) {
        endSegment();
        beginSegment();
      }
      if (line.root) {
        for (int i = 0; i < line.references.size(); i++) {
          note(lines);
          out.rootUnknown(line.references.getLong(i));
          rootNames.add(line.rootName);
        }
      } else {
        note(lines);
        object(line);
      }
    }
    endSegment();
  }

  private void note(RubyLines lines) {
    recordLines.add(lines.number());
    recordOffsets.add(lines.streamOffset());
  }

  private void object(RubyLine line) throws IOException {
    long classId = classIdOf(line);
    addresses.add(line.address);
    memsizes.add(line.memsize);
    memsizeByClass.addTo(classId, line.memsize);
    if ((line.type.equals("CLASS") || line.type.equals("MODULE")) && !classNames.containsKey(line.address)) {
      classNames.put(line.address, line.name != null ? line.name
          : line.singleton ? "(singleton class)" : "(anonymous " + line.type.toLowerCase() + ")");
    }
    out.objectArray(line.address, traceOf(line), classId, line.references.elements(), line.references.size());
  }

  /**
   * The object's Ruby class, except where that would name nothing useful: a class or module is of
   * class {@code Class} or {@code Module} (its own line points at its singleton class), and objects
   * without a class (IMEMO, ICLASS, some hidden ones) are named by their type. The allocation
   * tracer's table, which Ruby gives class {@code Object}, is named for what it is.
   */
  private long classIdOf(RubyLine line) {
    String type = line.type;
    if (type.equals("CLASS")) {
      return synthetic("Class");
    }
    if (type.equals("MODULE")) {
      return synthetic("Module");
    }
    if (type.equals("IMEMO")) {
      return line.imemoType == null ? synthetic("T_IMEMO")
          : imemoClasses.computeIfAbsent(line.imemoType, t -> synthetic("T_IMEMO(" + t + ")"));
    }
    if (type.equals("DATA") && ALLOCATION_TRACER.equals(line.struct)) {
      return synthetic(RubyDump.ALLOCATION_TRACING);
    }
    if (!line.hasClass || line.classAddress == 0) {
      return typeClasses.computeIfAbsent(type, t -> synthetic("T_" + t));
    }
    firstTypeOfClass.putIfAbsent(line.classAddress, type);
    return line.classAddress;
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

  private int traceOf(RubyLine line) {
    if (line.file == null || line.line < 0) {
      return NO_TRACE;
    }
    // Lines of one file come in runs, and the line's strings come from a table: compare the instance first.
    int file = line.file == lastFile ? lastFileId : fileIds.getInt(line.file);
    lastFile = line.file;
    lastFileId = file;
    if (file < 0) {
      file = files.size();
      files.add(line.file);
      fileIds.put(line.file, file);
      lastFileId = file;
    }
    long key = ((long) file << 32) | line.line;
    int serial = traces.get(key);
    if (serial < 0) {
      serial = NO_TRACE + 1 + traceFiles.size();
      traces.put(key, serial);
      traceFiles.add(file);
      traceLines.add(line.line);
    }
    return serial;
  }

  private void beginSegment() throws IOException {
    segmentStarts.add(out.position() + 9);
    out.beginSegment();
  }

  private void endSegment() throws IOException {
    segmentEnds.add(out.position());
    out.endSegment();
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

  /** Keeps the first: a bad line's, when there is one, since the line it drops leaves references dangling. */
  private void problem(long line, long offset, String message) {
    if (firstProblem == null) {
      firstProblem = new RubyDump.Problem(line, offset, message);
    }
  }

  /**
   * Sorts the objects by address and checks that every reference names one of them. (An address two
   * lines describe is left to the index, which keeps the first and counts the rest.)
   */
  private RubyDump finish(FileChannel channel) throws IOException {
    long[] address = addresses.toLongArray();
    long[] memsize = memsizes.toLongArray();
    LongArrays.parallelQuickSort(address, memsize);
    long dangling = RubyReferences.check(channel, segmentStarts, segmentEnds, address,
        (record, target) -> problem(recordLines.getLong(record), recordOffsets.getLong(record),
            "references 0x" + Long.toHexString(target) + ", which no line of the dump describes"));
    return new RubyDump(address, memsize, memsizeByClass, rootNames.toArray(new String[0]), classNames, skipped, dangling,
        firstProblem);
  }
}
