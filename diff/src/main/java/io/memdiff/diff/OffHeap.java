package io.memdiff.diff;

import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.InstanceFields;

/**
 * Native memory that heap objects own: a {@code java.nio.DirectByteBuffer} is 64 bytes on the heap
 * and its {@code capacity} in native memory. Only buffers that allocated their memory count: a
 * slice or duplicate names its parent in {@code att}, a buffer wrapped around JNI memory has no
 * {@code cleaner}, and a mapped file's buffer ({@code fd} set) is the page cache's, not an allocation.
 */
final class OffHeap {
  private OffHeap() {}

  /** Owned direct-buffer bytes per site. */
  static long[] bySite(HeapIndex index, int[] siteOf, int sites) {
    long[] bytes = new long[sites];
    DumpCatalog catalog = index.catalog();
    boolean[] direct = new boolean[catalog.classCount()];
    boolean any = false;
    for (int c = 0; c < direct.length; c++) {
      ClassInfo k = catalog.classAt(c);
      if (k.name().equals("java.nio.DirectByteBuffer")) {
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
        bytes[siteOf[o]] += ownedCapacity(fields, o);
      }
    }
    return bytes;
  }

  private static long ownedCapacity(InstanceFields fields, int buffer) {
    if (fields.reference(buffer, "att") >= 0 || fields.reference(buffer, "fd") >= 0) {
      return 0;
    }
    if (fields.slotOf(buffer, "cleaner") >= 0 && fields.reference(buffer, "cleaner") < 0) {
      return 0;
    }
    long capacity = fields.raw(buffer, fields.slotOf(buffer, "capacity"));
    return capacity == Long.MIN_VALUE ? 0 : Math.max(0, capacity);
  }
}
