package io.memdiff.testdata.synthetic;

import io.memdiff.testdata.Hprof;
import java.io.IOException;

/**
 * Writes the objects of a synthetic heap in address order, each at the address after the one before,
 * so the gaps are the real sizes. Every reference is computed from the structure's shape (a node's
 * address is its map's base plus its index times the unit size), which is why no object is ever held in
 * memory: the writer streams heaps of any size.
 */
final class Structures {
  /** Odd multiplier that scatters entries over a power-of-two hash table, as a real hash would. */
  private static final long SCATTER = 0x9E3779B97F4A7C15L;
  private static final int MAX_TABLE = 1 << 26;

  private final SubRecords records;
  private final HeapClasses c;
  private final ClassTable t;
  private final ObjectLayout layout;
  private final Tally tally;
  private long cursor;
  private long nextSessionNumber;

  /** One entry's objects, written after its node; the key and the value sit at fixed offsets from its start. */
  interface EntryWriter {
    void write(long entry) throws IOException;
  }

  Structures(SubRecords records, HeapClasses classes, ObjectLayout layout, Tally tally, long firstAddress) {
    this.records = records;
    this.c = classes;
    this.t = classes.table;
    this.layout = layout;
    this.tally = tally;
    this.cursor = firstAddress;
  }

  long cursor() {
    return cursor;
  }

  long size(int classIndex) {
    return t.instanceSize(classIndex);
  }

  long byteArraySize(int length) {
    return layout.byteArray(length);
  }

  long objectArraySize(long length) {
    return layout.objectArray(length);
  }

  long sessionSize(int payload) {
    return size(c.session) + size(c.string) + layout.byteArray(16) + layout.byteArray(payload);
  }

  static int tableCapacity(long entries) {
    long needed = Math.max(16, (long) Math.ceil(entries / 0.75));
    return (int) Math.min(MAX_TABLE, Long.highestOneBit(needed - 1) << 1);
  }

  long hashMapSize(long entries, long entryUnit) {
    return size(c.hashMap) + layout.objectArray(tableCapacity(entries)) + entries * (size(c.node) + entryUnit);
  }

  long sessionMapSize(long sessions, int payload) {
    return hashMapSize(sessions, sessionSize(payload));
  }

  long cacheEntrySize() {
    return size(c.boxedLong) + size(c.cachedPage) + layout.byteArray(HeapPlan.PAGE_BYTES);
  }

  long listSize(long sessions, int payload) {
    return size(c.arrayList) + layout.objectArray(listCapacity(sessions)) + sessions * sessionSize(payload);
  }

  long treeSize(long entries, int payload) {
    return size(c.treeMap) + entries * (size(c.treeEntry) + sessionSize(payload));
  }

  long batchSize(int lists) {
    long sum = size(c.arrayList) + layout.objectArray(lists);
    for (int i = 0; i < lists; i++) {
      sum += size(c.arrayList) + layout.objectArray(i % 8);
    }
    return sum;
  }

  /** A HashMap of {@code entries} sessions keyed by their id Strings; returns the map's address. */
  long sessionMap(long entries, int payload, long seed) throws IOException {
    long session = sessionSize(payload);
    return hashMap(entries, session, size(c.session), 0, e -> session(payload, seed));
  }

  /** A HashMap of Long keys to CachedPages, each with its own byte[]; returns the map's address. */
  long cacheMap(long entries, long seed) throws IOException {
    long longSize = size(c.boxedLong);
    return hashMap(entries, cacheEntrySize(), 0, longSize, e -> {
      long key = seed ^ e;
      long page = cursor + longSize;
      instance(c.boxedLong).u8(key);
      long data = page + size(c.cachedPage);
      instance(c.cachedPage).u8(key).id(data);
      bytes(HeapPlan.PAGE_BYTES).filler(key, HeapPlan.PAGE_BYTES);
    });
  }

  /**
   * A HashMap: the map, its table, then per entry a node followed by the entry's objects. Entry i sits
   * in bucket {@code (i mod capacity) * SCATTER}; entries sharing a bucket are chained by {@code next}.
   */
  private long hashMap(long entries, long entryUnit, long keyOffset, long valueOffset, EntryWriter writer)
      throws IOException {
    int capacity = tableCapacity(entries);
    long mask = capacity - 1;
    long map = cursor;
    long table = map + size(c.hashMap);
    long nodes = table + layout.objectArray(capacity);
    long unit = size(c.node) + entryUnit;
    instance(c.hashMap).id(table).id(0).u4(entries).u4(entries).u4(capacity / 4 * 3)
        .u4(Float.floatToIntBits(0.75f)).id(0).id(0);
    long unscatter = inverse(SCATTER);
    HprofSink out = objectArray(c.nodeArray, capacity);
    for (long b = 0; b < capacity; b++) {
      long head = (b * unscatter) & mask;
      out.id(head < entries ? nodes + head * unit : 0);
    }
    for (long i = 0; i < entries; i++) {
      long node = nodes + i * unit;
      expect(node);
      long bucket = ((i & mask) * SCATTER) & mask;
      int hash = (int) (bucket | (mix(i) & ~mask));
      long next = i + capacity < entries ? node + (long) capacity * unit : 0;
      long entry = node + size(c.node);
      instance(c.node).u4(hash).id(entry + keyOffset).id(entry + valueOffset).id(next);
      writer.write(i);
    }
    return map;
  }

  /** An ArrayList of sessions with half its length again of free capacity; returns the list's address. */
  long sessionList(long sessions, int payload, long seed) throws IOException {
    long list = cursor;
    long array = list + size(c.arrayList);
    long capacity = listCapacity(sessions);
    long first = array + layout.objectArray(capacity);
    long unit = sessionSize(payload);
    instance(c.arrayList).id(array).u4(sessions).u4(sessions);
    HprofSink out = objectArray(c.objectArray, capacity);
    for (long i = 0; i < capacity; i++) {
      out.id(i < sessions ? first + i * unit : 0);
    }
    for (long i = 0; i < sessions; i++) {
      session(payload, seed);
    }
    return list;
  }

  /** Where the {@code i}th session of a list written by {@link #sessionList} at {@code list} sits. */
  long listSession(long list, long sessions, int payload, long i) {
    return list + size(c.arrayList) + layout.objectArray(listCapacity(sessions)) + i * sessionSize(payload);
  }

  /**
   * A TreeMap whose entries form a complete binary tree in breadth-first order (entry j's children are
   * 2j+1 and 2j+2), each entry followed by its session; returns the map's address.
   */
  long sessionTree(long entries, int payload, long seed) throws IOException {
    long map = cursor;
    long first = map + size(c.treeMap);
    long unit = size(c.treeEntry) + sessionSize(payload);
    long keyOffset = size(c.treeEntry) + size(c.session);
    instance(c.treeMap).id(0).id(entries > 0 ? first : 0).id(0).id(0).id(0).u4(entries).u4(entries).id(0).id(0);
    for (long j = 0; j < entries; j++) {
      long entry = first + j * unit;
      expect(entry);
      long left = 2 * j + 1 < entries ? first + (2 * j + 1) * unit : 0;
      long right = 2 * j + 2 < entries ? first + (2 * j + 2) * unit : 0;
      long parent = j > 0 ? first + (j - 1) / 2 * unit : 0;
      instance(c.treeEntry).id(entry + keyOffset).id(entry + size(c.treeEntry)).id(left).id(right).id(parent).u1(1);
      session(payload, seed);
    }
    return map;
  }

  /**
   * A list of {@code lists} small ArrayLists, the i-th holding {@code i % 8} sessions of the recent
   * list: the short {@code Object[]}s whose address gaps tell memdiff the layout. Returns the outer list.
   */
  long batch(int lists, long recentList, long recentSessions) throws IOException {
    long outer = cursor;
    long array = outer + size(c.arrayList);
    long inner = array + layout.objectArray(lists);
    instance(c.arrayList).id(array).u4(lists).u4(lists);
    HprofSink out = objectArray(c.objectArray, lists);
    long at = inner;
    for (int i = 0; i < lists; i++) {
      out.id(at);
      at += size(c.arrayList) + layout.objectArray(i % 8);
    }
    for (int i = 0; i < lists; i++) {
      int n = i % 8;
      long list = cursor;
      instance(c.arrayList).id(list + size(c.arrayList)).u4(n).u4(n);
      HprofSink elements = objectArray(c.objectArray, n);
      for (int e = 0; e < n; e++) {
        elements.id(listSession(recentList, recentSessions, HeapPlan.RECENT_PAYLOAD, (i * 7L + e) % recentSessions));
      }
    }
    return outer;
  }

  /** Sessions nothing references: what a dump taken without a full GC holds. */
  void garbage(long sessions, int payload, long seed) throws IOException {
    for (long i = 0; i < sessions; i++) {
      session(payload, seed);
    }
    tally.unreachable(4 * sessions, sessions * sessionSize(payload));
  }

  /** A session, then its id String, the String's bytes and its payload; returns the session's address. */
  long session(int payload, long seed) throws IOException {
    long number = nextSessionNumber++;
    long session = cursor;
    long id = session + size(c.session);
    long idBytes = id + size(c.string);
    long data = idBytes + layout.byteArray(16);
    long noise = mix(number ^ seed);
    instance(c.session).id(id).id(data).u8(1_700_000_000_000L + number).u4((int) noise & 0xFFFF);
    instance(c.string).id(idBytes).u4((int) (noise >>> 32)).u1(0).u1(0);
    bytes(16).u8(hexHigh(number)).u8(hexLow(number));
    bytes(payload).filler(noise, payload);
    return session;
  }

  /** An instance at the cursor, counted; the caller writes its field values. */
  HprofSink instance(int classIndex) throws IOException {
    long at = cursor;
    long size = size(classIndex);
    cursor += size;
    tally.add(classIndex, size);
    return records.instance(at, t.classId(classIndex), t.valueBytes(classIndex));
  }

  /** An object array at the cursor, counted; the caller writes its {@code length} ids. */
  HprofSink objectArray(int arrayClass, long length) throws IOException {
    long at = cursor;
    long size = layout.objectArray(length);
    cursor += size;
    tally.add(arrayClass, size);
    return records.objectArray(at, t.classId(arrayClass), Math.toIntExact(length));
  }

  /** A byte[] at the cursor, counted; the caller writes its {@code length} bytes. */
  HprofSink bytes(int length) throws IOException {
    long at = cursor;
    long size = layout.byteArray(length);
    cursor += size;
    tally.add(c.byteArray, size);
    return records.primitiveArray(at, Hprof.BYTE, length);
  }

  /** Guards the address arithmetic: a structure's computed address must be where the cursor is. */
  private void expect(long address) {
    if (address != cursor) {
      throw new IllegalStateException("computed address 0x" + Long.toHexString(address) + " but writing at 0x"
          + Long.toHexString(cursor));
    }
  }

  private static long listCapacity(long sessions) {
    return sessions + sessions / 2;
  }

  /** "s" and fifteen hex digits of the number: a fixed-length id, so every session unit has one size. */
  private static long hexHigh(long n) {
    long v = 's';
    for (int shift = 56; shift >= 32; shift -= 4) {
      v = v << 8 | hex(n >>> shift);
    }
    return v;
  }

  private static long hexLow(long n) {
    long v = 0;
    for (int shift = 28; shift >= 0; shift -= 4) {
      v = v << 8 | hex(n >>> shift);
    }
    return v;
  }

  private static long hex(long nibble) {
    int d = (int) (nibble & 0xF);
    return d < 10 ? '0' + d : 'a' + d - 10;
  }

  static long mix(long x) {
    x = (x ^ (x >>> 33)) * 0xFF51AFD7ED558CCDL;
    x = (x ^ (x >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return x ^ (x >>> 33);
  }

  /** The multiplicative inverse of an odd number modulo 2^64, by Newton's iteration. */
  private static long inverse(long odd) {
    long x = odd;
    for (int i = 0; i < 6; i++) {
      x *= 2 - odd * x;
    }
    return x;
  }
}
