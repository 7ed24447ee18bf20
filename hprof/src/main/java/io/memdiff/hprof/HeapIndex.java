package io.memdiff.hprof;

import io.memdiff.hprof.work.Memory;
import io.memdiff.hprof.work.Tasks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Every object of a dump as a dense {@code int} object index over ascending addresses, with its class
 * and where its record starts, so any object can be read back from the mapped file. Built from the
 * first pass's records of the objects, or in a second pass, with arrays sized exactly from the
 * {@link DumpCatalog}'s counts, then kept in 10 bytes per object where the dump allows (nearly
 * always): addresses 8-byte aligned within 32 GiB of the lowest as unsigned ints of (address − base)
 * / 8, record offsets below 4 GiB as unsigned ints, classes as chars (see {@link ClassColumn}); else
 * up to 20.
 */
public final class HeapIndex {
  public static final byte KIND_CLASS = 1;
  public static final byte KIND_INSTANCE = 2;
  public static final byte KIND_OBJECT_ARRAY = 3;
  public static final byte KIND_PRIMITIVE_ARRAY = 4;

  private final DumpCatalog catalog;
  private final MappedFile data;
  private final int idSize;
  /** Addresses and record offsets, packed as the class comment says where the dump allows. */
  private final IndexColumns columns;
  private final int objectCount;
  private final ClassColumn classIndexes;
  private final long duplicateAddresses;
  private final boolean recordsWereInAddressOrder;
  /**
   * Address → index lookup table: {@code bucketStart[b]} is the first object whose address falls in
   * bucket {@code b = (address − base) >>> bucketShift}, so a lookup binary-searches one small bucket
   * instead of the whole array (heap addresses are spread fairly evenly over the heap's range).
   */
  private final int[] bucketStart;
  private final long base;
  private final int bucketShift;

  private HeapIndex(DumpCatalog catalog, IndexColumns columns, ClassColumn classIndexes, long duplicates,
      boolean ordered) {
    this.catalog = catalog;
    this.data = catalog.file().data();
    this.idSize = catalog.file().idSize();
    this.classIndexes = classIndexes;
    this.duplicateAddresses = duplicates;
    this.recordsWereInAddressOrder = ordered;
    this.columns = columns;
    int n = classIndexes.length();
    this.objectCount = n;
    this.base = n == 0 ? 0 : columns.address(0);
    // Addresses are unsigned: an id with its top bit set (a hostile dump's) sorts first, and the
    // span is then an unsigned number, 0 standing for 2^64.
    long span = n == 0 ? 1 : columns.address(n - 1) - base + 1;
    if (span == 0) {
      span = -1;
    }
    int buckets = Integer.highestOneBit(Math.max(1, n / 4)) * 2;
    int shift = 0;
    while (Long.compareUnsigned(span >>> shift, buckets) > 0) {
      shift++;
    }
    this.bucketShift = shift;
    int count = (int) ((span - 1) >>> shift) + 1;
    this.bucketStart = new int[count + 1];
    // Two halves on two threads: the second starts at the bucket after the first half's last object.
    int mid = n / 2;
    int midBucket = mid == 0 ? 0 : bucketOf(mid - 1) + 1;
    Tasks.all("memdiff-index", List.of(() -> fillBuckets(mid, n, midBucket, count), () -> fillBuckets(0, mid, 0, midBucket - 1)));
  }

  private int bucketOf(int object) {
    return (int) ((columns.address(object) - base) >>> bucketShift);
  }

  /** Fills bucketStart[fromBucket..lastBucket] from objects [from, to); buckets after to's last get to. */
  private void fillBuckets(int from, int to, int fromBucket, int lastBucket) {
    int b = fromBucket;
    for (int i = from; i < to; i++) {
      int bi = bucketOf(i);
      while (b <= bi) {
        bucketStart[b++] = i;
      }
    }
    while (b <= lastBucket) {
      bucketStart[b++] = to;
    }
  }

  /**
   * Indexes the selected heap dump's objects: from what the catalogue's pass kept of them when it
   * kept them (see {@link DumpCatalog#build(HprofFile, ScanOptions, LayoutOverrides, boolean)}), else
   * by scanning the dump a second time.
   */
  public static HeapIndex build(DumpCatalog catalog, ScanOptions options) throws HprofFormatException {
    long total = catalog.objects();
    if (total > Integer.MAX_VALUE - 16) {
      throw new HprofFormatException(catalog.file().path(), 0,
          "has " + total + " objects; memdiff indexes at most " + (Integer.MAX_VALUE - 16));
    }
    int length = (int) total;
    CompletableFuture<ClassColumn> classesAside = Memory.aside("memdiff-index", () -> ClassColumn.allocate(length, catalog.classCount()));
    IndexSeed seed = catalog.seed();
    IndexColumns columns = new IndexColumns((int) total, seed.lowestAddress(), seed.addressesPack(),
        catalog.file().data().length() <= 0xFFFF_FFFFL);
    ClassColumn classes = classesAside.join();
    long[] perPart = seed.objectsPerPart();
    ObjectRecords[] records = seed.takeObjectRecords();
    boolean split = records == null && perPart != null && !options.lenient();
    // Objects other than class mirrors in each part, as the first pass counted them.
    long[] objects;
    if (records != null) {
      objects = new long[records.length];
      for (int k = 0; k < records.length; k++) {
        objects[k] = records[k].count();
      }
    } else {
      objects = split ? perPart : new long[] {total - catalog.classDumps()};
    }
    Mirrors mirrors = Mirrors.split(seed, objects.length);
    List<Collector> parts = new ArrayList<>();
    long start = 0;
    for (int k = 0; k < objects.length; k++) {
      // Each part writes its own stretch of the arrays, from where the objects and mirrors of the
      // parts before it end, and puts its share of the mirrors in among its objects.
      int from = (int) (start + mirrors.bound[k]);
      int limit = from + (int) objects[k] + mirrors.bound[k + 1] - mirrors.bound[k];
      parts.add(new Collector(catalog, columns, classes, from, limit, mirrors, k));
      start += objects[k];
    }
    if (records != null) {
      // The first pass kept every object: copy each part into its stretch of the arrays, the parts
      // on threads of their own, as a second pass would have.
      List<Runnable> copies = new ArrayList<>();
      for (int k = 0; k < records.length; k++) {
        ObjectRecords part = records[k];
        Collector into = parts.get(k);
        copies.add(() -> {
          int[] classOfSlot = new int[part.classIds.length];
          for (int s = 0; s < classOfSlot.length; s++) {
            classOfSlot[s] = catalog.classIndexOfId(part.classIds[s]);
          }
          part.replay(into, classOfSlot, into.primitiveClasses);
        });
      }
      Tasks.all("memdiff-index", copies);
    } else if (split) {
      // The first pass was split over threads: split this one the same way.
      RecordScanner.scanInParts(catalog.file(), new HprofVisitor() {}, parts, options);
    } else {
      RecordScanner.scan(catalog.file(), parts.get(0), options);
    }
    Collector c = parts.get(0);
    c.finish();
    for (int k = 1; k < parts.size(); k++) {
      parts.get(k).finish();
      c.append(parts.get(k));
    }
    if (!mirrors.amongObjects) {
      c.appendClassMirrors(mirrors);
    }
    boolean sorted = c.ascending && mirrors.amongObjects;
    if (!sorted) {
      // The parallel dumper (JDK 21+) concatenates parts, so record order is not address order.
      int n = c.count;
      columns.sort(n);
      c.classesInAddressOrder(n);
    }
    int n = c.count;
    // In address order, each address once, unless the pass saw otherwise: then the duplicates go.
    int unique = sorted && c.increasing ? n : dropDuplicates(columns, classes, n);
    long duplicates = n - unique;
    if (unique != columns.capacity()) {
      columns.trim(unique);
      classes = classes.trim(unique);
    }
    return new HeapIndex(catalog, columns, classes, duplicates, c.ascending);
  }

  /**
   * Keeps the first of each run of entries with one address (in a method of its own, like the other
   * loops over every object here, so that C2 compiles the loop and not all of build around it).
   *
   * @return how many entries are left
   */
  private static int dropDuplicates(IndexColumns columns, ClassColumn classes, int n) {
    int unique = 0;
    long previous = 0;
    for (int i = 0; i < n; i++) {
      long address = columns.address(i);
      if (unique > 0 && previous == address) {
        continue;
      }
      previous = address;
      if (unique != i) {
        columns.move(i, unique);
        classes.set(unique, classes.get(i));
      }
      unique++;
    }
    return unique;
  }

  public DumpCatalog catalog() {
    return catalog;
  }

  public int objectCount() {
    return objectCount;
  }

  public long address(int object) {
    return columns.address(object);
  }

  /** The object index of an address, or −1 when the dump has no such object. */
  public int indexOf(long address) {
    long offset = address - base;
    if (offset < 0 || (offset >>> bucketShift) >= bucketStart.length - 1) {
      return -1;
    }
    int b = (int) (offset >>> bucketShift);
    return columns.search(bucketStart[b], bucketStart[b + 1], address);
  }

  public int classIndexOf(int object) {
    return classIndexes.get(object);
  }

  public ClassInfo classOf(int object) {
    return catalog.classAt(classIndexes.get(object));
  }

  /** Whether addresses are kept in 4 bytes each (see the class comment); for tests. */
  boolean addressesArePacked() {
    return columns.addressesPacked();
  }

  public long recordOffset(int object) {
    return columns.offset(object);
  }

  /** One of the {@code KIND_} constants. */
  public byte kind(int object) {
    int tag = data.u1(recordOffset(object));
    return switch (tag) {
      case Tags.CLASS_DUMP -> KIND_CLASS;
      case Tags.INSTANCE_DUMP -> KIND_INSTANCE;
      case Tags.OBJECT_ARRAY_DUMP -> KIND_OBJECT_ARRAY;
      default -> KIND_PRIMITIVE_ARRAY;
    };
  }

  /** For a class mirror, its class; else null. */
  public ClassInfo classDescribedBy(int object) {
    return kind(object) == KIND_CLASS ? catalog.classById(address(object)) : null;
  }

  /** Array length, or −1 for instances and classes. */
  public int arrayLength(int object) {
    long rec = recordOffset(object);
    return switch (data.u1(rec)) {
      case Tags.OBJECT_ARRAY_DUMP, Tags.PRIMITIVE_ARRAY_DUMP, Tags.PRIMITIVE_ARRAY_NODATA ->
          data.i4(rec + RecordLayout.arrayLength(idSize));
      default -> -1;
    };
  }

  /** Estimated real size of the object under the dump's {@link Layout}. */
  public long shallowSize(int object) {
    long rec = recordOffset(object);
    Layout layout = catalog.layout();
    switch (data.u1(rec)) {
      case Tags.INSTANCE_DUMP:
        return classOf(object).shallowInstanceSize();
      case Tags.OBJECT_ARRAY_DUMP:
        return layout.objectArraySize(data.u4(rec + RecordLayout.arrayLength(idSize)));
      case Tags.PRIMITIVE_ARRAY_DUMP:
      case Tags.PRIMITIVE_ARRAY_NODATA:
        return layout.primitiveArraySize(data.u1(rec + RecordLayout.primitiveArrayType(idSize)),
            data.u4(rec + RecordLayout.arrayLength(idSize)));
      default:
        ClassInfo described = catalog.classById(address(object));
        return described == null ? layout.header() : catalog.classObjectSize(described);
    }
  }

  /** The allocation stack-trace serial the dump records for the object (HotSpot: always the empty trace 1). */
  public int traceSerial(int object) {
    return data.i4(recordOffset(object) + RecordLayout.traceSerial(idSize));
  }

  /** Addresses duplicated in the dump (second and later records ignored). */
  public long duplicateAddresses() {
    return duplicateAddresses;
  }

  /** Whether the dump wrote object records in ascending address order (HotSpot's serial dumper does). */
  public boolean recordsWereInAddressOrder() {
    return recordsWereInAddressOrder;
  }

  /**
   * Hands every non-null outbound reference of an object to the visitor, with implicit edges: an
   * instance references its class; a class its superclass, loader, signers, protection domain and
   * object statics. Targets may be absent from the dump (see {@link #indexOf}).
   */
  public void forEachReference(int object, ReferenceVisitor v) {
    long rec = recordOffset(object);
    final int id = idSize;
    switch (data.u1(rec)) {
      case Tags.INSTANCE_DUMP -> {
        long classId = data.id(rec + RecordLayout.instanceClassId(id), id);
        if (classId != 0) {
          v.reference(EdgeLabel.of(EdgeLabel.CLASS_OF, 0), classId);
        }
        ClassInfo c = classOf(object);
        long values = rec + RecordLayout.instanceValues(id);
        long valuesLength = data.u4(rec + RecordLayout.instanceValuesLength(id));
        int[] offsets = c.referenceFieldOffsets();
        int[] slots = c.referenceFieldSlots();
        for (int i = 0; i < offsets.length; i++) {
          if (offsets[i] + id > valuesLength) {
            break; // the record is shorter than its class's layout: read no further
          }
          long target = data.id(values + offsets[i], id);
          if (target != 0) {
            v.reference(EdgeLabel.of(EdgeLabel.FIELD, slots[i]), target);
          }
        }
      }
      case Tags.OBJECT_ARRAY_DUMP -> {
        int length = data.i4(rec + RecordLayout.arrayLength(id));
        long elements = rec + RecordLayout.objectArrayElements(id);
        for (int i = 0; i < length; i++) {
          long target = data.id(elements + (long) i * id, id);
          if (target != 0) {
            v.reference(EdgeLabel.of(EdgeLabel.ELEMENT, i), target);
          }
        }
      }
      case Tags.CLASS_DUMP -> {
        ClassInfo c = catalog.classById(address(object));
        if (c == null || c.dump() == null) {
          return;
        }
        ClassDump d = c.dump();
        emit(v, EdgeLabel.SUPERCLASS, d.superId());
        emit(v, EdgeLabel.LOADER, d.loaderId());
        emit(v, EdgeLabel.SIGNERS, d.signersId());
        emit(v, EdgeLabel.PROTECTION_DOMAIN, d.protectionDomainId());
        byte[] types = d.staticTypes();
        long[] values = d.staticValues();
        for (int i = 0; i < types.length; i++) {
          if (types[i] == BasicType.OBJECT && values[i] != 0) {
            v.reference(EdgeLabel.of(EdgeLabel.STATIC, i), values[i]);
          }
        }
      }
      default -> {
        // primitive arrays reference nothing
      }
    }
  }

  /**
   * The label of the first reference from {@code object} to {@code targetAddress}, or −1 when there
   * is none. For an object array this is {@link EdgeLabel#ELEMENT} with the index only when
   * {@code exactIndex}; without it the array is not searched. Allocates nothing: the hot path of
   * naming every object's route.
   */
  public int labelOfReference(int object, long targetAddress, boolean exactIndex) {
    long rec = recordOffset(object);
    final int id = idSize;
    switch (data.u1(rec)) {
      case Tags.INSTANCE_DUMP: {
        ClassInfo c = classOf(object);
        long values = rec + RecordLayout.instanceValues(id);
        long valuesLength = data.u4(rec + RecordLayout.instanceValuesLength(id));
        int[] offsets = c.referenceFieldOffsets();
        for (int i = 0; i < offsets.length && offsets[i] + id <= valuesLength; i++) {
          if (data.id(values + offsets[i], id) == targetAddress) {
            return EdgeLabel.of(EdgeLabel.FIELD, c.referenceFieldSlots()[i]);
          }
        }
        return data.id(rec + RecordLayout.instanceClassId(id), id) == targetAddress ? EdgeLabel.of(EdgeLabel.CLASS_OF, 0) : -1;
      }
      case Tags.OBJECT_ARRAY_DUMP: {
        if (!exactIndex) {
          return EdgeLabel.of(EdgeLabel.ELEMENT, 0);
        }
        int length = data.i4(rec + RecordLayout.arrayLength(id));
        long elements = rec + RecordLayout.objectArrayElements(id);
        for (int i = 0; i < length; i++) {
          if (data.id(elements + (long) i * id, id) == targetAddress) {
            return EdgeLabel.of(EdgeLabel.ELEMENT, i);
          }
        }
        return -1;
      }
      case Tags.CLASS_DUMP: {
        int[] found = {-1};
        forEachReference(object, (label, target) -> {
          if (found[0] < 0 && target == targetAddress) {
            found[0] = label;
          }
        });
        return found[0];
      }
      default:
        return -1;
    }
  }

  private static void emit(ReferenceVisitor v, int kind, long target) {
    if (target != 0) {
      v.reference(EdgeLabel.of(kind, 0), target);
    }
  }

  /**
   * The class mirrors, ascending, and each part's share of them to put in among its objects: from
   * its first object's address up to the next part's (the first part's from the lowest address).
   * HotSpot writes every CLASS DUMP before the objects, which it writes in address order (its serial
   * dumper), so the mirrors' places are known before the objects come. Merging them in afterwards
   * moved every entry above the lowest mirror: 75-85 ms on one thread for the 0.64 GB benchmark
   * dump's index, and 30 ms more to look for the duplicates a merge can leave.
   */
  static final class Mirrors {
    final long[] addresses;
    final long[] offsets;
    /** Part {@code k}'s share is {@code [bound[k], bound[k + 1])}. */
    final int[] bound;
    /**
     * Whether the parts put the mirrors among their objects. Not when a part's first object lies
     * below the one before it's (the objects are not in address order then, and will be sorted):
     * every share is empty, and the mirrors follow the last part's objects.
     */
    final boolean amongObjects;

    private Mirrors(long[] addresses, long[] offsets, int[] bound, boolean amongObjects) {
      this.addresses = addresses;
      this.offsets = offsets;
      this.bound = bound;
      this.amongObjects = amongObjects;
    }

    static Mirrors split(IndexSeed seed, int parts) {
      long[] addresses = seed.mirrorAddresses();
      int[] bound = new int[parts + 1];
      bound[parts] = addresses.length;
      long[] firsts = parts > 1 ? seed.firstObjectPerPart() : null;
      boolean among = true;
      for (int k = 1; k < parts && among; k++) {
        among = firsts != null && firsts.length == parts && firsts[k] >= firsts[k - 1];
        if (among) {
          bound[k] = lowerBound(addresses, firsts[k]);
        }
      }
      if (!among) {
        Arrays.fill(bound, 0);
      }
      return new Mirrors(addresses, seed.mirrorOffsets(), bound, among);
    }

    /** The first index whose address is at least {@code address}. */
    private static int lowerBound(long[] ascending, long address) {
      int lo = 0;
      int hi = ascending.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (ascending[mid] < address) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }

  /** Pass 2: fills the arrays in record order and notes whether that order is ascending. */
  private static final class Collector implements HprofVisitor, ObjectRecords.Sink {
    final DumpCatalog catalog;
    final MappedFile data;
    final int idSize;
    final IndexColumns columns;
    final ClassColumn classes;
    final int javaLangClass;
    final int[] primitiveClasses = new int[12];
    /** This part's stretch of the arrays: entries go to {@code [start, limit)}; count is the next slot. */
    final int start;
    int limit;
    int count;
    /** Whether the objects (class mirrors aside) came in ascending address order. */
    boolean ascending = true;
    long first = Long.MIN_VALUE;
    long last = Long.MIN_VALUE;
    /** Whether every entry, mirrors included, has a greater address than the one before it. */
    boolean increasing = true;
    private long lastEntry;
    private long firstEntry;
    private final Mirrors mirrors;
    /** The next of this part's mirrors, and the end of its share. */
    private int nextMirror;
    private final int endMirror;

    final IdCache classes2;

    Collector(DumpCatalog catalog, IndexColumns columns, ClassColumn classes, int start, int limit, Mirrors mirrors,
        int part) {
      this.catalog = catalog;
      this.classes2 = new IdCache(catalog.classIndexById());
      this.data = catalog.file().data();
      this.idSize = catalog.file().idSize();
      this.columns = columns;
      this.classes = classes;
      this.start = start;
      this.limit = limit;
      this.count = start;
      this.mirrors = mirrors;
      this.nextMirror = mirrors.bound[part];
      this.endMirror = mirrors.bound[part + 1];
      this.javaLangClass = catalog.javaLangClass().index();
      for (int t = BasicType.BOOLEAN; t <= BasicType.LONG; t++) {
        primitiveClasses[t] = catalog.primitiveArrayClass(t).index();
      }
    }

    @Override
    public void add(long address, long offset, int classIndex) {
      // The part's mirrors below this object go first (an equal one after it, as a sort would put it).
      while (nextMirror < endMirror && mirrors.addresses[nextMirror] < address) {
        putMirror();
      }
      if (address <= last) {
        ascending = false;
      }
      if (last == Long.MIN_VALUE) {
        first = address;
      }
      last = address;
      put(address, offset, classIndex);
    }

    private void putMirror() {
      put(mirrors.addresses[nextMirror], mirrors.offsets[nextMirror], javaLangClass);
      nextMirror++;
    }

    private void put(long address, long offset, int classIndex) {
      if (count >= limit) {
        throw new IllegalStateException("second pass found more objects than the first");
      }
      if (count == start) {
        firstEntry = address;
      } else if (address <= lastEntry) {
        increasing = false;
      }
      lastEntry = address;
      if (!columns.set(count, address, offset)) {
        throw new IllegalStateException("second pass found other objects than the first");
      }
      classes.set(count, classIndex);
      count++;
    }

    /** Once the part's objects are in: the rest of its share of the mirrors, above them all. */
    void finish() {
      while (nextMirror < endMirror) {
        putMirror();
      }
    }

    /** After the columns are sorted: each entry's class, read from its record again. */
    void classesInAddressOrder(int n) {
      for (int i = 0; i < n; i++) {
        classes.set(i, classOfRecord(columns.offset(i)));
      }
    }

    int classOfRecord(long offset) {
      return switch (data.u1(offset)) {
        case Tags.INSTANCE_DUMP -> catalog.classIndexOfId(data.id(offset + RecordLayout.instanceClassId(idSize), idSize));
        case Tags.OBJECT_ARRAY_DUMP -> catalog.classIndexOfId(data.id(offset + RecordLayout.objectArrayClassId(idSize), idSize));
        case Tags.PRIMITIVE_ARRAY_DUMP, Tags.PRIMITIVE_ARRAY_NODATA ->
            primitiveClasses[data.u1(offset + RecordLayout.primitiveArrayType(idSize))];
        default -> javaLangClass;
      };
    }

    /** Takes in the part that follows this one in the file, which filled the stretch after this one's. */
    void append(Collector later) {
      if (count != later.start || later.count != later.limit) {
        throw new IllegalStateException("second pass found other objects than the first");
      }
      if (later.last != Long.MIN_VALUE) {
        ascending &= later.ascending && (last == Long.MIN_VALUE || later.first > last);
        if (last == Long.MIN_VALUE) {
          first = later.first;
        }
        last = later.last;
      }
      if (later.count > later.start) {
        increasing &= later.increasing && (count == start || later.firstEntry > lastEntry);
        if (count == start) {
          firstEntry = later.firstEntry;
        }
        lastEntry = later.lastEntry;
      }
      count = later.count;
      limit = later.limit;
    }

    /** When no part put mirrors in among its objects: all of them after the last part's. */
    void appendClassMirrors(Mirrors all) {
      limit = columns.capacity();
      for (int j = 0; j < all.addresses.length; j++) {
        put(all.addresses[j], all.offsets[j], javaLangClass);
      }
    }

    @Override
    public void instance(long recordOffset, long objectId, int traceSerial, long classId, long valuesOffset, int valuesLength) {
      add(objectId, recordOffset, classes2.get(classId));
    }

    @Override
    public void objectArray(long recordOffset, long objectId, int traceSerial, long arrayClassId, long elementsOffset, int length) {
      add(objectId, recordOffset, classes2.get(arrayClassId));
    }

    @Override
    public void primitiveArray(long recordOffset, long objectId, int traceSerial, int type, long elementsOffset, int length) {
      add(objectId, recordOffset, primitiveClasses[type]);
    }
  }
}
