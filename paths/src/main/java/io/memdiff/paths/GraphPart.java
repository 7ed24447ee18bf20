package io.memdiff.paths;

import io.memdiff.hprof.EdgeLabel;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.ReferenceVisitor;
import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;

/**
 * One part of {@link ObjectGraph#build}'s reading: the references of objects {@code [from, to)}, read
 * from their records into edges of its own, each object's offset counted from the part's start, and
 * the objects' shallow sizes. The graph joins the parts once all are read.
 */
final class GraphPart {
  /** Objects per call of the per-object loop (see {@link #read}). */
  private static final int CHUNK = 1 << 14;

  final EdgeBlocks edges = new EdgeBlocks();
  long dangling;
  IntArrayList weakSources = new IntArrayList();
  IntArrayList weakTargets = new IntArrayList();
  IntArrayList weakKinds = new IntArrayList();
  IntArrayList weakSlots = new IntArrayList();
  Int2LongOpenHashMap largeShallow = new Int2LongOpenHashMap();

  static GraphPart read(HeapIndex index, ReferenceKinds kinds, int[] classObjects, boolean[] rootClasses, int from,
      int to, int[] offsets, byte[] shallow, int unit) {
    GraphPart p = new GraphPart();
    Filler filler = new Filler(index, kinds, classObjects, rootClasses, p);
    // In chunks: a short method called often is compiled and entered like any other, where one
    // long loop on each of two threads waits for on-stack replacement, which one thread can miss
    // for most of the phase, reading its half in the interpreter meanwhile.
    for (int chunk = from; chunk < to; chunk += CHUNK) {
      fill(index, filler, chunk, Math.min(to, chunk + CHUNK), offsets, shallow, unit, p);
    }
    p.dangling = filler.dangling;
    return p;
  }

  private static void fill(HeapIndex index, Filler filler, int from, int to, int[] offsets, byte[] shallow, int unit,
      GraphPart p) {
    EdgeBlocks edges = p.edges;
    for (int o = from; o < to; o++) {
      offsets[o] = edges.offset();
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

  /**
   * Takes one object's references as the index reads them: an edge each, but a weakening field's
   * apart, and the instance's class only when no root holds the class.
   */
  private static final class Filler implements ReferenceVisitor {
    final HeapIndex index;
    final ReferenceKinds kinds;
    /** Object index of each class's mirror, −1 when the dump lacks it. */
    final int[] classObjects;
    /** Per class, whether it is a root ({@link ClassRoots}): instances of the others reference it. */
    final boolean[] rootClasses;
    final EdgeBlocks edges;
    final GraphPart part;
    int source;
    int sourceClass;
    long dangling;

    Filler(HeapIndex index, ReferenceKinds kinds, int[] classObjects, boolean[] rootClasses, GraphPart part) {
      this.index = index;
      this.kinds = kinds;
      this.classObjects = classObjects;
      this.rootClasses = rootClasses;
      this.edges = part.edges;
      this.part = part;
    }

    @Override
    public void reference(int label, long targetAddress) {
      if (EdgeLabel.kind(label) == EdgeLabel.CLASS_OF) {
        int mirror = classObjects[sourceClass];
        if (mirror < 0) {
          dangling++; // counted like any reference to an absent object
        } else if (!rootClasses[sourceClass]) {
          edges.add(mirror, EdgeSlots.encode(label)); // a class no root holds: its instances do
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
        if (weak != ReferenceKinds.STRONG_FIELD) {
          if (weak != ReferenceKinds.IGNORED_FIELD) {
            part.weakSources.add(source);
            part.weakTargets.add(t);
            part.weakKinds.add(weak);
            part.weakSlots.add(EdgeSlots.encode(label));
          }
          return;
        }
      }
      edges.add(t, EdgeSlots.encode(label));
    }
  }
}
