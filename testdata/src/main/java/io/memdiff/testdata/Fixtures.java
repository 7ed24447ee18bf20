package io.memdiff.testdata;

import io.memdiff.testdata.HprofWriter.Bytes;

/**
 * Small, valid, hand-built dumps whose every object is known. The common heap: classes
 * {@code java.lang.Object}, {@code java.lang.Class}, {@code java.lang.String} (value, coder),
 * {@code com.acme.Foo} (own fields {@code next}, {@code n}; static {@code SESSIONS}), {@code int[]},
 * {@code java.lang.Object[]}; instances: {@link #FOOS} Foo in a chain, one String with its byte[],
 * one int[4], one Object[2] held by {@code Foo.SESSIONS}; roots: a sticky class, a JNI global, a java
 * frame of thread 1 in {@code com.acme.Foo.run(Foo.java:42)}.
 */
public final class Fixtures {
  public static final long OBJECT = 0x1000;
  public static final long CLASS = 0x1100;
  public static final long STRING = 0x1200;
  public static final long FOO = 0x1300;
  public static final long INT_ARRAY = 0x1400;
  public static final long OBJECT_ARRAY = 0x1500;
  public static final long FIRST_FOO = 0x2000;
  public static final long A_STRING = 0x3000;
  public static final long STRING_BYTES = 0x3100;
  public static final long INTS = 0x4000;
  public static final long SESSIONS = 0x5000;
  /** Foo instances in the common heap. */
  public static final int FOOS = 3;
  /** Classes dumped in the common heap. */
  public static final int CLASSES = 6;
  /** Objects in the common heap: classes + Foos + String + byte[] + int[] + Object[]. */
  public static final int OBJECTS = CLASSES + FOOS + 4;
  /** Foo instances in the second heap dump of {@link #twoHeapDumps}. */
  public static final int FOOS_IN_SECOND_DUMP = 5;

  private Fixtures() {}

  /** The common heap in one HEAP DUMP SEGMENT, then HEAP DUMP END. */
  public static HprofWriter minimal(int idSize) {
    HprofWriter w = new HprofWriter(idSize);
    Names n = names(w);
    w.segment(commonHeap(w, n, FOOS).bytes(roots(w)));
    return w.heapDumpEnd();
  }

  /**
   * Every top-level record type memdiff knows (START/END THREAD, UNLOAD CLASS, ALLOC SITES, HEAP
   * SUMMARY, CPU SAMPLES, CONTROL SETTINGS, frames and traces), then the common heap in a 0x0C HEAP
   * DUMP as the last record, with every root kind of HotSpot and the old agent.
   */
  public static HprofWriter everyRecordType(int idSize) {
    HprofWriter w = new HprofWriter("JAVA PROFILE 1.0.2", idSize, 1_700_000_000_000L);
    w.controlSettings(2, 4);
    Names n = names(w);
    long threadName = w.string("main");
    w.startThread(1, FIRST_FOO, 2, threadName, w.string("group"), w.string("parent"));
    w.heapSummary(100, 10, 1000, 100);
    w.allocSites(0, 0.5f, 100, 10, 200, 20);
    w.cpuSamples(2, new HprofWriter.CpuSample(2, 2));
    Bytes heap = commonHeap(w, n, FOOS).bytes(roots(w));
    heap.root(0xFF, FIRST_FOO).rootFrame(0x02, FIRST_FOO, 1, 0).rootThread(0x04, FIRST_FOO, 1)
        .rootThread(0x06, FIRST_FOO, 1).root(0x07, A_STRING).rootThreadObject(FIRST_FOO, 1, 2);
    w.endThread(1);
    w.unloadClass(99);
    return w.heapDump(heap); // last, so a cut anywhere in the file loses part of it

  }

  /** An Android (1.0.3, 4-byte ids) dump: HEAP DUMP INFO, Android roots, a PRIMITIVE ARRAY NODATA. */
  public static HprofWriter android() {
    HprofWriter w = new HprofWriter("JAVA PROFILE 1.0.3", 4, 1_700_000_000_000L);
    Names n = names(w);
    Bytes heap = w.body().heapDumpInfo('A', w.string("app"));
    heap.bytes(commonHeap(w, n, FOOS)).bytes(roots(w));
    heap.root(0x89, A_STRING).root(0x8A, FIRST_FOO).root(0x8B, FIRST_FOO).root(0x8C, FIRST_FOO)
        .root(0x8D, FIRST_FOO).root(0x90, FIRST_FOO).rootJniMonitor(FIRST_FOO, 1, 1);
    heap.primitiveArrayNoData(0x6000, 1, 1000, HprofWriter.LONG);
    w.segment(heap);
    return w.heapDumpEnd();
  }

  /** Two heap dumps, each segments then END: the first with {@link #FOOS} Foo, the second with {@link #FOOS_IN_SECOND_DUMP}. */
  public static HprofWriter twoHeapDumps(int idSize) {
    HprofWriter w = new HprofWriter(idSize);
    Names n = names(w);
    w.segment(commonHeap(w, n, FOOS).bytes(roots(w)));
    w.heapDumpEnd();
    w.segment(commonHeap(w, n, FOOS_IN_SECOND_DUMP).bytes(roots(w)));
    return w.heapDumpEnd();
  }

  private record Names(long next, long n, long value, long coder, long sessions) {}

  private static Names names(HprofWriter w) {
    String[] classNames = {"java/lang/Object", "java/lang/Class", "java/lang/String", "com/acme/Foo", "[I",
        "[Ljava/lang/Object;"};
    long[] ids = {OBJECT, CLASS, STRING, FOO, INT_ARRAY, OBJECT_ARRAY};
    for (int i = 0; i < ids.length; i++) {
      w.loadClass(i + 1, ids[i], 1, w.string(classNames[i]));
    }
    long run = w.string("run");
    long sig = w.string("()V");
    long file = w.string("Foo.java");
    w.frame(0x9000, run, sig, file, 4, 42);
    w.trace(1, 0);
    w.trace(2, 1, 0x9000);
    return new Names(w.string("next"), w.string("n"), w.string("value"), w.string("coder"), w.string("SESSIONS"));
  }

  private static Bytes commonHeap(HprofWriter w, Names n, int foos) {
    int id = w.idSize();
    long[][] none = new long[0][];
    Bytes b = w.body();
    b.classDump(OBJECT, 0, 0, 0, none, none);
    b.classDump(CLASS, OBJECT, 0, 0, none, none);
    b.classDump(STRING, OBJECT, 0, id + 1, none,
        new long[][] {{n.value(), HprofWriter.OBJECT}, {n.coder(), HprofWriter.BYTE}});
    b.classDump(FOO, OBJECT, 0, id + 4, new long[][] {{n.sessions(), HprofWriter.OBJECT, SESSIONS}},
        new long[][] {{n.next(), HprofWriter.OBJECT}, {n.n(), HprofWriter.INT}});
    b.classDump(INT_ARRAY, OBJECT, 0, 0, none, none);
    b.classDump(OBJECT_ARRAY, OBJECT, 0, 0, none, none);
    for (int i = 0; i < foos; i++) {
      long next = i + 1 < foos ? FIRST_FOO + 0x10L * (i + 1) : 0;
      b.instance(FIRST_FOO + 0x10L * i, 1, FOO, w.body().id(next).u4(i + 1));
    }
    b.instance(A_STRING, 1, STRING, w.body().id(STRING_BYTES).u1(0));
    b.primitiveArray(STRING_BYTES, 1, HprofWriter.BYTE, 3, new byte[] {'a', 'b', 'c'});
    b.primitiveArray(INTS, 1, HprofWriter.INT, 4, new byte[16]);
    b.objectArray(SESSIONS, 1, OBJECT_ARRAY, FIRST_FOO, A_STRING);
    return b;
  }

  private static Bytes roots(HprofWriter w) {
    return w.body().root(0x05, OBJECT).rootJniGlobal(INTS, 0x77).rootFrame(0x03, FIRST_FOO, 1, 0);
  }
}
