package io.memdiff.paths;

import io.memdiff.testdata.Hprof;
import io.memdiff.testdata.HprofWriter;

/** The classes of a hand-built heap with weak references, for tests that fill it with random nodes. */
final class WeakHeaps {
  static final long REFERENCE = 0x100;
  static final long WEAK_REFERENCE = 0x110;
  static final long NODE = 0x120;

  private WeakHeaps() {}

  /**
   * Loads {@code java.lang.ref.Reference} (its referent the one field), {@code WeakReference} and
   * {@code Node} (with {@code fields} object fields: a, b, c…), and returns a heap segment's body
   * that dumps the three classes, for the caller's instances to follow.
   */
  static HprofWriter.Bytes classes(HprofWriter w, int fields) {
    w.loadClass(1, REFERENCE, 1, w.string("java.lang.ref.Reference"));
    w.loadClass(2, WEAK_REFERENCE, 1, w.string("java.lang.ref.WeakReference"));
    w.loadClass(3, NODE, 1, w.string("Node"));
    long[][] none = new long[0][];
    long[][] nodeFields = new long[fields][];
    for (int f = 0; f < fields; f++) {
      nodeFields[f] = new long[] {w.string(String.valueOf((char) ('a' + f))), Hprof.OBJECT};
    }
    return w.body()
        .classDump(REFERENCE, 0, 0, 8, none, new long[][] {{w.string("referent"), Hprof.OBJECT}})
        .classDump(WEAK_REFERENCE, REFERENCE, 0, 8, none, none)
        .classDump(NODE, 0, 0, fields * 8, none, nodeFields);
  }
}
