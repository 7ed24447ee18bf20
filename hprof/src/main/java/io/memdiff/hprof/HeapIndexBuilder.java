package io.memdiff.hprof;

import io.memdiff.hprof.work.Memory;
import io.memdiff.hprof.work.Tasks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Builds a {@link HeapIndex}: fills its columns in record order, from the first pass's kept records
 * or a second pass split as the first was, with the class mirrors put in among the objects, then
 * sorts them when the dump was not in address order and drops duplicated addresses.
 */
final class HeapIndexBuilder {
  private HeapIndexBuilder() {}

  /** See {@link HeapIndex#build}. */
  static HeapIndex build(DumpCatalog catalog, ScanOptions options) throws HprofFormatException {
    long total = catalog.objects();
    if (total > Integer.MAX_VALUE - 16) {
      throw new HprofFormatException(catalog.file().path(), 0,
          "has " + total + " objects; memdiff indexes at most " + (Integer.MAX_VALUE - 16));
    }
    int length = (int) total;
    Memory.noteIndexing(total);
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

  /**
   * The class mirrors, ascending, and each part's share of them to put in among its objects: from
   * its first object's address up to the next part's (the first part's from the lowest address).
   * HotSpot writes every CLASS DUMP before the objects, which it writes in address order (its serial
   * dumper), so the mirrors' places are known before the objects come; merging them in afterwards
   * would move every entry above the lowest mirror, on one thread, and leave duplicates to look for.
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
