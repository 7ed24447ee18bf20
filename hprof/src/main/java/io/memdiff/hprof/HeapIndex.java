package io.memdiff.hprof;

import io.memdiff.hprof.work.Tasks;
import java.util.ArrayList;
import java.util.List;

/**
 * Every object of a dump as a dense {@code int} object index over ascending addresses, with its class
 * and where its record starts, so any object can be read back from the mapped file. Built by
 * {@link HeapIndexBuilder} from the first pass's records of the objects, or in a second pass, with
 * arrays sized exactly from the {@link DumpCatalog}'s counts, then kept in 10 bytes per object where
 * the dump allows (nearly always): addresses 8-byte aligned within 32 GiB of the lowest as unsigned
 * ints of (address − base) / 8, record offsets below 4 GiB as unsigned ints, classes as chars (see
 * {@link ClassColumn}); else up to 20.
 */
public final class HeapIndex {
  // The kinds under the names they had as byte constants, so that callers compile unchanged.
  public static final ObjectKind KIND_CLASS = ObjectKind.CLASS;
  public static final ObjectKind KIND_INSTANCE = ObjectKind.INSTANCE;
  public static final ObjectKind KIND_OBJECT_ARRAY = ObjectKind.OBJECT_ARRAY;
  public static final ObjectKind KIND_PRIMITIVE_ARRAY = ObjectKind.PRIMITIVE_ARRAY;

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
  private volatile int[] bucketStart;
  private final long base;
  private final int bucketShift;
  private final int bucketCount;
  /** Lookups since {@link #releaseLookup} that searched every address (racy: a count that may lag is enough). */
  private int lookupsWithoutTable;
  /** The sizes a Ruby dump records, or null. */
  private final RubyDump ruby;

  /**
   * Takes the builder's columns, in address order and each address once, and makes their address
   * lookup table.
   *
   * @param ordered whether the dump wrote the object records in ascending address order
   */
  HeapIndex(DumpCatalog catalog, IndexColumns columns, ClassColumn classIndexes, long duplicates,
      boolean ordered) {
    this.catalog = catalog;
    this.ruby = catalog.file().ruby();
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
    this.bucketCount = (int) ((span - 1) >>> shift) + 1;
    this.bucketStart = lookupTable();
  }

  /** The address lookup table, filled in a part per core. */
  private int[] lookupTable() {
    int n = objectCount;
    int count = bucketCount;
    int[] bucketStart = new int[count + 1];
    // A part per core: each starts at the bucket after the previous part's last object.
    int parts = (int) Math.max(1, Math.min(Tasks.cores(), n / MIN_BUCKET_PART));
    int[] firstObject = new int[parts + 1];
    int[] firstBucket = new int[parts + 1];
    for (int k = 1; k < parts; k++) {
      firstObject[k] = (int) ((long) n * k / parts);
      firstBucket[k] = bucketOf(firstObject[k] - 1) + 1;
    }
    firstObject[parts] = n;
    firstBucket[parts] = count + 1;
    List<Runnable> work = new ArrayList<>(parts);
    for (int k = 0; k < parts; k++) {
      int from = firstObject[k];
      int to = firstObject[k + 1];
      int fromBucket = firstBucket[k];
      int lastBucket = firstBucket[k + 1] - 1;
      work.add(() -> fillBuckets(bucketStart, from, to, fromBucket, lastBucket));
    }
    Tasks.all("memdiff-index", work);
    return bucketStart;
  }

  /** The fewest objects a thread of the bucket fill takes. */
  private static final int MIN_BUCKET_PART = 1 << 16;

  private int bucketOf(int object) {
    return (int) ((columns.address(object) - base) >>> bucketShift);
  }

  /** Fills bucketStart[fromBucket..lastBucket] from objects [from, to); buckets after to's last get to. */
  private void fillBuckets(int[] bucketStart, int from, int to, int fromBucket, int lastBucket) {
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
    return HeapIndexBuilder.build(catalog, options);
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
    if (offset < 0 || (offset >>> bucketShift) >= bucketCount) {
      return -1;
    }
    int[] table = bucketStart;
    if (table == null) {
      table = tableAfterRelease();
      if (table == null) {
        return columns.search(0, objectCount, address);
      }
    }
    int b = (int) (offset >>> bucketShift);
    return columns.search(table[b], table[b + 1], address);
  }

  /**
   * Drops the address lookup table (1–2 bytes per object) until lookups come many again: the graph's
   * build makes nearly all of them, and the dominator pass after it, the analysis's peak, makes none.
   * Meanwhile a lookup binary-searches every address, a few times slower, which the few dozen of
   * path steps and stack roots described later do not feel.
   */
  public void releaseLookup() {
    bucketStart = null;
    lookupsWithoutTable = 0;
  }

  /** Whether the address lookup table is there (tests). */
  boolean hasLookupTable() {
    return bucketStart != null;
  }

  /** Lookups without the table before it is made again: a caller that looks up every reference. */
  static final int LOOKUPS_BEFORE_REBUILD = 1 << 14;

  /** Null while lookups since {@link #releaseLookup} are few; then the table, made again. */
  private int[] tableAfterRelease() {
    if (++lookupsWithoutTable < LOOKUPS_BEFORE_REBUILD) {
      return null;
    }
    synchronized (this) {
      int[] table = bucketStart;
      if (table == null) {
        table = lookupTable();
        bucketStart = table;
      }
      return table;
    }
  }

  public int classIndexOf(int object) {
    return classIndexes.get(object);
  }

  public ClassInfo classOf(int object) {
    return catalog.classAt(classIndexes.get(object));
  }

  /** The unit every shallow size is a multiple of: the layout's alignment, or 1 where the dump records sizes. */
  public int shallowSizeUnit() {
    return ruby != null ? 1 : Math.max(1, catalog.layout().align());
  }

  /** Whether addresses are kept in 4 bytes each (see the class comment); for tests. */
  boolean addressesArePacked() {
    return columns.addressesPacked();
  }

  public long recordOffset(int object) {
    return columns.offset(object);
  }

  public ObjectKind kind(int object) {
    int tag = data.u1(recordOffset(object));
    return switch (tag) {
      case Tags.CLASS_DUMP -> ObjectKind.CLASS;
      case Tags.INSTANCE_DUMP -> ObjectKind.INSTANCE;
      case Tags.OBJECT_ARRAY_DUMP -> ObjectKind.OBJECT_ARRAY;
      default -> ObjectKind.PRIMITIVE_ARRAY;
    };
  }

  /** For a class mirror, its class; else null. */
  public ClassInfo classDescribedBy(int object) {
    return kind(object) == ObjectKind.CLASS ? catalog.classById(address(object)) : null;
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

  /**
   * Estimated real size of the object under the dump's {@link Layout}; for a Ruby dump, the memsize
   * the dump records.
   */
  public long shallowSize(int object) {
    if (ruby != null) {
      return ruby.memsizeAt(address(object));
    }
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

  /**
   * Whether the dump wrote object records in ascending address order (HotSpot's serial dumper does);
   * for a Ruby dump, its object lines.
   */
  public boolean recordsWereInAddressOrder() {
    return ruby != null ? ruby.linesInAddressOrder() : recordsWereInAddressOrder;
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
}
