package io.memdiff.paths;

import io.memdiff.hprof.EdgeLabel;
import io.memdiff.hprof.HeapIndex;
import it.unimi.dsi.fastutil.ints.IntArrayList;

/**
 * The strong references of a dump as compressed sparse rows over object indexes: the targets of
 * object {@code o} are {@code targets[first[o] .. first[o+1])}. References through a weakening field
 * (see {@link ReferenceKinds}) are kept apart in a short list, with their kind. Targets absent from
 * the dump are counted and dropped. Edge labels are not stored: a path's labels are recovered by
 * re-reading the few objects on it.
 */
public final class ObjectGraph {
  private final HeapIndex index;
  private final int[] first;
  private final int[] targets;
  /** Per edge, how the source holds the target, as an {@link EdgeSlots} code (one byte). */
  private final byte[] slots;
  private final int[] weakSources;
  private final int[] weakTargets;
  private final byte[] weakKinds;
  private final byte[] weakSlots;
  private final long danglingReferences;
  private long[] shallow;

  private ObjectGraph(HeapIndex index, int[] first, int[] targets, byte[] slots, IntArrayList weakSources,
      IntArrayList weakTargets, IntArrayList weakKinds, IntArrayList weakSlots, long dangling) {
    this.index = index;
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
   * Reads every object's references once, in index order, and resolves each target by address. The
   * object range is split in two halves read on two threads; the halves are then joined.
   */
  public static ObjectGraph build(HeapIndex index) {
    int n = index.objectCount();
    ReferenceKinds kinds = new ReferenceKinds(index.catalog());
    int mid = n / 2;
    long[] shallow = new long[n]; // filled while each record is at hand; the halves write disjoint ranges
    java.util.concurrent.CompletableFuture<Part> second =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> Part.read(index, kinds, mid, n, shallow));
    Part first = Part.read(index, kinds, 0, mid, shallow);
    Part last = second.join();
    long total = (long) first.size + last.size;
    if (total > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("more than 2^31 references are not supported yet: " + total);
    }
    int[] offsets = new int[n + 1];
    System.arraycopy(first.first, 0, offsets, 0, mid);
    for (int o = mid; o < n; o++) {
      offsets[o] = last.first[o - mid] + first.size;
    }
    offsets[n] = (int) total;
    int[] targets = java.util.Arrays.copyOf(first.targets, (int) total);
    System.arraycopy(last.targets, 0, targets, first.size, last.size);
    byte[] slots = java.util.Arrays.copyOf(first.slots, (int) total);
    System.arraycopy(last.slots, 0, slots, first.size, last.size);
    first.weakSources.addAll(last.weakSources);
    first.weakTargets.addAll(last.weakTargets);
    first.weakKinds.addAll(last.weakKinds);
    first.weakSlots.addAll(last.weakSlots);
    ObjectGraph g = new ObjectGraph(index, offsets, targets, slots, first.weakSources, first.weakTargets,
        first.weakKinds, first.weakSlots, first.dangling + last.dangling);
    g.shallow = shallow;
    return g;
  }

  /** The references of objects {@code [from, to)}. */
  private static final class Part {
    int[] first;
    int[] targets;
    byte[] slots;
    int size;
    long dangling;
    IntArrayList weakSources = new IntArrayList();
    IntArrayList weakTargets = new IntArrayList();
    IntArrayList weakKinds = new IntArrayList();
    IntArrayList weakSlots = new IntArrayList();

    static Part read(HeapIndex index, ReferenceKinds kinds, int from, int to, long[] shallow) {
      Part p = new Part();
      p.first = new int[to - from];
      // Upper bound per object from headers alone, so targets[] is allocated once.
      long bound = 0;
      for (int o = from; o < to; o++) {
        bound += upperBound(index, o);
      }
      if (bound > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("more than 2^31 references are not supported yet: " + bound);
      }
      Filler filler = new Filler(index, kinds, new int[(int) bound], new byte[(int) bound], p);
      for (int o = from; o < to; o++) {
        p.first[o - from] = filler.size;
        filler.source = o;
        filler.sourceClass = index.classIndexOf(o);
        index.forEachReference(o, filler);
        shallow[o] = index.shallowSize(o);
      }
      p.targets = filler.targets;
      p.slots = filler.slots;
      p.size = filler.size;
      p.dangling = filler.dangling;
      return p;
    }
  }

  private static long upperBound(HeapIndex index, int o) {
    return switch (index.kind(o)) {
      case HeapIndex.KIND_INSTANCE -> index.classOf(o).referenceFieldOffsets().length + 1L;
      case HeapIndex.KIND_OBJECT_ARRAY -> index.arrayLength(o);
      case HeapIndex.KIND_CLASS -> {
        var c = index.classDescribedBy(o);
        yield c == null || c.dump() == null ? 0 : c.dump().staticTypes().length + 4L;
      }
      default -> 0;
    };
  }

  public HeapIndex index() {
    return index;
  }

  public int nodeCount() {
    return first.length - 1;
  }

  public int edgeCount() {
    return targets.length;
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
    return shallow[object];
  }

  /** The shallow sizes array itself, for the dominator pass to start its retained sizes from. */
  long[] shallowSizes() {
    return shallow;
  }

  /** References to ids with no object in the dump (HotSpot with CDS writes hundreds). */
  public long danglingReferences() {
    return danglingReferences;
  }

  private static final class Filler implements io.memdiff.hprof.ReferenceVisitor {
    final HeapIndex index;
    final ReferenceKinds kinds;
    final int[] targets;
    final byte[] slots;
    final Part part;
    int size;
    int source;
    int sourceClass;
    long dangling;

    Filler(HeapIndex index, ReferenceKinds kinds, int[] targets, byte[] slots, Part part) {
      this.index = index;
      this.kinds = kinds;
      this.targets = targets;
      this.slots = slots;
      this.part = part;
    }

    @Override
    public void reference(int label, long targetAddress) {
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
