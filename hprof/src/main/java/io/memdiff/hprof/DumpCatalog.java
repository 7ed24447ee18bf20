package io.memdiff.hprof;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;

/**
 * What one sequential pass over a dump ({@link FirstPass}) learns without indexing objects: names,
 * classes and their layouts, roots, threads and stacks, object counts, the inferred {@link Layout},
 * and a class histogram. Memory is per class and per root, not per object, so {@code histo} and
 * {@code summary} need nothing more.
 */
public final class DumpCatalog {
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
  private final boolean allocationTraces;
  private final IndexSeed seed;

  /** @param sized the layout the table's classes are sized under, and whether fields lie in per-class blocks */
  private DumpCatalog(FirstPass p, ClassTableBuilder table, Sized sized, IndexSeed seed) {
    this.file = p.file;
    this.scan = p.scan;
    this.strings = p.strings;
    this.stacks = p.stacks;
    this.roots = p.roots;
    this.seed = seed;
    HeapPart heap = p.heap;
    this.instances = heap.instances;
    this.objectArrays = heap.objectArrays;
    this.primitiveArrays = heap.primitiveArrays;
    this.classes = table.classes();
    this.classIndexById = table.indexById();
    this.javaLangClass = table.javaLangClass();
    this.primitiveArrayClasses = table.primitiveArrayClasses();
    this.missingSuperclasses = table.missingSuperclasses();
    this.layout = sized.layout();
    this.fieldBlocks = sized.fieldBlocks();
    this.countByClass = new long[classes.length];
    this.shallowByClass = new long[classes.length];
    this.instanceSizeMismatches = heap.tally.totals(table, layout, countByClass, shallowByClass);
    if (file.ruby() != null) {
      // A Ruby dump records each object's size (memsize): the layout's estimates do not apply.
      for (ClassInfo c : classes) {
        shallowByClass[c.index()] = file.ruby().memsizeOfClass(c.classId());
      }
    }
    boolean traced = heap.traceSerials == null;
    if (!traced) {
      for (int serial : heap.traceSerials) {
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

  /** A layout, described as chosen, and whether instance fields lie in per-class blocks under it. */
  private record Sized(Layout layout, boolean fieldBlocks) {}

  /**
   * Sizes every class under {@code layout}, with fields in per-class blocks when {@code fieldBlocks}
   * says so or, when it is null, when the objects' address gaps fit blocks better.
   */
  private static Sized size(ClassTableBuilder table, ShallowTally tally, Layout layout, Boolean fieldBlocks) {
    table.resolveSizes(layout);
    boolean blocks = fieldBlocks != null ? fieldBlocks : tally.gapsFavourFieldBlocks(table);
    if (blocks) {
      table.useFieldBlocks();
      layout = layout.withDescription(layout.description() + "; fields in per-class blocks (HotSpot before JDK 15)");
    }
    return new Sized(layout, blocks);
  }

  /**
   * Scans the dump once.
   *
   * @param layoutOverrides header, ref size and alignment given on the command line, or null
   */
  public static DumpCatalog build(HprofFile file, ScanOptions options, LayoutOverrides layoutOverrides)
      throws HprofFormatException {
    return build(file, options, layoutOverrides, false, FirstPass.SPLIT_THRESHOLD);
  }

  /**
   * @param keepObjects keep each object's address, record offset and class (12 bytes per object in
   *     most dumps) for {@link HeapIndex#build}, which then need not read the dump again
   */
  public static DumpCatalog build(HprofFile file, ScanOptions options, LayoutOverrides layoutOverrides,
      boolean keepObjects) throws HprofFormatException {
    return build(file, options, layoutOverrides, keepObjects, FirstPass.SPLIT_THRESHOLD);
  }

  /** @param splitThreshold parse heap records on every core from this file size on (tests lower it) */
  static DumpCatalog build(HprofFile file, ScanOptions options, LayoutOverrides layoutOverrides, boolean keepObjects,
      long splitThreshold) throws HprofFormatException {
    if (file.ruby() != null && !options.lenient()) {
      file.ruby().requireWhole(file.path());
    }
    FirstPass pass = FirstPass.run(file, options, keepObjects, splitThreshold);
    HeapPart heap = pass.heap;
    int idSize = file.idSize();
    ClassTableBuilder table = new ClassTableBuilder(heap.classDumps, pass.classNameIds, pass.strings,
        heap.tally.classIds(), idSize);
    Sized sized = size(table, heap.tally, heap.layoutSamples.infer(idSize), null);
    if (idSize == 4 && !heap.layoutSamples.gapsDecide(idSize)) {
      // No addresses to infer from: ask the heap whether its JVM was a 64-bit one. The look-up
      // indexes the dump without the records kept for the index that follows, and its catalogue is
      // dropped before the table's classes are sized again.
      DumpCatalog probe = new DumpCatalog(pass, table, sized, pass.seed.withoutRecords());
      Layout wide = DataModel.layoutOf(probe, options, sized.layout().align());
      if (wide != null) {
        sized = size(table, heap.tally, wide, null);
      }
    }
    if (layoutOverrides != null && !layoutOverrides.isEmpty()) {
      sized = size(table, heap.tally, layoutOverrides.apply(sized.layout()), layoutOverrides.fieldBlocks());
    }
    return new DumpCatalog(pass, table, sized, pass.seed);
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

  /** What the index is built from besides these facts. */
  IndexSeed seed() {
    return seed;
  }

  /** The seed's kept records, taken (see {@link IndexSeed#takeObjectRecords}). */
  ObjectRecords[] takeObjectRecords() {
    return seed.takeObjectRecords();
  }

  /** See {@link IndexSeed#objectsPerPart}. */
  long[] objectsPerPart() {
    return seed.objectsPerPart();
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
}
