package io.memdiff.testdata.synthetic;

import io.memdiff.testdata.Hprof;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One synthetic dump's records in HotSpot's order (JDK 17): names, classes, stack traces, then segments
 * with the class dumps, the objects and the roots. The structures' addresses are laid out first, since
 * statics and roots point at objects written later.
 */
final class DumpContents {
  private static final int THREAD_SERIAL = 1;
  private static final int THREAD_TRACE = 2;

  private final HprofSink out;
  private final SubRecords records;
  private final HeapClasses c;
  private final ClassTable t;
  private final HeapPlan plan;
  private final int index;
  private final long seed;
  private final Structures s;

  DumpContents(HprofSink out, SubRecords records, HeapClasses classes, Tally tally, HeapPlan plan, int index,
      long seed) {
    this.out = out;
    this.records = records;
    this.c = classes;
    this.t = classes.table;
    this.plan = plan;
    this.index = index;
    this.seed = seed;
    t.placeMirrors(SyntheticHeap.HEAP_BASE, SyntheticHeap.MIRROR_SLOT);
    this.s = new Structures(records, classes, ObjectLayout.forIdSize(out.idSize()), tally, t.mirrorsEnd());
  }

  void write() throws IOException {
    // The layout: where each structure starts, in the order they are written.
    long loader = s.cursor();
    long threadName = loader + s.size(c.appClassLoader);
    long thread = threadName + s.size(c.string) + s.byteArraySize(4);
    long stores = thread + s.size(c.thread);
    long storesArray = stores + s.size(c.arrayList);
    long firstStore = storesArray + s.objectArraySize(HeapPlan.STORES);
    long storeUnit = s.size(c.sessionStore) + s.size(c.object);
    long batch = firstStore + HeapPlan.STORES * storeUnit;
    long recent = batch + s.batchSize(HeapPlan.BATCH_LISTS);
    long tree = recent + s.listSize(plan.recentSessions(), HeapPlan.RECENT_PAYLOAD);
    long garbageEarly = plan.garbageSessions() / 2;
    long firstMap = tree + s.treeSize(plan.treeEntries(), HeapPlan.TREE_PAYLOAD)
        + garbageEarly * s.sessionSize(HeapPlan.GARBAGE_PAYLOAD);
    long mapSize = s.sessionMapSize(plan.sessionsPerStore(), HeapPlan.STORE_PAYLOAD);
    long cache = firstMap + HeapPlan.STORES * mapSize;
    long leak = cache + s.hashMapSize(plan.cacheEntries(index), s.cacheEntrySize())
        + (plan.garbageSessions() - garbageEarly) * s.sessionSize(HeapPlan.GARBAGE_PAYLOAD);

    t.appLoader(loader);
    t.addStatic(c.registry, "SESSIONS", leak);
    t.addStatic(c.app, "STORES", stores);
    t.addStatic(c.app, "RECENT", recent);
    t.addStatic(c.app, "INDEX", tree);
    t.addStatic(c.app, "CACHE", cache);

    SyntheticHeap.header(out, index);
    Symbols symbols = new Symbols();
    t.writeNames(out, symbols);
    stackTraces(symbols);
    t.writeDumps(records, symbols);

    s.instance(c.appClassLoader).id(0).id(0);
    s.instance(c.string).id(threadName + s.size(c.string)).u4(0).u1(0).u1(1);
    s.bytes(4).bytes("main".getBytes(StandardCharsets.US_ASCII));
    s.instance(c.thread).id(threadName).u8(1).u4(5).u1(0).id(loader);
    s.instance(c.arrayList).id(storesArray).u4(HeapPlan.STORES).u4(HeapPlan.STORES);
    HprofSink elements = s.objectArray(c.objectArray, HeapPlan.STORES);
    for (int i = 0; i < HeapPlan.STORES; i++) {
      elements.id(firstStore + i * storeUnit);
    }
    for (int i = 0; i < HeapPlan.STORES; i++) {
      long store = s.cursor();
      s.instance(c.sessionStore).id(firstMap + i * mapSize).id(store + s.size(c.sessionStore)).u8(i);
      s.instance(c.object);
    }
    at(batch, s.batch(HeapPlan.BATCH_LISTS, recent, plan.recentSessions()));
    at(recent, s.sessionList(plan.recentSessions(), HeapPlan.RECENT_PAYLOAD, seed));
    at(tree, s.sessionTree(plan.treeEntries(), HeapPlan.TREE_PAYLOAD, seed));
    s.garbage(garbageEarly, HeapPlan.GARBAGE_PAYLOAD, seed);
    for (int i = 0; i < HeapPlan.STORES; i++) {
      at(firstMap + i * mapSize, s.sessionMap(plan.sessionsPerStore(), HeapPlan.STORE_PAYLOAD, seed));
    }
    at(cache, s.cacheMap(plan.cacheEntries(index), seed));
    s.garbage(plan.garbageSessions() - garbageEarly, HeapPlan.GARBAGE_PAYLOAD, seed);
    at(leak, s.sessionMap(plan.leaked(index), HeapPlan.LEAK_PAYLOAD, seed));

    records.jniGlobal(loader, 0x10);
    records.threadObject(thread, THREAD_SERIAL, THREAD_TRACE);
    records.javaFrame(batch, THREAD_SERIAL, 0);
  }

  /** HotSpot's empty trace 1, which every object record names, and the main thread's two frames. */
  private void stackTraces(Symbols symbols) throws IOException {
    int id = out.idSize();
    out.u1(Hprof.TRACE).u4(0).u4(12).u4(1).u4(0).u4(0);
    String[][] frames = {{"handle", "(Ljava/util/List;)V", "42"}, {"main", "([Ljava/lang/String;)V", "17"}};
    long source = symbols.write(out, "App.java");
    for (int f = 0; f < frames.length; f++) {
      long name = symbols.write(out, frames[f][0]);
      long signature = symbols.write(out, frames[f][1]);
      out.u1(Hprof.FRAME).u4(0).u4(4L * id + 8).id(f + 1).id(name).id(signature).id(source).u4(c.app + 1)
          .u4(Integer.parseInt(frames[f][2]));
    }
    out.u1(Hprof.TRACE).u4(0).u4(12L + 2 * id).u4(THREAD_TRACE).u4(THREAD_SERIAL).u4(2).id(1).id(2);
  }

  private static void at(long planned, long written) {
    if (planned != written) {
      throw new IllegalStateException("structure planned at 0x" + Long.toHexString(planned) + " written at 0x"
          + Long.toHexString(written));
    }
  }
}
