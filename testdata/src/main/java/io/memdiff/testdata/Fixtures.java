package io.memdiff.testdata;

import io.memdiff.testdata.HprofWriter.AllocSite;
import io.memdiff.testdata.HprofWriter.Bytes;
import io.memdiff.testdata.HprofWriter.CpuSample;

/**
 * Small, valid, hand-built dumps whose every record is known, so parser tests assert on the constants
 * here instead of numbers of their own.
 *
 * <p>Every fixture starts with the same names: UTF8 + LOAD CLASS for {@code java/lang/Object} (serial 1),
 * {@code java/lang/Class} (2), {@code java/lang/String} (3), {@code com/acme/Foo} (4), {@code [I} (5),
 * {@code [Ljava/lang/Object;} (6); one FRAME {@link #FRAME} = {@code com.acme.Foo.run()V (Foo.java:42)};
 * TRACE 1 (thread 0, no frames, what HotSpot gives objects) and TRACE 2 (thread 1: that frame).
 *
 * <p>The <b>common heap</b> ({@link #COMMON_HEAP}): CLASS DUMPs of those six classes ({@code String} has
 * fields {@code value} (object) and {@code coder} (byte); {@code Foo} has fields {@code next} (object),
 * {@code n} (int) and the static {@code SESSIONS} = {@link #SESSIONS}); {@code foos} Foo instances from
 * {@link #FIRST_FOO} every 0x10, each {@code next} pointing to the following one (the last null) and
 * {@code n} = 1, 2, …; one String {@link #A_STRING} "abc" (LATIN1) with its byte[3] {@link #STRING_BYTES};
 * one int[4] {@link #INTS} of zeros; one Object[2] {@link #SESSIONS} = {FIRST_FOO, A_STRING}. Its
 * <b>common roots</b>: STICKY CLASS Object, JNI GLOBAL {@link #INTS}, JAVA FRAME {@link #FIRST_FOO}
 * (thread 1, frame 0).
 */
public final class Fixtures {
  public static final long OBJECT = 0x1000;
  public static final long CLASS = 0x1100;
  public static final long STRING = 0x1200;
  public static final long FOO = 0x1300;
  public static final long INT_ARRAY = 0x1400;
  public static final long OBJECT_ARRAY = 0x1500;
  /** Loaded and then unloaded in {@link #everyRecordType}; never dumped. */
  public static final long UNLOADED_CLASS = 0x1600;
  public static final long FIRST_FOO = 0x2000;
  public static final long A_STRING = 0x3000;
  public static final long STRING_BYTES = 0x3100;
  public static final long INTS = 0x4000;
  public static final long SESSIONS = 0x5000;
  /** The long[] without elements (PRIMITIVE ARRAY NODATA) in the Android records. */
  public static final long NO_DATA_LONGS = 0x6000;
  public static final int NO_DATA_LENGTH = 1000;
  public static final long FRAME = 0x9000;
  /** Thread serial of the one thread; its trace is {@link #THREAD_TRACE}. */
  public static final int THREAD = 1;
  public static final int THREAD_TRACE = 2;

  /** Foo instances in the common heap. */
  public static final int FOOS = 3;
  /** Classes dumped in the common heap. */
  public static final int CLASSES = 6;
  /** Objects in the common heap: classes + Foos + String + byte[] + int[] + Object[]. */
  public static final int OBJECTS = CLASSES + FOOS + 4;
  /** Foo instances in the second heap dump of {@link #twoHeapDumps}. */
  public static final int FOOS_IN_SECOND_DUMP = 5;
  /** Roots of the common heap. */
  public static final int COMMON_ROOTS = 3;
  /** Root sub-records the old agent and HotSpot define: UNKNOWN, 01–08. */
  public static final int JAVA_ROOT_KINDS = 9;
  /** Android roots: 89, 8A, 8B, 8C, 8D, 90 and JNI MONITOR 8E. */
  public static final int ANDROID_ROOT_KINDS = 7;

  /** What one heap dump of a fixture holds; {@link #objects()} counts classes as objects, as MAT does. */
  public record DumpContents(int classDumps, int instances, int objectArrays, int primitiveArrays, int roots) {
    public int objects() {
      return classDumps + instances + objectArrays + primitiveArrays;
    }
  }

  /** The common heap with {@link #FOOS} Foo and its roots. */
  public static final DumpContents COMMON_HEAP = new DumpContents(CLASSES, FOOS + 1, 1, 2, COMMON_ROOTS);
  /** Dump 0 of {@link #everyRecordType}: the common heap, the NODATA long[], a root of every kind. */
  public static final DumpContents EVERY_ROOT_HEAP =
      new DumpContents(CLASSES, FOOS + 1, 1, 3, JAVA_ROOT_KINDS + ANDROID_ROOT_KINDS);
  /** The one dump of {@link #android}: the common heap, the NODATA long[], the Android roots. */
  public static final DumpContents ANDROID_HEAP =
      new DumpContents(CLASSES, FOOS + 1, 1, 3, COMMON_ROOTS + ANDROID_ROOT_KINDS);
  /** Dump 1 of {@link #twoHeapDumps}. */
  public static final DumpContents SECOND_HEAP =
      new DumpContents(CLASSES, FOOS_IN_SECOND_DUMP + 1, 1, 2, COMMON_ROOTS);

  private Fixtures() {}

  /** The common heap in one HEAP DUMP SEGMENT, then HEAP DUMP END: 1.0.2, one heap dump. */
  public static HprofWriter minimal(int idSize) {
    HprofWriter w = new HprofWriter(idSize);
    Names n = names(w);
    w.segment(commonHeap(w, n, FOOS).bytes(roots(w)));
    return w.heapDumpEnd();
  }

  /**
   * Every top-level record type and every sub-record type, in a 1.0.2 file with two heap dumps. In
   * order: CONTROL SETTINGS (flags 2, depth 4); the common names, plus LOAD CLASS serial 7
   * {@code com/acme/Unloaded} ({@link #UNLOADED_CLASS}); START THREAD 1 (object {@link #FIRST_FOO},
   * trace 2, names "main", "group", "parent"); HEAP SUMMARY; ALLOC SITES (2 entries); CPU SAMPLES
   * (3 samples of trace 2); UNLOAD CLASS 7; END THREAD 1. Then <b>dump 0</b> ({@link #EVERY_ROOT_HEAP}):
   * a segment with HEAP DUMP INFO ('A', "app") and the common classes, a segment with the common objects,
   * the NODATA long[{@link #NO_DATA_LENGTH}] and a root of every kind (Java and Android), HEAP DUMP END.
   * Last, <b>dump 1</b> ({@link #COMMON_HEAP}): the common heap and roots in one 0x0C HEAP DUMP, so any
   * cut after dump 0's END leaves part of a record.
   */
  public static HprofWriter everyRecordType(int idSize) {
    HprofWriter w = new HprofWriter(Hprof.VERSION_1_0_2, idSize, HprofWriter.DEFAULT_TIMESTAMP);
    w.controlSettings(2, 4);
    Names n = names(w);
    w.loadClass(7, UNLOADED_CLASS, 1, w.string("com/acme/Unloaded"));
    long threadName = w.string("main");
    w.startThread(THREAD, FIRST_FOO, THREAD_TRACE, threadName, w.string("group"), w.string("parent"));
    w.heapSummary(100, 10, 1000, 100);
    w.allocSites(0, 0.5f, 100, 10, 1000, 100, new AllocSite(0, 4, THREAD_TRACE, 48, 3, 96, 6),
        new AllocSite(Hprof.INT, 5, THREAD_TRACE, 32, 1, 64, 2));
    w.cpuSamples(3, new CpuSample(3, THREAD_TRACE));
    w.unloadClass(7);
    w.endThread(THREAD);

    long app = w.string("app");
    Bytes classes = w.beginSegment().heapDumpInfo(Hprof.HEAP_APP, app);
    classDumps(w, n, classes);
    w.endSegment();
    Bytes objects = w.beginSegment();
    objects(w, objects, FOOS);
    objects.primitiveArrayNoData(NO_DATA_LONGS, 1, NO_DATA_LENGTH, Hprof.LONG);
    objects.bytes(roots(w)).rootUnknown(FIRST_FOO).rootJniLocal(FIRST_FOO, THREAD, 0)
        .rootNativeStack(FIRST_FOO, THREAD).rootThreadBlock(FIRST_FOO, THREAD).rootMonitorUsed(A_STRING)
        .rootThreadObject(FIRST_FOO, THREAD, THREAD_TRACE);
    androidRoots(objects);
    w.endSegment();
    w.heapDumpEnd();

    w.heapDump(commonHeap(w, n, FOOS).bytes(roots(w)));
    return w;
  }

  /**
   * An Android dump (1.0.3, 4-byte ids): one segment with HEAP DUMP INFO ('A', "app"), the common heap,
   * the common roots, the seven Android roots and a PRIMITIVE ARRAY NODATA long[{@link #NO_DATA_LENGTH}];
   * then HEAP DUMP END. Contents: {@link #ANDROID_HEAP}.
   */
  public static HprofWriter android() {
    HprofWriter w = new HprofWriter(Hprof.VERSION_1_0_3, 4, HprofWriter.DEFAULT_TIMESTAMP);
    Names n = names(w);
    Bytes heap = w.body().heapDumpInfo(Hprof.HEAP_APP, w.string("app"));
    heap.bytes(commonHeap(w, n, FOOS)).bytes(roots(w));
    androidRoots(heap);
    heap.primitiveArrayNoData(NO_DATA_LONGS, 1, NO_DATA_LENGTH, Hprof.LONG);
    w.segment(heap);
    return w.heapDumpEnd();
  }

  /**
   * Two heap dumps in one file, each as two segments (classes and roots, then objects) and an END: the
   * first {@link #COMMON_HEAP} with {@link #FOOS} Foo, the second {@link #SECOND_HEAP} with
   * {@link #FOOS_IN_SECOND_DUMP}. Record offsets: 4 segments and 2 ENDs after the names.
   */
  public static HprofWriter twoHeapDumps(int idSize) {
    HprofWriter w = new HprofWriter(idSize);
    Names n = names(w);
    for (int foos : new int[] {FOOS, FOOS_IN_SECOND_DUMP}) {
      classDumps(w, n, w.beginSegment()).bytes(roots(w));
      w.endSegment();
      objects(w, w.beginSegment(), foos);
      w.endSegment();
      w.heapDumpEnd();
    }
    return w;
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
    w.frame(FRAME, run, sig, file, 4, 42);
    w.trace(1, 0);
    w.trace(THREAD_TRACE, THREAD, FRAME);
    return new Names(w.string("next"), w.string("n"), w.string("value"), w.string("coder"), w.string("SESSIONS"));
  }

  private static Bytes commonHeap(HprofWriter w, Names n, int foos) {
    Bytes b = w.body();
    classDumps(w, n, b);
    return objects(w, b, foos);
  }

  private static Bytes classDumps(HprofWriter w, Names n, Bytes b) {
    int id = w.idSize();
    b.classDump(OBJECT, 0, 0).end();
    b.classDump(CLASS, OBJECT, 0).end();
    b.classDump(STRING, OBJECT, id + 1).field(n.value(), Hprof.OBJECT).field(n.coder(), Hprof.BYTE).end();
    b.classDump(FOO, OBJECT, id + 4).staticField(n.sessions(), Hprof.OBJECT, SESSIONS)
        .field(n.next(), Hprof.OBJECT).field(n.n(), Hprof.INT).end();
    b.classDump(INT_ARRAY, OBJECT, 0).end();
    return b.classDump(OBJECT_ARRAY, OBJECT, 0).end();
  }

  private static Bytes objects(HprofWriter w, Bytes b, int foos) {
    for (int i = 0; i < foos; i++) {
      long next = i + 1 < foos ? FIRST_FOO + 0x10L * (i + 1) : 0;
      b.instance(FIRST_FOO + 0x10L * i, 1, FOO, w.values().id(next).i4(i + 1));
    }
    b.instance(A_STRING, 1, STRING, w.values().id(STRING_BYTES).u1(0)); // coder 0: LATIN1
    b.byteArray(STRING_BYTES, (byte) 'a', (byte) 'b', (byte) 'c');
    b.intArray(INTS, 0, 0, 0, 0);
    return b.objectArray(SESSIONS, 1, OBJECT_ARRAY, FIRST_FOO, A_STRING);
  }

  private static Bytes roots(HprofWriter w) {
    return w.body().rootStickyClass(OBJECT).rootJniGlobal(INTS, 0x77).rootJavaFrame(FIRST_FOO, THREAD, 0);
  }

  private static Bytes androidRoots(Bytes b) {
    return b.rootInternedString(A_STRING).rootFinalizing(FIRST_FOO).rootDebugger(FIRST_FOO)
        .rootReferenceCleanup(FIRST_FOO).rootVmInternal(FIRST_FOO).rootUnreachable(FIRST_FOO)
        .rootJniMonitor(FIRST_FOO, THREAD, 1);
  }
}
