package io.memdiff.paths;

import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.RootKind;
import io.memdiff.hprof.Roots;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The GC roots in the order {@link Reachability}'s searches take them: the classes that are roots,
 * by name (in a Ruby dump, its named classes and modules, then its running threads), then the root
 * records, by kind, thread, frame and the object's class. The order is fixed by names and kinds,
 * never by addresses or the dump's record order where a name decides, so the same program's dumps
 * give the same paths.
 */
final class RootOrder {
  private final ObjectGraph graph;
  private final HeapIndex index;
  private final DumpCatalog catalog;
  private final byte[] label;
  private final int[] queue;
  private final int[] parentPosition;
  private final Int2IntOpenHashMap rootRecordOf;
  private final IntArrayList stackObjects;
  private final IntArrayList stackRecords;
  private int tail;

  private RootOrder(ObjectGraph graph, byte[] label, int[] queue, int[] parentPosition,
      Int2IntOpenHashMap rootRecordOf, IntArrayList stackObjects, IntArrayList stackRecords) {
    this.graph = graph;
    this.index = graph.index();
    this.catalog = index.catalog();
    this.label = label;
    this.queue = queue;
    this.parentPosition = parentPosition;
    this.rootRecordOf = rootRecordOf;
    this.stackObjects = stackObjects;
    this.stackRecords = stackRecords;
  }

  /**
   * Labels each lasting root strong and puts it at the queue's next position, with the virtual root
   * for its parent and the record that made it a root; an object several records name is taken once,
   * at the first. Returns how many there are. The stack roots (frame and JNI locals, monitors, thread
   * blocks) go, in their order, to {@code stackObjects} and {@code stackRecords} instead: they hold
   * an object only while a thread stands where it stood when the dump was taken, so they are searched
   * from only once everything the lasting roots reach is found (see {@link Reachability#search}).
   */
  static int seed(ObjectGraph graph, byte[] label, int[] queue, int[] parentPosition,
      Int2IntOpenHashMap rootRecordOf, IntArrayList stackObjects, IntArrayList stackRecords) {
    RootOrder order = new RootOrder(graph, label, queue, parentPosition, rootRecordOf, stackObjects, stackRecords);
    order.classes();
    if (order.catalog.file().ruby() != null) {
      order.rubyClasses();
      order.rubyThreads();
    }
    order.records();
    return order.tail;
  }

  /** Classes first, by name: a static field is the most telling root of what it holds. */
  private void classes() {
    Integer[] classes = new Integer[catalog.classCount()];
    int classRoots = 0;
    for (int i = 0; i < catalog.classCount(); i++) {
      ClassInfo c = catalog.classAt(i);
      if (!c.isSynthetic() && graph.isRootClass(i)) {
        classes[classRoots++] = i;
      }
    }
    // Ties (one name from several loaders) keep the dump's order, never the addresses', which the
    // collector changes between dumps: a stable sort.
    Arrays.sort(classes, 0, classRoots, Comparator.comparing((Integer i) -> catalog.classAt(i).name()));
    for (int k = 0; k < classRoots; k++) {
      take(index.indexOf(catalog.classAt(classes[k]).classId()), RootRecord.CLASS);
    }
  }

  /**
   * A Ruby dump's named classes and modules, by name, as a JVM's classes: what a constant or a
   * class-level variable holds is then held by its class, as a static field's value is, not by
   * {@code Object} and the VM root above every class.
   */
  private void rubyClasses() {
    long[] addresses = catalog.file().ruby().namedClassObjects();
    Integer[] objects = new Integer[addresses.length];
    String[] names = new String[addresses.length];
    int count = 0;
    for (long address : addresses) {
      int o = index.indexOf(address);
      if (o >= 0) {
        names[count] = catalog.file().ruby().classObjectName(address);
        objects[count++] = o;
      }
    }
    Integer[] order = new Integer[count];
    for (int k = 0; k < count; k++) {
      order[k] = k;
    }
    // One name twice (a class defined again after remove_const) keeps the dump's order, which for a
    // Ruby dump is the heap's.
    Arrays.sort(order, Comparator.comparing((Integer k) -> names[k]).thenComparingInt(k -> objects[k]));
    for (Integer k : order) {
      take(objects[k], RootRecord.CLASS);
    }
  }

  /**
   * A Ruby dump's running threads, in the order the VM lists them (a ractor's references to its
   * threads): a thread holds its stack's objects and its thread-locals ({@code Thread.current[:k]}),
   * so those read as the thread's, as a JVM thread's locals do. A finished thread is no root: what
   * holds its object holds what it keeps.
   */
  private void rubyThreads() {
    boolean[] ractor = classesNamed("Ractor");
    boolean[] thread = classesNamed("Thread");
    for (int o = 0; o < index.objectCount(); o++) {
      if (ractor[index.classIndexOf(o)]) {
        for (int k = 0; k < graph.referenceCount(o); k++) {
          int t = graph.target(o, k);
          if (thread[index.classIndexOf(t)]) {
            take(t, RootRecord.THREAD);
          }
        }
      }
    }
  }

  /** Per class index, whether the class has this name. */
  private boolean[] classesNamed(String name) {
    boolean[] out = new boolean[catalog.classCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = catalog.classAt(i).name().equals(name);
    }
    return out;
  }

  /**
   * Then the root records, by kind, thread, frame and the object's class, ties in the dump's order
   * (the JVM's: handle blocks, frames), not by address.
   */
  private void records() {
    Roots roots = catalog.roots();
    Integer[] records = new Integer[roots.size()];
    for (int i = 0; i < records.length; i++) {
      records[i] = i;
    }
    int[] classOfRoot = new int[records.length];
    for (int i = 0; i < records.length; i++) {
      int o = index.indexOf(roots.objectId(i));
      classOfRoot[i] = o < 0 ? -1 : index.classIndexOf(o);
    }
    Arrays.sort(records, Comparator.comparingInt((Integer i) -> priority(roots.kind(i)))
        .thenComparingInt(roots::threadSerial)
        .thenComparingInt(roots::frameIndex)
        .thenComparing(i -> classOfRoot[i] < 0 ? "" : catalog.classAt(classOfRoot[i]).name()));
    for (Integer r : records) {
      int o = index.indexOf(roots.objectId(r));
      if (isStack(roots.kind(r))) {
        if (o >= 0) {
          stackObjects.add(o);
          stackRecords.add(r.intValue());
        }
      } else {
        take(o, r.intValue());
      }
    }
  }

  /** Takes object {@code o} as the next root, unless it is absent or an earlier record took it. */
  private void take(int o, int record) {
    if (o >= 0 && label[o] == Reachability.UNREACHABLE) {
      label[o] = Reachability.STRONG;
      rootRecordOf.put(o, record);
      parentPosition[tail] = ParentLinks.VIRTUAL_ROOT;
      queue[tail++] = o;
    }
  }

  /** Roots that last only while a thread stands where it stood at the dump. */
  static boolean isStack(RootKind kind) {
    return switch (kind) {
      case JAVA_FRAME, JNI_LOCAL, NATIVE_STACK, THREAD_BLOCK, MONITOR_USED -> true;
      default -> false;
    };
  }

  /** Which root record names an object that several make a root: a thread is best named as itself. */
  private static int priority(RootKind kind) {
    return switch (kind) {
      case THREAD_OBJECT -> 0;
      case JAVA_FRAME -> 1;
      case JNI_LOCAL -> 2;
      case NATIVE_STACK, THREAD_BLOCK -> 3;
      case JNI_GLOBAL -> 4;
      case STICKY_CLASS -> 5;
      case MONITOR_USED -> 6;
      default -> 7 + kind.ordinal();
    };
  }
}
