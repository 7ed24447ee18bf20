package io.memdiff.diff;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.InstanceFields;

/**
 * Memory outside the heap that heap objects hold: a {@code java.nio.DirectByteBuffer} is 64 bytes on
 * the heap and its {@code capacity} in native memory. Only buffers that allocated their memory count
 * as off-heap: a slice or duplicate names its parent in {@code att}, a buffer wrapped around JNI
 * memory has no {@code cleaner}. A mapped file's buffer ({@code fd} set) is the page cache's, not an
 * allocation: counted apart, as mapped bytes.
 */
final class OffHeap {
  private OffHeap() {}

  /** Per site, the bytes its direct buffers allocated ({@code [0]}) and those its mapped buffers map ({@code [1]}). */
  static long[][] bySite(HeapIndex index, int[] siteOf, int sites) {
    long[][] bytes = {new long[sites], new long[sites]};
    DumpCatalog catalog = index.catalog();
    // The buffer classes, and how many buffers the first pass counted: the walk stops at the last,
    // and most heaps hold a handful among millions of objects.
    boolean[] buffer = new boolean[catalog.classCount()];
    long left = 0;
    for (int c = 0; c < buffer.length; c++) {
      String name = catalog.classAt(c).name();
      if (name.equals("java.nio.DirectByteBuffer") || name.equals("java.nio.DirectByteBufferR")) {
        buffer[c] = true;
        left += catalog.countOf(c);
      }
    }
    // Per buffer class, the slots of the fields read: looked up by name once, not per buffer.
    int[][] slots = new int[buffer.length][];
    InstanceFields fields = null;
    for (int o = 0; o < siteOf.length && left > 0; o++) {
      int c = index.classIndexOf(o);
      if (!buffer[c]) {
        continue;
      }
      left--;
      if (slots[c] == null) {
        fields = fields != null ? fields : new InstanceFields(index);
        slots[c] = new int[] {fields.slotOf(o, "att"), fields.slotOf(o, "fd"), fields.slotOf(o, "cleaner"),
            fields.slotOf(o, "capacity")};
      }
      if (siteOf[o] >= 0) {
        add(index, fields, o, slots[c], bytes, siteOf[o]);
      }
    }
    return bytes;
  }

  private static void add(HeapIndex index, InstanceFields fields, int buffer, int[] slots, long[][] bytes, int site) {
    if (present(index, fields, buffer, slots[0])) {
      return; // a slice or duplicate: its parent holds the memory
    }
    long capacity = fields.raw(buffer, slots[3]);
    if (capacity == Long.MIN_VALUE || capacity <= 0) {
      return;
    }
    if (present(index, fields, buffer, slots[1])) {
      bytes[1][site] += capacity;
    } else if (slots[2] < 0 || present(index, fields, buffer, slots[2])) {
      bytes[0][site] += capacity;
    }
  }

  /** Whether the reference field in {@code slot} points at an object of the dump. */
  private static boolean present(HeapIndex index, InstanceFields fields, int object, int slot) {
    long id = slot < 0 ? 0 : fields.raw(object, slot);
    return id != 0 && id != Long.MIN_VALUE && index.indexOf(id) >= 0;
  }
}
