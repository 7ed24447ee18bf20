package io.memdiff.hprof;

import it.unimi.dsi.fastutil.ints.IntOpenHashSet;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;
import java.util.ArrayList;
import java.util.List;

/**
 * What one sequential pass over a dump learns without indexing objects: names, classes and their
 * layouts, roots, threads and stacks, object counts, the inferred {@link Layout}, and a class
 * histogram. Memory is per class and per root, not per object, so {@code histo} and {@code summary}
 * need nothing more.
 */
public final class DumpCatalog {
  /** Dumps at least this big have their heap records parsed on two threads. */
  static final long SPLIT_THRESHOLD = Long.getLong("memdiff.splitThreshold", 64L << 20);
  private final HprofFile file;
  private final ScanResult scan;
  private final Strings strings;
  private final StackTraces stacks;
  private final ClassInfo[] classes;
  private final Long2IntOpenHashMap classIndexById;
  private final ClassInfo javaLangClass;
  private final ClassInfo[] primitiveArrayClasses;
  private final Roots roots;
  private final Layout layout;
  private final boolean fieldBlocks;
  private final long[] countByClass;
  private final long[] shallowByClass;
  private final long instances;
  private final long objectArrays;
  private final long primitiveArrays;
  private final long missingSuperclasses;
  private final long instanceSizeMismatches;
  private final long[] objectsPerPart;
  private final long[] firstObjectPerPart;
  /** The class mirrors' addresses, ascending, and their CLASS DUMP records' offsets. */
  private final long[] mirrorAddresses;
  private final long[] mirrorOffsets;
  private final long lowestAddress;
  private final boolean addressesPack;
  private final boolean allocationTraces;
  /** Each part's objects as the first pass met them, until the index takes them; null if not kept. */
  private ObjectRecords[] objectRecords;

  private DumpCatalog(Pass1 p, Layout layoutOverride) {
    this(p, layoutOverride, null);
  }

  /** @param fieldBlocks whether fields lie in per-class blocks, or null to infer it from address gaps */
  private DumpCatalog(Pass1 p, Layout layoutOverride, Boolean fieldBlocks) {
    this.file = p.file;
    this.scan = p.scan;
    this.strings = p.strings;
    this.stacks = p.stacks;
    this.roots = p.heap.roots.freeze();
    this.instances = p.heap.instances;
    this.objectArrays = p.heap.objectArrays;
    this.primitiveArrays = p.heap.primitiveArrays;
    this.objectsPerPart = p.objectsPerPart;
    this.firstObjectPerPart = p.firstObjectPerPart;
    List<ClassDump> dumps = p.heap.classDumps;
    this.mirrorAddresses = new long[dumps.size()];
    this.mirrorOffsets = new long[dumps.size()];
    for (int i = 0; i < dumps.size(); i++) {
      mirrorAddresses[i] = dumps.get(i).classId();
      mirrorOffsets[i] = dumps.get(i).recordOffset();
    }
    it.unimi.dsi.fastutil.longs.LongArrays.quickSort(mirrorAddresses, mirrorOffsets);
    this.objectRecords = p.records;
    this.lowestAddress = p.heap.lowestAddress;
    this.addressesPack = p.heap.lowestAddress > p.heap.highestAddress // no objects
        || IndexColumns.addressesPack(p.heap.lowestAddress, p.heap.highestAddress, p.heap.lowBitsOr == p.heap.lowBitsAnd);

    ClassTableBuilder table = new ClassTableBuilder(p.heap.classDumps, p.classNameIds, strings, p.heap.tally.classIds());
    this.classes = table.classes();
    this.classIndexById = table.indexById();
    this.javaLangClass = table.javaLangClass();
    this.primitiveArrayClasses = table.primitiveArrayClasses();
    this.missingSuperclasses = table.missingSuperclasses();

    Layout inferred = p.heap.layoutSamples.infer(file.idSize());
    Layout chosen = layoutOverride == null ? inferred : layoutOverride;
    table.resolveSizes(chosen, file.idSize());
    this.fieldBlocks = fieldBlocks != null ? fieldBlocks : p.heap.tally.gapsFavourFieldBlocks(this);
    if (this.fieldBlocks) {
      table.useFieldBlocks();
      chosen = chosen.withDescription(chosen.description() + "; fields in per-class blocks (HotSpot before JDK 15)");
    }
    this.layout = chosen;

    this.countByClass = new long[classes.length];
    this.shallowByClass = new long[classes.length];
    this.instanceSizeMismatches = p.heap.tally.totals(this, countByClass, shallowByClass);
    boolean traced = p.heap.traceSerials == null;
    if (!traced) {
      for (int serial : p.heap.traceSerials) {
        traced |= stacks.traceLength(serial) > 0;
      }
    }
    this.allocationTraces = traced;
    for (ClassInfo c : classes) {
      if (!c.isSynthetic()) {
        countByClass[javaLangClass.index()]++;
        shallowByClass[javaLangClass.index()] += classObjectSize(c);
      }
    }
  }

  /**
   * Scans the dump once.
   *
   * @param layoutOverrides header, ref size and alignment given on the command line, or null
   */
  public static DumpCatalog build(HprofFile file, ScanOptions options, LayoutOverrides layoutOverrides)
      throws HprofFormatException {
    return build(file, options, layoutOverrides, false, SPLIT_THRESHOLD);
  }

  /**
   * @param keepObjects keep each object's address, record offset and class (12 bytes per object in
   *     most dumps) for {@link HeapIndex#build}, which then need not read the dump again
   */
  public static DumpCatalog build(HprofFile file, ScanOptions options, LayoutOverrides layoutOverrides,
      boolean keepObjects) throws HprofFormatException {
    return build(file, options, layoutOverrides, keepObjects, SPLIT_THRESHOLD);
  }

  /** @param splitThreshold parse heap records on two threads from this file size on (tests lower it) */
  static DumpCatalog build(HprofFile file, ScanOptions options, LayoutOverrides layoutOverrides, boolean keepObjects,
      long splitThreshold) throws HprofFormatException {
    Pass1 pass = new Pass1(file);
    int threads = Math.min(2, Runtime.getRuntime().availableProcessors());
    boolean wideOffsets = file.data().length() > 0xFFFF_FFFFL;
    List<HeapPart> parts = new ArrayList<>();
    if (!options.lenient() && threads > 1 && file.length() >= splitThreshold) {
      for (int i = 0; i < threads; i++) {
        parts.add(new HeapPart(keepObjects ? new ObjectRecords(wideOffsets) : null));
      }
      pass.heap = parts.get(0); // top-level records come first in the file, before any part's
      pass.scan = RecordScanner.scanInParts(file, pass, parts, options);
      pass.objectsPerPart = new long[parts.size()];
      pass.firstObjectPerPart = new long[parts.size()];
      for (int i = 0; i < parts.size(); i++) {
        HeapPart h = parts.get(i);
        pass.objectsPerPart[i] = h.instances + h.objectArrays + h.primitiveArrays;
        pass.firstObjectPerPart[i] = h.firstObject;
      }
    } else {
      pass.heap = new HeapPart(keepObjects ? new ObjectRecords(wideOffsets) : null);
      parts.add(pass.heap);
      pass.scan = RecordScanner.scan(file, pass, options);
    }
    if (keepObjects) {
      pass.records = new ObjectRecords[parts.size()];
      for (int i = 0; i < parts.size(); i++) {
        HeapPart h = parts.get(i);
        h.records.classIds = h.tally.classIds();
        pass.records[i] = h.records;
      }
    }
    pass.heap = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      pass.heap.append(parts.get(i));
    }
    pass.applyThreads();
    DumpCatalog catalog = new DumpCatalog(pass, null);
    if (file.idSize() == 4 && !pass.heap.layoutSamples.gapsDecide(file.idSize())) {
      // No addresses to infer from: ask the heap whether its JVM was a 64-bit one. The look-up
      // indexes the dump without the records kept for the index that follows, which stay in the pass.
      DumpCatalog probe = new DumpCatalog(pass, null);
      probe.takeObjectRecords();
      Layout wide = DataModel.layoutOf(probe, options, catalog.layout.align());
      if (wide != null) {
        catalog = new DumpCatalog(pass, wide);
      }
    }
    if (layoutOverrides == null || layoutOverrides.isEmpty()) {
      return catalog;
    }
    return new DumpCatalog(pass, layoutOverrides.apply(catalog.layout), layoutOverrides.fieldBlocks());
  }

  public HprofFile file() {
    return file;
  }

  public ScanResult scan() {
    return scan;
  }

  public Strings strings() {
    return strings;
  }

  public StackTraces stacks() {
    return stacks;
  }

  public Roots roots() {
    return roots;
  }

  public Layout layout() {
    return layout;
  }

  /** Whether instance sizes follow per-class field blocks (HotSpot before JDK 15) rather than packed fields. */
  public boolean fieldBlocks() {
    return fieldBlocks;
  }

  public int classCount() {
    return classes.length;
  }

  public ClassInfo classAt(int index) {
    return classes[index];
  }

  /** The class with this mirror id, or null. */
  public ClassInfo classById(long classId) {
    int i = classIndexById.getOrDefault(classId, -1);
    return i < 0 ? null : classes[i];
  }

  Long2IntOpenHashMap classIndexById() {
    return classIndexById;
  }

  int classIndexOfId(long classId) {
    return classIndexById.getOrDefault(classId, -1);
  }

  public ClassInfo javaLangClass() {
    return javaLangClass;
  }

  /** The class of primitive arrays of a basic type. */
  public ClassInfo primitiveArrayClass(int basicType) {
    return primitiveArrayClasses[basicType];
  }

  /** Classes dumped with a CLASS DUMP record. */
  public long classDumps() {
    return scan.subRecordCounts()[Tags.CLASS_DUMP];
  }

  public long instances() {
    return instances;
  }

  public long objectArrays() {
    return objectArrays;
  }

  public long primitiveArrays() {
    return primitiveArrays;
  }

  /**
   * Each part's objects as the first pass met them, in file order, or null if they were not kept or
   * did not fit (see {@link ObjectRecords}). The catalogue lets go of them: the index takes them once.
   */
  ObjectRecords[] takeObjectRecords() {
    ObjectRecords[] r = objectRecords;
    objectRecords = null;
    if (r != null) {
      for (ObjectRecords part : r) {
        if (!part.usable()) {
          return null;
        }
      }
    }
    return r;
  }

  /**
   * Objects other than class mirrors in each part of the first pass when it was split over threads
   * (a later pass split the same way finds the same parts), or null when it ran on one thread.
   */
  long[] objectsPerPart() {
    return objectsPerPart;
  }

  /**
   * The address of the first object other than a class mirror in each part of a split first pass
   * ({@link Long#MAX_VALUE} for a part without any), or null when it ran on one thread.
   */
  long[] firstObjectPerPart() {
    return firstObjectPerPart;
  }

  /** The class mirrors' addresses, ascending (a copy). */
  long[] mirrorAddresses() {
    return mirrorAddresses.clone();
  }

  /** The offsets of the class mirrors' CLASS DUMP records, in the order of {@link #mirrorAddresses}. */
  long[] mirrorOffsets() {
    return mirrorOffsets.clone();
  }

  /** The lowest object address, class mirrors included (Long.MAX_VALUE when there are no objects). */
  long lowestAddress() {
    return lowestAddress;
  }

  /**
   * Whether every object address is the lowest plus a multiple of 8 below 32 GiB, so the index can
   * keep addresses in 4 bytes (see {@link HeapIndex}).
   */
  boolean addressesPack() {
    return addressesPack;
  }

  /**
   * Whether objects carry allocation stack traces (an agent's dumps; HotSpot gives every object one
   * empty trace): some object's trace has frames, or objects have more distinct traces than the first
   * pass keeps count of (65,536), which only allocation tracking gives.
   */
  public boolean objectsHaveAllocationTraces() {
    return allocationTraces;
  }

  /** Objects of every kind, class mirrors included. */
  public long objects() {
    return instances + objectArrays + primitiveArrays + classDumps();
  }

  public long missingSuperclasses() {
    return missingSuperclasses;
  }

  /** Instances whose byte count disagrees with their class's field layout. */
  public long instanceSizeMismatches() {
    return instanceSizeMismatches;
  }

  /** Instance count per class index (class mirrors count under {@code java.lang.Class}). */
  public long countOf(int classIndex) {
    return countByClass[classIndex];
  }

  public long shallowBytesOf(int classIndex) {
    return shallowByClass[classIndex];
  }

  public long totalShallowBytes() {
    long sum = 0;
    for (long b : shallowByClass) {
      sum += b;
    }
    return sum;
  }

  /** Estimated size of a class's mirror: a {@code java.lang.Class} instance plus its static fields. */
  public long classObjectSize(ClassInfo c) {
    ClassDump d = c.dump();
    long primitive = 0;
    int refs = 0;
    if (d != null) {
      for (byte t : d.staticTypes()) {
        if (t == BasicType.OBJECT) {
          refs++;
        } else {
          primitive += BasicType.size(t, 0);
        }
      }
    }
    long base = javaLangClass.isSynthetic() ? layout.header() : javaLangClass.shallowInstanceSize();
    return layout.alignUp(base + primitive + (long) refs * layout.refSize());
  }

  /** The first pass over top-level records: names, classes' names, frames, traces, threads. */
  private static final class Pass1 implements HprofVisitor {
    final HprofFile file;
    final Strings strings;
    final StackTraces stacks = new StackTraces();
    final Long2LongOpenHashMap classNameIds = new Long2LongOpenHashMap();
    /** Heap sub-records go here in a sequential scan; a split scan merges its parts into it. */
    HeapPart heap;
    /** Each part's objects, when kept for the index. */
    ObjectRecords[] records;
    ScanResult scan;
    /** Objects other than class mirrors in each part of a split scan; null after a sequential one. */
    long[] objectsPerPart;
    /** The first such object's address in each part of a split scan; null after a sequential one. */
    long[] firstObjectPerPart;

    Pass1(HprofFile file) {
      this.file = file;
      this.strings = new Strings(file.data());
    }

    @Override
    public void utf8(long id, long textOffset, int byteLength) {
      strings.add(id, textOffset, byteLength);
    }

    @Override
    public void loadClass(int classSerial, long classId, int traceSerial, long nameId) {
      classNameIds.put(classId, nameId);
      stacks.addClassSerial(classSerial, classId);
    }

    @Override
    public void frame(long frameId, long methodNameId, long signatureId, long sourceFileId, int classSerial, int line) {
      stacks.addFrame(frameId, methodNameId, signatureId, sourceFileId, classSerial, line);
    }

    @Override
    public void trace(int traceSerial, int threadSerial, long[] frameIds) {
      stacks.addTrace(traceSerial, threadSerial, frameIds);
    }

    @Override
    public void startThread(int threadSerial, long threadObjectId, int traceSerial, long nameId, long groupNameId,
        long parentGroupNameId) {
      stacks.addThread(threadSerial, threadObjectId, traceSerial);
    }

    @Override
    public void root(RootKind kind, long objectId, int threadSerial, int frameIndex) {
      heap.root(kind, objectId, threadSerial, frameIndex);
    }

    @Override
    public void threadObjectRoot(long threadObjectId, int threadSerial, int traceSerial) {
      heap.threadObjectRoot(threadObjectId, threadSerial, traceSerial);
    }

    @Override
    public void classDump(ClassDump classDump) {
      heap.classDump(classDump);
    }

    @Override
    public void instance(long recordOffset, long objectId, int traceSerial, long classId, long valuesOffset, int valuesLength) {
      heap.instance(recordOffset, objectId, traceSerial, classId, valuesOffset, valuesLength);
    }

    @Override
    public void objectArray(long recordOffset, long objectId, int traceSerial, long arrayClassId, long elementsOffset, int length) {
      heap.objectArray(recordOffset, objectId, traceSerial, arrayClassId, elementsOffset, length);
    }

    @Override
    public void primitiveArray(long recordOffset, long objectId, int traceSerial, int type, long elementsOffset, int length) {
      heap.primitiveArray(recordOffset, objectId, traceSerial, type, elementsOffset, length);
    }

    /** Thread roots name threads' stacks; applied once every part is in, in file order. */
    void applyThreads() {
      for (long[] t : heap.threads) {
        stacks.addThread((int) t[0], t[1], (int) t[2]);
      }
    }
  }

  /** What the heap sub-records of one run of the file hold: per class and per root, never per object. */
  private static final class HeapPart implements HprofVisitor {
    final List<ClassDump> classDumps = new ArrayList<>();
    final Roots.Builder roots = new Roots.Builder();
    final List<long[]> threads = new ArrayList<>();
    final LayoutSamples layoutSamples = new LayoutSamples();
    final ShallowTally tally = new ShallowTally();
    long instances;
    long objectArrays;
    long primitiveArrays;
    /** Range of object addresses, and the low three bits that some (or) and all (and) have set. */
    long lowestAddress = Long.MAX_VALUE;
    long highestAddress = Long.MIN_VALUE;
    /** The first object's address, class mirrors aside; MAX_VALUE until there is one. */
    long firstObject = Long.MAX_VALUE;
    private boolean anyObject;
    int lowBitsOr;
    int lowBitsAnd = 7;
    /** Distinct stack trace serials of the object records; null once there are more than {@link #TRACES}. */
    IntOpenHashSet traceSerials = new IntOpenHashSet();
    int lastTraceSerial;
    static final int TRACES = 1 << 16;
    /** Where each object is and what class, for the index; null when not kept. */
    final ObjectRecords records;

    HeapPart(ObjectRecords records) {
      this.records = records;
    }

    private void trace(int serial) {
      if (traceSerials != null && (serial != lastTraceSerial || traceSerials.isEmpty())) {
        lastTraceSerial = serial;
        traceSerials.add(serial);
        if (traceSerials.size() > TRACES) {
          traceSerials = null;
        }
      }
    }

    /** An object other than a class mirror. */
    private void object(long address) {
      if (!anyObject) {
        anyObject = true;
        firstObject = address;
      }
      address(address);
    }

    private void address(long address) {
      lowestAddress = Math.min(lowestAddress, address);
      highestAddress = Math.max(highestAddress, address);
      lowBitsOr |= (int) address & 7;
      lowBitsAnd &= (int) address & 7;
    }

    @Override
    public void root(RootKind kind, long objectId, int threadSerial, int frameIndex) {
      roots.add(kind, objectId, threadSerial, frameIndex);
    }

    @Override
    public void threadObjectRoot(long threadObjectId, int threadSerial, int traceSerial) {
      // HotSpot writes no START THREAD: this root is where a thread's stack trace is named.
      roots.add(RootKind.THREAD_OBJECT, threadObjectId, threadSerial, -1);
      threads.add(new long[] {threadSerial, threadObjectId, traceSerial});
    }

    @Override
    public void classDump(ClassDump classDump) {
      classDumps.add(classDump);
      address(classDump.classId());
      layoutSamples.object(classDump.classId(), -1);
    }

    @Override
    public void instance(long recordOffset, long objectId, int traceSerial, long classId, long valuesOffset, int valuesLength) {
      instances++;
      object(objectId);
      trace(traceSerial);
      int slot = tally.instance(classId, valuesLength);
      layoutSamples.instance(objectId, tally, slot);
      if (records != null) {
        records.add(objectId, recordOffset, slot);
      }
    }

    @Override
    public void objectArray(long recordOffset, long objectId, int traceSerial, long arrayClassId, long elementsOffset, int length) {
      objectArrays++;
      object(objectId);
      trace(traceSerial);
      int slot = tally.objectArray(arrayClassId, length);
      layoutSamples.object(objectId, length);
      if (records != null) {
        records.add(objectId, recordOffset, slot);
      }
    }

    @Override
    public void primitiveArray(long recordOffset, long objectId, int traceSerial, int type, long elementsOffset, int length) {
      primitiveArrays++;
      object(objectId);
      trace(traceSerial);
      tally.primitiveArray(type, length);
      layoutSamples.object(objectId, -1);
      if (records != null) {
        records.add(objectId, recordOffset, -1 - type);
      }
    }

    /** Appends a later part of the file. */
    void append(HeapPart later) {
      classDumps.addAll(later.classDumps);
      roots.addAll(later.roots);
      threads.addAll(later.threads);
      layoutSamples.merge(later.layoutSamples);
      tally.merge(later.tally);
      instances += later.instances;
      objectArrays += later.objectArrays;
      primitiveArrays += later.primitiveArrays;
      lowestAddress = Math.min(lowestAddress, later.lowestAddress);
      highestAddress = Math.max(highestAddress, later.highestAddress);
      lowBitsOr |= later.lowBitsOr;
      lowBitsAnd &= later.lowBitsAnd;
      if (traceSerials != null && later.traceSerials != null) {
        traceSerials.addAll(later.traceSerials);
        if (traceSerials.size() > TRACES) {
          traceSerials = null;
        }
      } else {
        traceSerials = null;
      }
    }
  }
}
