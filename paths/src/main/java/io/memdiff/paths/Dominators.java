package io.memdiff.paths;

import io.memdiff.hprof.work.Parts;
import io.memdiff.hprof.work.Tasks;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The dominator tree of the reachable heap and each object's retained size. The graph is the strong
 * references under a virtual root whose children are {@link Reachability}'s roots. A
 * soft/weak/finalizer/phantom referent keeps nothing alive, so an object that only such referents
 * reach is another child of the virtual root, and the references of such objects into strongly
 * reachable ones are left out: what they hold is garbage once the referents are cleared, so they
 * change no strongly reachable object's dominator. Unreachable objects dominate and retain only
 * themselves. {@link DominatorSearch} and {@link DominatorBuilder} make the tree; this class answers
 * questions about it.
 */
public final class Dominators {
  private final ObjectGraph graph;
  /** Objects in the tree: positions run from 1 to count (the arrays may be longer). */
  private final int count;
  // Per position 1..count of the dominator tree's preorder (its roots' subtrees one after another):
  // the retained size, the end (exclusive) of the subtree that starts there, and the object there.
  // The retained size is nearly always an unsigned int of retainedUnit bytes, retainedHigh null;
  // else bytes, a long in two ints, low half first, and retainedUnit 1.
  private final int[] retainedLow;
  private final int[] retainedHigh;
  private final int retainedUnit;
  private final int[] subtreeEnd;
  private final int[] objectAt;
  /** One bit per object: whether the search reached it (the others retain only themselves). */
  private final long[] reached;
  /** The objects held twice and their owners (see {@link HeldTwice}). */
  private final HeldTwice heldTwice;
  // Per object, its position in the tree and its immediate dominator: 4 bytes per object each that
  // the analysis itself does without, so each is built when a caller first asks about single objects.
  private int[] positionOf;
  private int[] idomOf;

  Dominators(ObjectGraph graph, int count, int[] retainedLow, int[] retainedHigh, int retainedUnit,
      int[] subtreeEnd, int[] objectAt, long[] reached, HeldTwice heldTwice) {
    this.graph = graph;
    this.count = count;
    this.retainedLow = retainedLow;
    this.retainedHigh = retainedHigh;
    this.retainedUnit = retainedUnit;
    this.subtreeEnd = subtreeEnd;
    this.objectAt = objectAt;
    this.reached = reached;
    this.heldTwice = heldTwice;
  }

  /**
   * @param releaseEdges drop the graph's strong edges once the depth-first search has read them (see
   *     {@link ObjectGraph#releaseEdges}), for a caller that needs them no more
   */
  public static Dominators compute(Reachability reach, boolean releaseEdges) {
    return DominatorBuilder.complete(DominatorSearch.strong(reach), releaseEdges, h -> {});
  }

  /** @param batch references of one object the depth-first search pushes at a time (tests try small ones) */
  static Dominators compute(Reachability reach, boolean releaseEdges, int batch) {
    return DominatorBuilder.complete(DominatorSearch.strong(reach, batch), releaseEdges, h -> {});
  }

  /**
   * Every object's immediate dominator ({@link #idom}), as one array to read in a loop over all
   * objects without a call per object; the caller must not change it.
   */
  public int[] immediateDominators() {
    return idomOf();
  }

  /** The objects more than one strong reference reaches, and their owners. */
  public HeldTwice heldTwice() {
    return heldTwice;
  }

  /**
   * Immediate dominator: an object index, {@link ParentLinks#VIRTUAL_ROOT} for a root and an object
   * only soft/weak/finalizer/phantom referents reach, or {@link ParentLinks#NO_OBJECT} when unreachable.
   */
  public int idom(int object) {
    return idomOf()[object];
  }

  /**
   * Retained bytes of a few objects, in the order given: one sweep over the tree's order, where the
   * first {@link #retained(int)} builds that order's inverse for every object (an int each), time
   * and fresh memory out of all proportion to the few dozen path steps a caller prints.
   */
  public long[] retained(int[] objects) {
    long[] out = new long[objects.length];
    long[] wanted = new long[reached.length];
    Int2IntOpenHashMap position = new Int2IntOpenHashMap(objects.length);
    for (int o : objects) {
      wanted[o >>> 6] |= 1L << o;
    }
    for (int i = 1; i <= count; i++) {
      int o = objectAt[i];
      if (isSet(wanted, o)) {
        position.put(o, i);
      }
    }
    for (int k = 0; k < objects.length; k++) {
      int o = objects[k];
      int i = position.getOrDefault(o, -1);
      out[k] = i < 0 ? graph.shallowSize(o) : retainedAt(i);
    }
    return out;
  }

  public long retained(int object) {
    if (!isSet(reached, object)) {
      return graph.shallowSize(object);
    }
    return retainedAt(positionOf()[object]);
  }

  public long shallow(int object) {
    return graph.shallowSize(object);
  }

  /**
   * Retained bytes of groups of objects (classes, sites): the sum over a group's members that no other
   * member of the same group dominates, so nothing is counted twice. A big tree is swept in parts,
   * one per core: the random read of each position's group is most of the sweep, and the other cores
   * are often idle here, the last dump of a diff waiting on it.
   *
   * @param groupOf group of each object, or −1 for none
   */
  public long[] retainedByGroup(int[] groupOf, int groups) {
    return retainedByGroup(groupOf, groups, PARALLEL_SWEEP, Tasks.cores());
  }

  /** The fewest positions a part of {@link #retainedByGroup}'s sweep takes. */
  private static final int PARALLEL_SWEEP = 1 << 20;

  /** @param minimumPart the fewest positions a part takes; @param cores at most this many parts (tests vary both) */
  long[] retainedByGroup(int[] groupOf, int groups, int minimumPart, int cores) {
    int parts = Math.max(1, Math.min(cores, count / Math.max(1, minimumPart)));
    long[][] partTotals = new long[parts][];
    List<Runnable> work = new ArrayList<>(parts);
    for (int k = 0; k < parts; k++) {
      int part = k;
      int from = 1 + (int) ((long) count * k / parts);
      int to = 1 + (int) ((long) count * (k + 1) / parts);
      work.add(() -> partTotals[part] = sweep(groupOf, groups, from, to));
    }
    // Daemon threads of their own, not the common pool: in a diff, the next dump's first pass, read
    // ahead meanwhile, may hold its one worker, and a part would wait for it.
    Tasks.all("memdiff-sweep", work);
    long[] totals = partTotals[0];
    for (int k = 1; k < parts; k++) {
      for (int g = 0; g < groups; g++) {
        totals[g] += partTotals[k][g];
      }
    }
    // Unreachable members retain only themselves.
    for (int o = 0; o < groupOf.length; o++) {
      if (groupOf[o] >= 0 && !isSet(reached, o)) {
        totals[groupOf[o]] += graph.shallowSize(o);
      }
    }
    return totals;
  }

  /**
   * The members' part of {@link #retainedByGroup} for positions {@code [from, to)}, in preorder,
   * counting per group the members whose subtrees are open: a member counts when no other member of
   * its group is open above it. The sweep starts with the members among {@code from}'s ancestors
   * open, found down from the roots, as a sweep from the first position would have them there.
   */
  private long[] sweep(int[] groupOf, int groups, int from, int to) {
    long[] totals = new long[groups];
    int[] open = new int[groups];
    OpenMembers stack = new OpenMembers();
    for (int a = 1; a < from; ) {
      if (subtreeEnd[a] > from) {
        int gr = groupOf[objectAt[a]];
        if (gr >= 0) {
          open[gr]++;
          stack.push(subtreeEnd[a], gr);
        }
        a++; // its first child
      } else {
        a = subtreeEnd[a]; // its next sibling
      }
    }
    for (int i = from; i < to; i++) {
      while (stack.top > 0 && stack.end[stack.top - 1] <= i) {
        open[stack.group[--stack.top]]--;
      }
      int gr = groupOf[objectAt[i]];
      if (gr >= 0) {
        if (open[gr] == 0) {
          totals[gr] += retainedAt(i);
        }
        open[gr]++;
        stack.push(subtreeEnd[i], gr);
      }
    }
    return totals;
  }

  /** The members whose subtrees are open at a sweep's position: where each ends, and its group. */
  private static final class OpenMembers {
    int[] end = new int[64];
    int[] group = new int[64];
    int top;

    void push(int subtreeEnd, int g) {
      if (top == end.length) {
        end = Arrays.copyOf(end, 2 * top);
        group = Arrays.copyOf(group, 2 * top);
      }
      end[top] = subtreeEnd;
      group[top++] = g;
    }
  }

  private synchronized int[] positionOf() {
    if (positionOf == null) {
      int[] p = new int[graph.nodeCount()];
      for (int i = 1; i <= count; i++) {
        p[objectAt[i]] = i;
      }
      positionOf = p;
    }
    return positionOf;
  }

  private synchronized int[] idomOf() {
    if (idomOf == null) {
      idomOf = immediateDominators(PARALLEL_SWEEP / 2);
    }
    return idomOf;
  }

  /**
   * Every object's immediate dominator, made anew: the tree's order in parts of at least
   * {@code minimumPart} positions on the machine's cores (tests try small ones), each part starting
   * with its first position's ancestors open, as retainedByGroup's sweep does.
   */
  int[] immediateDominators(int minimumPart) {
    int[] d = new int[graph.nodeCount()];
    Arrays.fill(d, ParentLinks.NO_OBJECT);
    Parts.run(1, count + 1, minimumPart, "memdiff-idoms", (from, to) -> idomsOf(d, from, to));
    return d;
  }

  /** The immediate dominators of the objects at positions {@code [from, to)} of the tree's order. */
  private void idomsOf(int[] d, int from, int to) {
    // The dominator of a position is the innermost subtree still open there.
    int[] open = new int[64];
    int top = 0;
    for (int a = 1; a < from; ) {
      if (subtreeEnd[a] > from) {
        if (top == open.length) {
          open = Arrays.copyOf(open, 2 * top);
        }
        open[top++] = a;
        a++; // its first child
      } else {
        a = subtreeEnd[a]; // its next sibling
      }
    }
    for (int i = from; i < to; i++) {
      while (top > 0 && subtreeEnd[open[top - 1]] <= i) {
        top--;
      }
      d[objectAt[i]] = top == 0 ? ParentLinks.VIRTUAL_ROOT : objectAt[open[top - 1]];
      if (top == open.length) {
        open = Arrays.copyOf(open, 2 * top);
      }
      open[top++] = i;
    }
  }

  /** Whether the retained sizes are kept as ints of units (tests). */
  boolean retainedInUnits() {
    return retainedHigh == null;
  }

  /** The retained bytes at a position of the tree. */
  private long retainedAt(int position) {
    return retainedHigh == null
        ? (retainedLow[position] & 0xFFFF_FFFFL) * retainedUnit
        : toLong(retainedLow[position], retainedHigh[position]);
  }

  /** A retained size from the two ints the tree keeps it in, low half first. */
  static long toLong(int low, int high) {
    return (low & 0xFFFF_FFFFL) | ((long) high << 32);
  }

  private static boolean isSet(long[] bits, int i) {
    return (bits[i >>> 6] & 1L << i) != 0;
  }
}
