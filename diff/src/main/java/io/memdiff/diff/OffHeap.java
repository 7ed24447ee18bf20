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
    boolean[] direct = new boolean[catalog.classCount()];
    boolean any = false;
    for (int c = 0; c < direct.length; c++) {
      String name = catalog.classAt(c).name();
      if (name.equals("java.nio.DirectByteBuffer") || name.equals("java.nio.DirectByteBufferR")) {
        direct[c] = true;
        any = true;
      }
    }
    if (!any) {
      return bytes;
    }
    InstanceFields fields = new InstanceFields(index);
    for (int o = 0; o < siteOf.length; o++) {
      if (direct[index.classIndexOf(o)] && siteOf[o] >= 0) {
        add(fields, o, bytes, siteOf[o]);
      }
    }
    return bytes;
  }

  private static void add(InstanceFields fields, int buffer, long[][] bytes, int site) {
    if (fields.reference(buffer, "att") >= 0) {
      return; // a slice or duplicate: its parent holds the memory
    }
    long capacity = fields.raw(buffer, fields.slotOf(buffer, "capacity"));
    if (capacity == Long.MIN_VALUE || capacity <= 0) {
      return;
    }
    if (fields.reference(buffer, "fd") >= 0) {
      bytes[1][site] += capacity;
    } else if (fields.slotOf(buffer, "cleaner") < 0 || fields.reference(buffer, "cleaner") >= 0) {
      bytes[0][site] += capacity;
    }
  }
}
