package io.memdiff.hprof;

import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.io.IOException;
import java.nio.file.Path;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The lines of one part of a Ruby dump read into HPROF sub-records, on a thread of their own: each
 * object an object array of its references, each root reference a root record. Allocation sites and
 * the classes memdiff names are numbered in the order this part first meets them, and those numbers
 * are written in the records ({@link #TRACE_AT}, {@link #CLASS_AT}) until {@link RubyTranscoder},
 * which has read every part, puts the dump's numbers in their place: they must not depend on where
 * the parts were cut. Line numbers count from the part's first line.
 */
final class RubyPart {
  /** Records are written through a buffer of at most this size (kept as it is when they wait in the heap). */
  static final int BUFFER = 1 << 20;
  /** The C type of the object in which {@code trace_object_allocations_start} keeps its table. */
  private static final String ALLOCATION_TRACER = "ObjectTracing/allocation_info_tracer";
  /** The most references one record holds (its length must be an array's). */
  static final int MAX_REFERENCES = (Integer.MAX_VALUE - 64 - 25) / 8;
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  /** Where an object record holds its trace serial, its element count, its class id and its first element. */
  static final int TRACE_AT = 9;
  static final int LENGTH_AT = 13;
  static final int CLASS_AT = 17;
  static final int ELEMENTS_AT = 25;
  static final int ROOT_LENGTH = 9;

  /** The object records, and where each starts among them. */
  final RubyRecords records;
  private byte[] buffer;
  private int at;
  final LongBlocks objectAt = new LongBlocks();
  /** The objects each root line names, in order. */
  final LongArrayList roots = new LongArrayList();

  /** The line and stream offset of each object and each root, to name it in errors. */
  private final LongBlocks objectLines = new LongBlocks();
  private final LongBlocks objectOffsets = new LongBlocks();
  private final LongArrayList rootLines = new LongArrayList();
  private final LongArrayList rootOffsets = new LongArrayList();
  final LongBlocks addresses = new LongBlocks();
  final LongBlocks memsizes = new LongBlocks();
  final List<String> rootNames = new ArrayList<>();
  /** Memsize summed by Ruby class address, and by class this part named (by its number here). */
  final Long2LongOpenHashMap memsizeByClass = new Long2LongOpenHashMap();
  final LongArrayList memsizeBySynthetic = new LongArrayList();
  /** Ruby classes by address: in the order first used, the type of the first object of each, and names. */
  final LongArrayList classOrder = new LongArrayList();
  final Long2ObjectOpenHashMap<String> firstTypeOfClass = new Long2ObjectOpenHashMap<>();
  final Long2ObjectOpenHashMap<String> classNames = new Long2ObjectOpenHashMap<>();
  /** The named classes in the order named (the dump's table is filled in line order, as one pass would). */
  final LongArrayList classNameOrder = new LongArrayList();
  /** Classes memdiff names for objects Ruby gives no usable class, numbered from 0 as first used. */
  final List<String> syntheticNames = new ArrayList<>();
  private final Object2IntOpenHashMap<String> syntheticIndex = new Object2IntOpenHashMap<>();
  private final Map<String, Integer> imemoClasses = new HashMap<>();
  private final Map<String, Integer> typeClasses = new HashMap<>();
  /** Allocation sites, numbered from 1 as first used (0: none): file and line. */
  final List<String> traceFiles = new ArrayList<>();
  final IntArrayList traceLines = new IntArrayList();
  private final Object2IntOpenHashMap<String> fileIds = new Object2IntOpenHashMap<>();
  private final List<String> files = new ArrayList<>();
  private final IntArrayList traceFileIds = new IntArrayList();
  private final Long2IntOpenHashMap traces = new Long2IntOpenHashMap();
  private String lastFile;
  private int lastFileId;

  /** Lines read, blank and unreadable ones included. */
  long lineCount;
  long skipped;
  /** The first unreadable line, its number counted in this part; null when none. */
  RubyDump.Problem firstProblem;
  /** Set by {@link #renumberAndCheck}: the first line here with a reference to no object, and how many there are. */
  RubyDump.Problem firstDangling;
  long dangling;

  /**
   * @param inHeap whether the records wait in the heap, else in a scratch file
   * @param scratchDir where the scratch file goes; null for the system's temp dir
   * @param bufferSize how many bytes of records are written at a time
   */
  RubyPart(boolean inHeap, Path scratchDir, int bufferSize) throws IOException {
    this.records = new RubyRecords(inHeap, scratchDir);
    this.buffer = new byte[bufferSize];
    traces.defaultReturnValue(-1);
    fileIds.defaultReturnValue(-1);
    syntheticIndex.defaultReturnValue(-1);
    traceFiles.add(null);
    traceLines.add(-1);
    traceFileIds.add(-1);
  }

  /** Reads every line of {@code lines}. */
  void read(RubyLines lines) throws IOException {
    RubyLine line = new RubyLine();
    while (lines.more()) {
      int lineEnd = line.parseLine(lines.bytes(), lines.position(), lines.available(), lines.atEnd());
      if (lineEnd >= 0) {
        lines.next(lineEnd);
        add(line, lines);
        continue;
      }
      // Not a good line that ends in the bytes read: find its end, and read it again to say why.
      if (!lines.next()) {
        break;
      }
      if (lines.blank()) {
        continue;
      }
      try {
        line.parse(lines.bytes(), lines.offset(), lines.length());
      } catch (RubyLine.Problem p) {
        skipped++;
        String why = !lines.terminated() && p.getMessage().startsWith("truncated")
            ? "truncated: the dump ends inside this line" : p.getMessage();
        if (firstProblem == null) {
          firstProblem = new RubyDump.Problem(lines.number(), lines.streamOffset(), why);
        }
        continue;
      }
      add(line, lines);
    }
    flushLast();
    records.finish();
    lineCount = lines.number();
  }

  /** The records of a line read. */
  private void add(RubyLine line, RubyLines lines) throws IOException {
    if (line.references.size() > MAX_REFERENCES) {
      skipped++;
      if (firstProblem == null) {
        firstProblem = new RubyDump.Problem(lines.number(), lines.streamOffset(),
            "more than " + MAX_REFERENCES + " references");
      }
      return;
    }
    if (line.root) {
      for (int i = 0; i < line.references.size(); i++) {
        roots.add(line.references.getLong(i));
        rootNames.add(line.rootName);
        rootLines.add(lines.number());
        rootOffsets.add(lines.streamOffset());
      }
    } else {
      objectLines.add(lines.number());
      objectOffsets.add(lines.streamOffset());
      object(line);
    }
  }

  private void object(RubyLine line) throws IOException {
    int synthetic = syntheticClassOf(line);
    long classId;
    if (synthetic >= 0) {
      classId = synthetic;
      memsizeBySynthetic.set(synthetic, memsizeBySynthetic.getLong(synthetic) + line.memsize);
    } else {
      classId = line.classAddress;
      if (firstTypeOfClass.putIfAbsent(classId, line.type) == null) {
        classOrder.add(classId);
      }
      memsizeByClass.addTo(classId, line.memsize);
    }
    addresses.add(line.address);
    memsizes.add(line.memsize);
    int length = line.references.size();
    int size = ELEMENTS_AT + 8 * length;
    if (buffer.length - at < size) {
      flush();
    }
    objectAt.add(records.length() + at);
    byte[] b = size <= buffer.length ? buffer : new byte[size];
    int p = b == buffer ? at : 0;
    b[p] = (byte) Tags.OBJECT_ARRAY_DUMP;
    LONGS.set(b, p + 1, line.address);
    INTS.set(b, p + TRACE_AT, (traceOf(line) << 1) | (synthetic >= 0 ? 1 : 0));
    INTS.set(b, p + LENGTH_AT, length);
    LONGS.set(b, p + CLASS_AT, classId);
    long[] refs = line.references.elements();
    p += ELEMENTS_AT;
    for (int i = 0; i < length; i++, p += 8) {
      LONGS.set(b, p, refs[i]);
    }
    if (b == buffer) {
      at = p;
    } else {
      records.add(b, size);
    }
  }

  /** Names a class or module by its own line: the first line wins. */
  private void nameClass(RubyLine line) {
    if (!classNames.containsKey(line.address)) {
      classNameOrder.add(line.address);
      classNames.put(line.address, line.name != null ? line.name
          : line.singleton ? "(singleton class)" : "(anonymous " + line.type.toLowerCase() + ")");
    }
  }

  private void flush() throws IOException {
    if (records.add(buffer, at)) {
      buffer = new byte[buffer.length];
    }
    at = 0;
  }

  /** The last records: no buffer follows them. */
  private void flushLast() throws IOException {
    records.add(buffer, at);
    buffer = null;
  }

  void close() throws IOException {
    records.close();
  }

  /**
   * The object's Ruby class, or the number of a class memdiff names, where that would name nothing
   * useful: a class or module is of class {@code Class} or {@code Module} (its own line points at its
   * singleton class), and objects without a class (IMEMO, ICLASS, some hidden ones) are named by
   * their type. The allocation tracer's table, which Ruby gives class {@code Object}, is named for
   * what it is. −1 for the Ruby class.
   */
  private int syntheticClassOf(RubyLine line) {
    String type = line.type;
    if (type.equals("CLASS")) {
      nameClass(line);
      return synthetic("Class");
    }
    if (type.equals("MODULE")) {
      nameClass(line);
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
    return -1;
  }

  private int synthetic(String name) {
    int k = syntheticIndex.getInt(name);
    if (k < 0) {
      k = syntheticNames.size();
      syntheticNames.add(name);
      syntheticIndex.put(name, k);
      memsizeBySynthetic.add(0);
    }
    return k;
  }

  /** The allocation site's number here, from 1; 0 for none. */
  private int traceOf(RubyLine line) {
    if (line.file == null || line.line < 0) {
      return 0;
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
    int trace = traces.get(key);
    if (trace < 0) {
      trace = traceFiles.size();
      if (trace >= 1 << 30) {
        throw new IllegalStateException("more than 2^30 allocation sites in one part of a Ruby dump");
      }
      traces.put(key, trace);
      traceFiles.add(line.file);
      traceLines.add(line.line);
    }
    return trace;
  }

  /**
   * Checks that every reference names an object.
   *
   * @param addresses every object's address in the dump, ascending
   */
  void check(RubyAddresses addresses) {
    int firstRoot = -1;
    for (int r = 0; r < roots.size(); r++) {
      if (!addresses.contains(roots.getLong(r)) && dangling++ == 0) {
        firstRoot = r;
      }
    }
    int firstObject = -1;
    long objectTarget = 0;
    long p = 0;
    long end = records.length();
    for (int object = 0; p < end; object++) {
      int n = records.i4(p + LENGTH_AT);
      p += ELEMENTS_AT;
      for (int i = 0; i < n; i++, p += 8) {
        long target = records.i8(p);
        if (!addresses.contains(target)) {
          dangling++;
          if (firstObject < 0) {
            firstObject = object;
            objectTarget = target;
          }
        }
      }
    }
    // The first in line order: a root line's or an object line's. (Then the lines are no longer needed.)
    if (firstRoot >= 0 && (firstObject < 0 || rootLines.getLong(firstRoot) < objectLines.get(firstObject))) {
      firstDangling = danglingProblem(rootLines.getLong(firstRoot), rootOffsets.getLong(firstRoot),
          roots.getLong(firstRoot));
    } else if (firstObject >= 0) {
      firstDangling = danglingProblem(objectLines.get(firstObject), objectOffsets.get(firstObject),
          objectTarget);
    }
    objectLines.clear();
    objectOffsets.clear();
  }

  private static RubyDump.Problem danglingProblem(long line, long offset, long target) {
    return new RubyDump.Problem(line, offset, "references 0x" + Long.toHexString(target)
        + ", which no line of the dump describes");
  }

  /**
   * Copies object record {@code object} (from 0, in this part) into {@code into} at {@code at}, its
   * site and class numbers replaced by the dump's: {@code traceSerials} by this part's site number,
   * {@code syntheticIds} by its class number; returns its length.
   */
  int copyRecord(int object, byte[] into, int[] traceSerials, long[] syntheticIds) {
    long p = objectAt.get(object);
    int size = ELEMENTS_AT + 8 * records.i4(p + LENGTH_AT);
    records.get(p, into, size);
    int trace = (int) INTS.get(into, TRACE_AT);
    INTS.set(into, TRACE_AT, traceSerials[trace >>> 1]);
    if ((trace & 1) != 0) {
      LONGS.set(into, CLASS_AT, syntheticIds[(int) (long) LONGS.get(into, CLASS_AT)]);
    }
    return size;
  }

  /** The length of object record {@code object}. */
  int recordLength(int object) {
    return ELEMENTS_AT + 8 * records.i4(objectAt.get(object) + LENGTH_AT);
  }

}
