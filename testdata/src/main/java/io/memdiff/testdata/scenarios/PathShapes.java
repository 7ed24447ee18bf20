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

/**
 * One dump ({@code path-shapes.hprof}, not live) of the shapes GC-root paths must name and size right:
 * a static HashMap registry, a ThreadLocal buffer on a named thread, listeners in a static list, objects
 * only weakly and softly reachable, a million-long linked list, a cycle, and a tree of known retained size.
 */
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
  static WeakReference<WeakOnly> weak;
  static SoftReference<SoftOnly> soft;
  static Link chain;
  static CycleNode cycle;
  static Tree tree;
  static final ThreadLocal<Buffer> BUFFER = new ThreadLocal<>();

  private PathShapes() {}

  /** In a method of its own, so no frame of main holds a node as a local root. */
  private static CycleNode makeCycle() {
    CycleNode a = new CycleNode();
    CycleNode b = new CycleNode();
    CycleNode c = new CycleNode();
    a.next = b;
    b.next = c;
    c.next = a;
    return a;
  }

  public static void main(String[] args) throws Exception {
    for (int i = 0; i < ENTRIES; i++) {
      REGISTRY.put("entry-" + i, new Entry(i));
    }
    for (int i = 0; i < LISTENERS; i++) {
      LISTENER_LIST.add(new Listener());
    }
    for (int i = 0; i < LINKS; i++) {
      Link l = new Link();
      l.next = chain;
      chain = l;
    }
    cycle = makeCycle();
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
    // Made last and dumped without a GC (live=false), so the referents are still there: a live dump's
    // full GC would clear the weak one. Unreachable garbage then shows up too, labelled as such.
    weak = new WeakReference<>(new WeakOnly());
    soft = new SoftReference<>(new SoftOnly());
    Dumps.dump(Path.of(args[0]), "path-shapes.hprof", false);
  }
}
