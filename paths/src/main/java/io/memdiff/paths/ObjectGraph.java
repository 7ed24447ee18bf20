package io.memdiff.paths;

import io.memdiff.hprof.EdgeLabel;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.Memory;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.util.concurrent.CompletableFuture;

/**
 * The strong references of a dump as compressed sparse rows over object indexes: the targets of
 * object {@code o} are {@code targets[first[o] .. first[o+1])}. References through a weakening field
 * (see {@link ReferenceKinds}) are kept apart in a short list, with their kind. Targets absent from
 * the dump are counted and dropped. Edge labels are not stored: a path's labels are recovered by
 * re-reading the few objects on it.
 *
 * <p>An instance's reference to its class is left out: every class is a root ({@link Reachability}
 * takes them first), so such an edge is on no shortest path and changes no dominator, while it is
 * one in every two or three references of a typical heap (11.4 M of 26.4 M on the 0.64 GB benchmark
 * dump). The few references to classes from fields, statics and arrays stay.
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
   * here and kept in {@link #largeShallow}: objects of more than 2 KB are 0.1–0.6 % of those in the
   * real dumps of the project's corpus and 21 of the benchmark's 13.7 M. An int per object was 3
   * bytes more per object at the analysis's peak (41 MB there); the map costs about 16 bytes per
   * entry, so this saves memory while fewer than about a fifth of the objects are that large.
   */
  private byte[] shallowUnits;
  private int shallowUnit;
  private it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap largeShallow;

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
   * range is split in two halves read on two threads. A first, cheaper pass counts the non-null
   * references of each half, so the rows are allocated once, at their final size, and each half fills
   * its own stretch; the few references dropped on the way (absent targets, weakening fields) leave a
   * gap that is closed by moving the second half down.
   */
  public static ObjectGraph build(HeapIndex index) {
    int n = index.objectCount();
    ReferenceKinds kinds = new ReferenceKinds(index.catalog());
    int[] classObjects = classObjects(index);
    int mid = n / 2;
    CompletableFuture<Long> secondCount = CompletableFuture.supplyAsync(() -> countReferences(index, mid, n));
    long firstCount = countReferences(index, 0, mid);
    long bound = firstCount + secondCount.join();
    if (bound > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("more than 2^31 references are not supported yet: " + bound);
    }
    CompletableFuture<int[]> targetsAside = Memory.intsAside((int) bound);
    int[] offsets = new int[n + 1];
    byte[] slots = new byte[(int) bound];
    byte[] shallow = new byte[n]; // filled while each record is at hand; the halves write disjoint ranges
    int unit = Math.max(1, index.catalog().layout().align());
    int[] targets = targetsAside.join();
    CompletableFuture<Part> second = CompletableFuture.supplyAsync(
        () -> Part.read(index, kinds, classObjects, mid, n, (int) firstCount, offsets, targets, slots, shallow, unit));
    Part first = Part.read(index, kinds, classObjects, 0, mid, 0, offsets, targets, slots, shallow, unit);
    Part last = second.join();
    int gap = (int) firstCount - first.end;
    if (gap > 0) {
      System.arraycopy(targets, (int) firstCount, targets, first.end, last.end - (int) firstCount);
      System.arraycopy(slots, (int) firstCount, slots, first.end, last.end - (int) firstCount);
      shiftDown(offsets, mid, n, gap);
    }
    offsets[n] = last.end - gap;
    first.weakSources.addAll(last.weakSources);
    first.weakTargets.addAll(last.weakTargets);
    first.weakKinds.addAll(last.weakKinds);
    first.weakSlots.addAll(last.weakSlots);
    ObjectGraph g = new ObjectGraph(index, offsets, targets, slots, first.weakSources, first.weakTargets,
        first.weakKinds, first.weakSlots, first.dangling + last.dangling);
    g.shallowUnits = shallow;
    g.shallowUnit = unit;
    g.largeShallow = first.largeShallow;
    g.largeShallow.putAll(last.largeShallow);
    return g;
  }

  // The loops of build are methods of their own: build runs once per dump, and a loop in it had C2
  // compile all of build with everything it calls inlined (0.3 s of a core in a three-dump diff).

  /** Each class's object index, by class index. */
  private static int[] classObjects(HeapIndex index) {
    int[] classObjects = new int[index.catalog().classCount()];
    for (int c = 0; c < classObjects.length; c++) {
      classObjects[c] = index.indexOf(index.catalog().classAt(c).classId());
    }
    return classObjects;
  }

  private static void shiftDown(int[] offsets, int from, int to, int gap) {
    for (int o = from; o < to; o++) {
      offsets[o] -= gap;
    }
  }

  /** Objects per call of the per-object loops (see {@link Part#read}). */
  private static final int CHUNK = 1 << 14;

  private static long countReferences(HeapIndex index, int from, int to) {
    long count = 0;
    for (int chunk = from; chunk < to; chunk += CHUNK) {
      count += countChunk(index, chunk, Math.min(to, chunk + CHUNK));
    }
    return count;
  }

  private static long countChunk(HeapIndex index, int from, int to) {
    long count = 0;
    for (int o = from; o < to; o++) {
      count += index.referenceCountWithoutClassOf(o);
    }
    return count;
  }

  /** The references of objects {@code [from, to)}, written from {@code start} on. */
  private static final class Part {
    int end;
    long dangling;
    IntArrayList weakSources = new IntArrayList();
    IntArrayList weakTargets = new IntArrayList();
    IntArrayList weakKinds = new IntArrayList();
    IntArrayList weakSlots = new IntArrayList();
    it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap largeShallow = new it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap();

    static Part read(HeapIndex index, ReferenceKinds kinds, int[] classObjects, int from, int to, int start,
        int[] offsets, int[] targets, byte[] slots, byte[] shallow, int unit) {
      Part p = new Part();
      Filler filler = new Filler(index, kinds, classObjects, targets, slots, p);
      filler.size = start;
      // In chunks: a short method called often is compiled and entered like any other, where one
      // long loop on each of two threads waits for on-stack replacement, which one thread can miss
      // for seconds (measured: the same half took 0.4 s on one thread, 2.7-3.3 s on the other).
      for (int chunk = from; chunk < to; chunk += CHUNK) {
        fill(index, filler, chunk, Math.min(to, chunk + CHUNK), offsets, shallow, unit, p);
      }
      p.end = filler.size;
      p.dangling = filler.dangling;
      return p;
    }

    private static void fill(HeapIndex index, Filler filler, int from, int to, int[] offsets, byte[] shallow, int unit,
        Part p) {
      for (int o = from; o < to; o++) {
        offsets[o] = filler.size;
        filler.source = o;
        filler.sourceClass = index.classIndexOf(o);
        index.forEachReference(o, filler);
        long size = index.shallowSize(o);
        long units = size / unit;
        if (units * unit == size && units >= 1 && units <= 255) {
          shallow[o] = (byte) units;
        } else {
          p.largeShallow.put(o, size); // its byte stays 0
        }
      }
    }
  }

  public HeapIndex index() {
    return index;
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

  /** Estimated shallow size of each object (see {@link HeapIndex#shallowSize}). */
  public long shallowSize(int object) {
    int units = shallowUnits[object] & 0xFF;
    return units != 0 ? (long) units * shallowUnit : largeShallow.get(object);
  }

  /** References to ids with no object in the dump (HotSpot with CDS writes hundreds). */
  public long danglingReferences() {
    return danglingReferences;
  }

  private static final class Filler implements io.memdiff.hprof.ReferenceVisitor {
    final HeapIndex index;
    final ReferenceKinds kinds;
    /** Object index of each class's mirror, −1 when the dump lacks it. */
    final int[] classObjects;
    final int[] targets;
    final byte[] slots;
    final Part part;
    int size;
    int source;
    int sourceClass;
    long dangling;

    Filler(HeapIndex index, ReferenceKinds kinds, int[] classObjects, int[] targets, byte[] slots, Part part) {
      this.index = index;
      this.kinds = kinds;
      this.classObjects = classObjects;
      this.targets = targets;
      this.slots = slots;
      this.part = part;
    }

    @Override
    public void reference(int label, long targetAddress) {
      if (EdgeLabel.kind(label) == EdgeLabel.CLASS_OF) {
        if (classObjects[sourceClass] < 0) {
          dangling++; // counted like any reference to an absent object
        }
        return;
      }
      int t = index.indexOf(targetAddress);
      if (t < 0) {
        dangling++;
        return;
      }
      if (EdgeLabel.kind(label) == EdgeLabel.FIELD) {
        byte weak = kinds.weakening(sourceClass, EdgeLabel.value(label));
        if (weak != 0) {
          if (weak != Reachability.IGNORED) {
            part.weakSources.add(source);
            part.weakTargets.add(t);
            part.weakKinds.add(weak);
            part.weakSlots.add(EdgeSlots.encode(label));
          }
          return;
        }
      }
      slots[size] = EdgeSlots.encode(label);
      targets[size++] = t;
    }
  }
}
