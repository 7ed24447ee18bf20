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
 * One dump ({@link #DUMP_FILE}) of the shapes GC-root paths must name and size right. Argument: output
 * directory. It holds:
 *
 * <ul>
 *   <li>{@link #ENTRIES} {@code $Entry} as values of the static {@code HashMap REGISTRY};
 *   <li>one {@code $Buffer} (with a byte[{@link #BUFFER_BYTES}]) held only by a ThreadLocal of the parked
 *       thread {@link #BUFFER_THREAD};
 *   <li>{@link #LISTENERS} {@code $Listener} in the static {@code ArrayList LISTENER_LIST};
 *   <li>one {@code $WeakOnly} reachable only through the static {@code WeakReference weak}, and one
 *       {@code $SoftOnly} only through the static {@code SoftReference soft};
 *   <li>{@link #LINKS} {@code $Link} in one list from the static {@code chain}, linked by {@code next};
 *   <li>a cycle of {@link #CYCLE} {@code $CycleNode} (field {@code next}) from the static {@code cycle};
 *   <li>one {@code $Tree} from the static {@code tree}, holding two long[{@link #TREE_LONGS}] that only it
 *       references: it retains {@link #treeRetainedBytes}.
 * </ul>
 *
 * <p>The dump is <b>not live</b> ({@link #LIVE}): a live dump's full GC would clear the weak reference.
 * Garbage made while building is therefore in the dump too, unreachable.
 */
public final class PathShapes {
  public static final String DUMP_FILE = "path-shapes.hprof";
  /** Whether the dump runs a full GC first; false so the weakly reachable object is still there. */
  public static final boolean LIVE = false;
  public static final int ENTRIES = 250;
  public static final int LISTENERS = 40;
  public static final int LINKS = 1_000_000;
  public static final int CYCLE = 3;
  public static final int BUFFER_BYTES = 4096;
  /** Each Tree holds two long[TREE_LONGS] that nothing else references. */
  public static final int TREE_LONGS = 1000;
  /** The Tree's retained bytes in HotSpot's default layout (12-byte header, 16-byte array header, 4-byte refs). */
  public static final long TREE_RETAINED_BYTES_DEFAULT_LAYOUT = treeRetainedBytes(12, 16, 4);
  public static final String BUFFER_THREAD = "buffer-thread";

  public static final class Entry {
    final int n;

    Entry(int n) {
      this.n = n;
    }
  }

  public static final class Listener {}

  public static final class Buffer {
    final byte[] bytes = new byte[BUFFER_BYTES];
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

  /**
   * The Tree's retained size for a layout: the Tree (header and two references) plus both long[], each
   * object rounded up to HotSpot's 8-byte alignment.
   */
  public static long treeRetainedBytes(int objectHeaderBytes, int arrayHeaderBytes, int referenceBytes) {
    return align8(objectHeaderBytes + 2L * referenceBytes) + 2 * align8(arrayHeaderBytes + 8L * TREE_LONGS);
  }

  private static long align8(long bytes) {
    return (bytes + 7) & ~7L;
  }

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
    Dumps.dump(Path.of(args[0]), DUMP_FILE, LIVE);
  }
}
