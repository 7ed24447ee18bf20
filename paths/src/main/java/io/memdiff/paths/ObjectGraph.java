package io.memdiff.paths;

import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.work.Tasks;
import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.ArrayList;
import java.util.List;

/**
 * The strong references of a dump as compressed sparse rows over object indexes: the targets of
 * object {@code o} are {@code targets[first[o] .. first[o+1])}. References through a weakening field
 * (see {@link ReferenceKinds}) are kept apart in a short list, with their kind. Targets absent from
 * the dump are counted and dropped. Edge labels are not stored: a path's labels are recovered by
 * re-reading the few objects on it.
 *
 * <p>An instance's reference to its class is left out: every class is a root ({@link Reachability}
 * takes them first), so such an edge is on no shortest path and changes no dominator, while every
 * instance has one, which makes them a large share of a heap's references. The few references to
 * classes from fields, statics and arrays stay.
 */
public final class ObjectGraph {
  private final HeapIndex index;
  private final int nodeCount;
  private final int edgeCount;
  // The strong edges; null after releaseEdges.
  private int[] first;
  private int[] targets;
  /** Per edge, how the source holds the target, as an {@link EdgeSlots} code (one byte). */
  private byte[] slots;
  private final int[] weakSources;
  private final int[] weakTargets;
  private final byte[] weakKinds;
  private final byte[] weakSlots;
  private final long danglingReferences;
  /**
   * Shallow sizes in a byte each, counted in units of the layout's alignment (every estimate is a
   * multiple of it), so up to 255 units: 2040 bytes at the usual 8. A size that does not fit is 0
   * here and kept in {@link #largeShallow}: objects that large are rare in real heaps. An int per
   * object was 3 bytes more per object at the analysis's peak; the map costs about 16 bytes per
   * entry, so this saves memory while fewer than about a fifth of the objects are that large.
   */
  private byte[] shallowUnits;
  private int shallowUnit;
  private Int2LongOpenHashMap largeShallow;
  /** Per class index, whether the class is a root (see {@link ClassRoots}). */
  private boolean[] rootClasses;

  private ObjectGraph(HeapIndex index, int[] first, int[] targets, byte[] slots, IntArrayList weakSources,
      IntArrayList weakTargets, IntArrayList weakKinds, IntArrayList weakSlots, long dangling) {
    this.index = index;
    this.nodeCount = first.length - 1;
    this.edgeCount = first[first.length - 1];
    this.first = first;
    this.targets = targets;
    this.slots = slots;
    this.weakSlots = new byte[weakSlots.size()];
    for (int i = 0; i < this.weakSlots.length; i++) {
      this.weakSlots[i] = (byte) weakSlots.getInt(i);
    }
    this.weakSources = weakSources.toIntArray();
    this.weakTargets = weakTargets.toIntArray();
    this.weakKinds = new byte[weakKinds.size()];
    for (int i = 0; i < this.weakKinds.length; i++) {
      this.weakKinds[i] = (byte) weakKinds.getInt(i);
    }
    this.danglingReferences = dangling;
  }

  /**
   * Reads every object's references in index order and resolves each target by address. The object
   * range is cut into a part per core, each read on a thread of its own into blocks of its own as it
   * goes; the rows are then copied into arrays of their final size. A first pass that counted each
   * part's references, so the parts could write into final arrays at once, read every reference
   * twice, which cost this phase far more CPU than one copy of the rows does. The price is a
   * somewhat higher peak RSS, as the blocks are resident beside the dump's pages.
   */
  public static ObjectGraph build(HeapIndex index) {
    return build(index, () -> {});
  }

  /**
   * @param afterReading run once every record has been read, before the rows' final arrays are
   *     allocated: where the caller can let go of the dump's pages, so they and both copies of the
   *     rows are never resident at once
   */
  public static ObjectGraph build(HeapIndex index, Runnable afterReading) {
    int n = index.objectCount();
    ReferenceKinds kinds = new ReferenceKinds(index.catalog());
    int[] classObjects = classObjects(index);
    boolean[] rootClasses = ClassRoots.of(index.catalog());
    int parts = (int) Math.max(1, Math.min(Tasks.cores(), n / MIN_PART));
    int[] bound = new int[parts + 1];
    for (int k = 1; k <= parts; k++) {
      bound[k] = (int) ((long) n * k / parts);
    }
    int[] offsets = new int[n + 1];
    byte[] shallow = new byte[n]; // filled while each record is at hand; the parts write disjoint ranges
    int unit = index.shallowSizeUnit();
    GraphPart[] read = new GraphPart[parts];
    List<Runnable> reads = new ArrayList<>(parts);
    for (int k = 0; k < parts; k++) {
      int part = k;
      reads.add(() -> read[part] = GraphPart.read(index, kinds, classObjects, rootClasses, bound[part], bound[part + 1],
          offsets, shallow, unit));
    }
    Tasks.all("memdiff-graph", reads);
    afterReading.run();
    long total = 0;
    long[] start = new long[parts];
    for (int k = 0; k < parts; k++) {
      start[k] = total;
      total += read[k].edges.size();
    }
    if (total > MAX_EDGES) {
      throw new IllegalStateException("more than 2^31 references are not supported yet: " + total);
    }
    int[] targets = new int[(int) total];
    byte[] slots = new byte[(int) total];
    List<Runnable> copies = new ArrayList<>(parts);
    for (int k = 0; k < parts; k++) {
      int part = k;
      copies.add(() -> {
        read[part].edges.copyTo(targets, slots, (int) start[part]);
        if (part > 0) {
          shiftUp(offsets, bound[part], bound[part + 1], (int) start[part]);
        }
      });
    }
    Tasks.all("memdiff-graph", copies);
    offsets[n] = (int) total;
    GraphPart first = read[0];
    long dangling = first.dangling;
    for (int k = 1; k < parts; k++) {
      GraphPart p = read[k];
      first.weakSources.addAll(p.weakSources);
      first.weakTargets.addAll(p.weakTargets);
      first.weakKinds.addAll(p.weakKinds);
      first.weakSlots.addAll(p.weakSlots);
      first.largeShallow.putAll(p.largeShallow);
      dangling += p.dangling;
    }
    ObjectGraph g = new ObjectGraph(index, offsets, targets, slots, first.weakSources, first.weakTargets,
        first.weakKinds, first.weakSlots, dangling);
    g.shallowUnits = shallow;
    g.shallowUnit = unit;
    g.largeShallow = first.largeShallow;
    g.rootClasses = rootClasses;
    return g;
  }

  /** The fewest objects a thread of {@link #build} reads. */
  private static final int MIN_PART = 1 << 16;

  /** The most strong edges a graph holds: its edge indexes are ints. */
  static final long MAX_EDGES = Integer.MAX_VALUE - 16;

  // The loops of build are methods of their own: build runs once per dump, and a loop in it had C2
  // compile all of build with everything it calls inlined, taking a core from the analysis for code
  // that runs once.

  /** Each class's object index, by class index. */
  private static int[] classObjects(HeapIndex index) {
    int[] classObjects = new int[index.catalog().classCount()];
    for (int c = 0; c < classObjects.length; c++) {
      classObjects[c] = index.indexOf(index.catalog().classAt(c).classId());
    }
    return classObjects;
  }

  private static void shiftUp(int[] offsets, int from, int to, int by) {
    for (int o = from; o < to; o++) {
      offsets[o] += by;
    }
  }

  public HeapIndex index() {
    return index;
  }

  /** Whether the class at this index is a GC root (see {@link ClassRoots}). */
  boolean isRootClass(int classIndex) {
    return rootClasses == null || rootClasses[classIndex];
  }

  public int nodeCount() {
    return nodeCount;
  }

  /** Strong edges, counted when built (also after {@link #releaseEdges}). */
  public int edgeCount() {
    return edgeCount;
  }

  /**
   * Drops the strong edges (firstEdge, endEdge, target and slot fail from here on), for when the
   * passes that read them are done: in {@link HeapAnalysis} the dominator pass's search is the last,
   * and the memory is what its next arrays need. Shallow sizes and the weak edges stay.
   */
  public void releaseEdges() {
    first = null;
    targets = null;
    slots = null;
  }

  /**
   * Drops the edges' slots (slot fails from here on): only the shortest-paths search reads them, and
   * the dominator pass's arrays, allocated next, take their room.
   */
  public void releaseSlots() {
    slots = null;
  }

  public int firstEdge(int node) {
    return first[node];
  }

  public int endEdge(int node) {
    return first[node + 1];
  }

  public int target(int edge) {
    return targets[edge];
  }

  /** The {@link EdgeSlots} code of an edge. */
  public byte slot(int edge) {
    return slots[edge];
  }

  // The arrays themselves, for the searches' loops: held in locals, they stay loop-invariant across
  // the rare calls those loops make, where a field read through the graph is read again each edge.

  /** Per node, its first edge; node + 1's is its end (see {@link #firstEdge}). */
  int[] edgeStarts() {
    return first;
  }

  /** Per edge, its target (see {@link #target}). */
  int[] edgeTargets() {
    return targets;
  }

  /** Per edge, its {@link EdgeSlots} code (see {@link #slot}). */
  byte[] edgeSlots() {
    return slots;
  }

  public byte weakSlot(int i) {
    return weakSlots[i];
  }

  public int weakEdgeCount() {
    return weakSources.length;
  }

  public int weakSource(int i) {
    return weakSources[i];
  }

  public int weakTarget(int i) {
    return weakTargets[i];
  }

  /** A {@link Reachability} kind: soft, weak, phantom or finalizer. */
  public byte weakKind(int i) {
    return weakKinds[i];
  }

  /** The unit every shallow size is a multiple of (see {@link HeapIndex#shallowSizeUnit}). */
  int shallowSizeUnit() {
    return shallowUnit;
  }

  /** Estimated shallow size of each object (see {@link HeapIndex#shallowSize}). */
  public long shallowSize(int object) {
    int units = shallowUnits[object] & 0xFF;
    return units != 0 ? (long) units * shallowUnit : largeShallow.get(object);
  }

  /** References to ids with no object in the dump (HotSpot with CDS writes hundreds). */
  public long danglingReferences() {
    return danglingReferences;
  }
}
