package io.memdiff.testdata.scenarios;

import java.lang.ref.SoftReference;
import java.lang.ref.WeakReference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/** One dump ({@code path-shapes.hprof}) of the shapes GC-root paths must name and size right. */
public final class PathShapes {
  public static final int ENTRIES = 250;
  public static final int LISTENERS = 40;
  public static final int LINKS = 1_000_000;
  public static final int CYCLE = 3;
  /** Each Tree holds two long[TREE_LONGS] that nothing else references. */
  public static final int TREE_LONGS = 1000;
  public static final String BUFFER_THREAD = "buffer-thread";

  public static final class Entry {
    final int n;

    Entry(int n) {
      this.n = n;
    }
  }

  public static final class Listener {}

  public static final class Buffer {
    final byte[] bytes = new byte[4096];
  }

  public static final class WeakOnly {}

  public static final class SoftOnly {}

  public static final class Link {
    Link next;
  }

  public static final class CycleNode {
    CycleNode next;
  }

  public static final class Tree {
    final long[] left = new long[TREE_LONGS];
    final long[] right = new long[TREE_LONGS];
  }

  static final Map<String, Entry> REGISTRY = new HashMap<>();
  static final List<Listener> LISTENER_LIST = new ArrayList<>();
  static final WeakReference<WeakOnly> WEAK = new WeakReference<>(new WeakOnly());
  static SoftReference<SoftOnly> soft;
  static Link chain;
  static CycleNode cycle;
  static Tree tree;
  static final ThreadLocal<Buffer> BUFFER = new ThreadLocal<>();

  private PathShapes() {}

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < ENTRIES; i++) {
      REGISTRY.put("entry-" + i, new Entry(i));
    }
    for (int i = 0; i < LISTENERS; i++) {
      LISTENER_LIST.add(new Listener());
    }
    SoftOnly softTarget = new SoftOnly();
    soft = new SoftReference<>(softTarget);
    for (int i = 0; i < LINKS; i++) {
      Link l = new Link();
      l.next = chain;
      chain = l;
    }
    CycleNode a = new CycleNode();
    CycleNode b = new CycleNode();
    CycleNode c = new CycleNode();
    a.next = b;
    b.next = c;
    c.next = a;
    cycle = a;
    tree = new Tree();
    CountDownLatch ready = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      BUFFER.set(new Buffer());
      ready.countDown();
      while (true) {
        LockSupport.park();
      }
    }, BUFFER_THREAD);
    t.setDaemon(true);
    t.start();
    ready.await();
    softTarget = null;
    Dumps.dump(Path.of(args[0]), "path-shapes.hprof");
    Thread.yield();
    if (WEAK.get() == null && soft.get() == null) {
      System.err.println("note: weak and soft targets were already cleared");
    }
  }
}
