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
 *
 * <p>A Java array holds fewer than 2^31 entries, and a heap can have more references than that. So
 * the objects are cut into chunks of 2^{@link #chunkShift} consecutive indexes, each with arrays of
 * its own for its targets and slots, as few as keep each chunk's under the limit: nearly always one.
 * {@code first} stays one array, of edge positions counted over all chunks and kept modulo 2^32: an
 * object's row is {@code first[o + 1] - first[o]} long (exact, as every chunk has fewer than 2^31
 * edges), and starts at {@code first[o] - chunkBase[c]} in its chunk {@code c = o >>> chunkShift}.
 * This costs no memory per object or reference, and the searches a few instructions per object.
 */
public final class ObjectGraph {
  private final HeapIndex index;
  private final int nodeCount;
  private final long edgeCount;
  // The strong edges; null after releaseEdges.
  /** Per object, its first edge's position over all chunks, modulo 2^32; one more entry at the end. */
  private int[] first;
  /** Per chunk, the targets of its objects' edges. */
  private int[][] targets;
  /** Per chunk and edge, how the source holds the target, as an {@link EdgeSlots} code (one byte). */
  private byte[][] slots;
  /** Objects {@code [c << chunkShift, (c + 1) << chunkShift)} are chunk c's: 31 for one chunk. */
  private final int chunkShift;
  /**
   * Per chunk, the low 32 bits of the position of its first edge over all chunks, which a row's start
   * in {@code first} less gives the row's start in the chunk; one more entry, for the edge count.
   */
  private final int[] chunkBase;
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

  private ObjectGraph(HeapIndex index, int[] first, Chunks chunks, int[][] targets, byte[][] slots,
      IntArrayList weakSources, IntArrayList weakTargets, IntArrayList weakKinds, IntArrayList weakSlots,
      long dangling) {
    this.index = index;
    this.nodeCount = first.length - 1;
    this.edgeCount = chunks.start[chunks.start.length - 1];
    this.first = first;
    this.targets = targets;
    this.slots = slots;
    this.chunkShift = chunks.shift;
    this.chunkBase = new int[chunks.start.length];
    for (int c = 0; c < chunkBase.length; c++) {
      chunkBase[c] = (int) chunks.start[c];
    }
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
    // Each part's offsets, counted from its start modulo 2^32, become positions over all parts.
    List<Runnable> shifts = new ArrayList<>(parts);
    for (int k = 1; k < parts; k++) {
      int part = k;
      shifts.add(() -> shiftUp(offsets, bound[part], bound[part + 1], (int) start[part]));
    }
    Tasks.all("memdiff-graph", shifts);
    offsets[n] = (int) total;
    Chunks chunks = Chunks.of(offsets, total, maxChunkEdges > 0 ? maxChunkEdges : MAX_EDGES);
    int[][] targets = new int[chunks.count()][];
    byte[][] slots = new byte[chunks.count()][];
    for (int c = 0; c < chunks.count(); c++) {
      int length = (int) (chunks.start[c + 1] - chunks.start[c]);
      targets[c] = new int[length];
      slots[c] = new byte[length];
    }
    List<Runnable> copies = new ArrayList<>(parts);
    for (int k = 0; k < parts; k++) {
      int part = k;
      copies.add(() -> read[part].edges.copyTo(targets, slots, chunks.start, start[part]));
    }
    Tasks.all("memdiff-graph", copies);
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
    ObjectGraph g = new ObjectGraph(index, offsets, chunks, targets, slots, first.weakSources, first.weakTargets,
        first.weakKinds, first.weakSlots, dangling);
    g.shallowUnits = shallow;
    g.shallowUnit = unit;
    g.largeShallow = first.largeShallow;
    g.rootClasses = rootClasses;
    return g;
  }

  /** The fewest objects a thread of {@link #build} reads. */
  private static final int MIN_PART = 1 << 16;

  /** The most edges a chunk holds: the length of its arrays. */
  static final long MAX_EDGES = Integer.MAX_VALUE - 16;

  /** When positive, the most edges a chunk holds instead of {@link #MAX_EDGES}: tests try small ones. */
  static volatile long maxChunkEdges;

  /**
   * How the objects are cut into chunks: the largest power of two of objects per chunk (2^31: one
   * chunk) whose chunks each hold at most {@code max} edges, and where each chunk's edges start.
   */
  record Chunks(int shift, long[] start) {
    int count() {
      return start.length - 1;
    }

    /**
     * @param first each object's first edge's position, modulo 2^32, and the edge count's after the
     *     last
     */
    static Chunks of(int[] first, long total, long max) {
      int n = first.length - 1;
      if (total <= max) {
        return new Chunks(31, new long[] {0, total});
      }
      // The exact positions where chunks of the finest size start; a larger chunk starts at one of them.
      int fine = n < 1 << 20 ? 0 : 10;
      long[] at = new long[(n >>> fine) + 2];
      long position = 0;
      for (int o = 0; o < n; o++) {
        if ((o & ((1 << fine) - 1)) == 0) {
          at[o >>> fine] = position;
        }
        position += first[o + 1] - first[o];
      }
      for (int shift = 30; shift >= fine; shift--) {
        int count = (int) (((long) n + (1L << shift) - 1) >>> shift);
        long[] start = new long[count + 1];
        boolean fits = true;
        for (int c = 0; c < count && fits; c++) {
          start[c] = at[(int) (((long) c << shift) >>> fine)];
          long end = c + 1 < count ? at[(int) (((long) (c + 1) << shift) >>> fine)] : total;
          fits = end - start[c] <= max;
        }
        start[count] = total;
        if (fits) {
          return new Chunks(shift, start);
        }
      }
      throw new IllegalStateException("a run of " + (1 << fine) + " objects holds more than " + max
          + " references, which memdiff does not support");
    }
  }

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
  public long edgeCount() {
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

  /** How many strong references the object has. */
  public int referenceCount(int node) {
    return first[node + 1] - first[node];
  }

  /** The object's {@code k}th strong reference's target, from 0. */
  public int target(int node, int k) {
    int c = node >>> chunkShift;
    return targets[c][first[node] - chunkBase[c] + k];
  }

  // The arrays themselves, for the searches' loops: held in locals, they stay loop-invariant across
  // the rare calls those loops make, where a field read through the graph is read again each edge.

  /** Per node, its first edge's position modulo 2^32; node + 1's is its end (see the class comment). */
  int[] edgeStarts() {
    return first;
  }

  /** Per chunk, the targets of its edges. */
  int[][] edgeTargets() {
    return targets;
  }

  /** Per chunk, its edges' {@link EdgeSlots} codes. */
  byte[][] edgeSlots() {
    return slots;
  }

  /** Object o is in chunk {@code o >>> chunkShift()}. */
  int chunkShift() {
    return chunkShift;
  }

  /** Per chunk, what {@code first[o]} less gives the start of o's row in that chunk's arrays. */
  int[] chunkBases() {
    return chunkBase;
  }

  int chunkCount() {
    return chunkBase.length - 1;
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
