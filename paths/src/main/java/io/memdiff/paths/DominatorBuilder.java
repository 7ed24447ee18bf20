package io.memdiff.paths;

import io.memdiff.hprof.work.Memory;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Builds the {@link Dominators} tree from a {@link DominatorSearch}: semidominators by
 * Lengauer–Tarjan (simple link/eval with iterative path compression: no recursion to overflow on a
 * million-long list), immediate dominators by the semi-NCA rule, then retained sizes summed up the
 * tree and the tree laid out in preorder, each step in the arrays the one before has spent.
 */
final class DominatorBuilder {
  /** {@link Compression}'s ancestor of a vertex not linked into the forest yet. */
  private static final int UNLINKED = -1;

  private DominatorBuilder() {}

  /**
   * The pass's second half, once {@link Reachability#search} is done: the search goes on from the
   * soft/weak/finalizer/phantom referents into objects nothing strong reaches, each a child of the
   * virtual root; then Lengauer–Tarjan, retained sizes and the tree's order.
   *
   * @param ownersKnown told the objects held twice and their owners as soon as they are known, before
   *     retained sizes and the tree's order are made
   */
  static Dominators complete(DominatorSearch search, boolean releaseEdges, Consumer<HeldTwice> ownersKnown) {
    ObjectGraph g = search.graph;
    try {
      search.runFromReferents();
    } catch (RuntimeException | Error e) {
      search.stopReadingAheadAfter(e);
      throw e;
    }
    search.stopReadingAhead();
    Pairs pairs = search.pairs;
    int count = search.count;
    int[] dfnum = search.dfnum;
    int[] vertex = search.vertex;
    int[] parent = search.parent;
    long[] visited = search.visited;
    long[] heldTwice = search.heldTwice;
    int[] heldTwiceNumbers = search.heldTwiceNumbers;
    search.release();
    // The search was the edges' last reader: their arrays become two of the arrays below, where
    // long enough, instead of garbage for a collection to reclaim before fresh arrays are made. One
    // that will not do is let go now, before the pair sort and those arrays are allocated.
    int[] spareStarts = null;
    int[] spareTargets = null;
    if (releaseEdges) {
      spareStarts = reusable(g.edgeStarts(), count);
      spareTargets = g.chunkCount() == 1 ? reusable(g.edgeTargets()[0], count) : null;
      g.releaseEdges();
    }

    // (Step 1 is the search: see DominatorSearch.) 2. The non-tree predecessors, sorted by target:
    // Lengauer–Tarjan visits targets from the last number down, so it takes each target's pairs from
    // the end of each chunk. The strong run's are sorted already.
    pairs.sortByTarget(search.strongPairs, count);

    // 3. Semidominators by Lengauer–Tarjan's link/eval, then immediate dominators by the semi-NCA
    // rule (idom(w) is the nearest dominator-tree ancestor of parent(w) numbered at most semi(w)),
    // which needs no buckets. The spent numbering array takes the semidominators and the search's
    // parent array stays: a fresh array costs its first touch, and with edges into roots left out,
    // path compression runs for few predecessors, so keeping a vertex's four fields in one cache
    // line (one array of stride 4, which fits in no hole the search's garbage leaves) gains little.
    Memory.collectForReuse(); // the search's stack and the edges' slots are garbage now
    int[] semi = dfnum.length > count ? dfnum : null;
    dfnum = null;
    int[] label = spareStarts;
    int[] ancestor = spareTargets;
    spareStarts = null;
    spareTargets = null;
    // A fresh array only where no spent one will do, each once nothing holds the array it replaces.
    semi = semi != null ? semi : new int[count + 1];
    label = label != null ? label : new int[count + 1];
    ancestor = ancestor != null ? ancestor : new int[count + 1];
    unlinked(semi, label, ancestor, count);
    semidominators(semi, label, ancestor, parent, pairs, count);
    pairs = null;
    // Labels are done with: the immediate dominator of w goes in its place (0 stays 0).
    int[] dom = label;
    immediateDominators(dom, semi, parent, count);
    // The owners the route table asks for, read while the dominators are still by number.
    int[] heldTwiceBase = HeldTwice.rankBase(heldTwice);
    HeldTwice held = new HeldTwice(heldTwice, heldTwiceBase,
        owners(dom, vertex, heldTwiceNumbers, heldTwice, heldTwiceBase));
    // The route table needs no more of the tree: it goes on while the rest is made.
    ownersKnown.accept(held);

    // 4. Retained bytes and subtree sizes, summed up the dominator tree in depth-first numbers (a
    // dominator precedes the vertices it dominates). The spent semidominator and ancestor arrays
    // take the retained bytes, a long in two ints; the parent array takes the subtree sizes.
    int[] retainedLow = semi;
    int[] retainedHigh = ancestor;
    ancestor = null;
    int[] size = parent;
    sumUp(g, dom, vertex, retainedLow, retainedHigh, size, count);

    // Nearly always every retained size fits an int in units of the object alignment: the tree then
    // keeps one array of them, and the other is the spare the move below writes into (which then
    // moves one array fewer).
    int unit = g.shallowSizeUnit();
    int[] spare = null;
    if (toUnits(retainedLow, retainedHigh, count, unit)) {
      spare = retainedHigh;
      retainedHigh = null;
    } else {
      unit = 1;
    }

    // 5. The dominator tree in preorder, positions 1..count, so a subtree is a run of positions that
    // retainedByGroup sweeps without building the tree. A vertex is placed before those it
    // dominates, at the next free position of its dominator; the dominator array then holds the
    // vertex's own next free position, and once its last child is placed, the end of its subtree.
    int[] end = dom;
    place(end, size, count);
    // Each vertex moves to its position (end − size) with its retained size and its object, one
    // array at a time into a spare one, whose place the moved array then takes. A permutation in
    // place, cycle by cycle, needed no spare, but went through all the arrays at random at once:
    // from a heap larger than memory, paging each in and out.
    int[] position = size;
    positions(position, end, count);
    spare = spare != null ? spare : new int[count + 1];
    int[][] moved = retainedHigh != null ? new int[][] {retainedLow, retainedHigh, end, vertex}
        : new int[][] {retainedLow, end, vertex};
    for (int k = 0; k < moved.length; k++) {
      int[] from = moved[k];
      move(from, position, spare, count);
      moved[k] = spare;
      spare = from;
    }
    int m = 0;
    retainedLow = moved[m++];
    retainedHigh = retainedHigh != null ? moved[m++] : null;
    end = moved[m++];
    vertex = moved[m];
    return new Dominators(g, count, retainedLow, retainedHigh, unit, end, vertex, visited, held);
  }

  /**
   * Turns the retained bytes of vertices 1..count into unsigned ints of units in {@code low}, if each
   * is a whole number of units below 2^32 of them; else leaves them as they were and says so.
   */
  private static boolean toUnits(int[] low, int[] high, int count, int unit) {
    int shift = Integer.bitCount(unit) == 1 ? Integer.numberOfTrailingZeros(unit) : -1;
    for (int w = 1; w <= count; w++) {
      long bytes = Dominators.toLong(low[w], high[w]);
      long units = shift >= 0 ? bytes >>> shift : bytes / unit;
      if (units * unit != bytes || units >>> 32 != 0) {
        for (int v = 1; v < w; v++) {
          low[v] = (int) ((low[v] & 0xFFFF_FFFFL) * unit); // the low half of its bytes again
        }
        return false;
      }
      low[w] = (int) units;
    }
    return true;
  }

  /**
   * A spent array to reuse for one of {@code count + 1} entries, or null: it must be long enough, and
   * not much longer, since it lives on in the tree (a heap with many references per object has far
   * more edges).
   */
  private static int[] reusable(int[] a, int count) {
    return a != null && a.length > count && a.length - count <= count / 4 + 1 ? a : null;
  }

  // The loops over every root, weak edge and vertex are methods of their own, here as in the other
  // steps: complete runs once per dump, and a loop in it had C2 compile all of it with everything it
  // calls inlined.

  /** Step 3 of {@link #complete}, first: every vertex its own semidominator and label, and unlinked. */
  private static void unlinked(int[] semi, int[] label, int[] ancestor, int count) {
    for (int w = 0; w <= count; w++) {
      semi[w] = w;
      label[w] = w;
      ancestor[w] = UNLINKED;
    }
  }

  /**
   * Step 5 of {@link #complete}, first: each vertex's position in the tree's preorder, as described
   * there; {@code dom} becomes the end array.
   */
  private static void place(int[] dom, int[] size, int count) {
    int[] end = dom;
    end[0] = 1; // the virtual root's next free position
    for (int w = 1; w <= count; w++) {
      int d = dom[w];
      int position = end[d];
      end[d] = position + size[w];
      end[w] = position + 1;
    }
  }

  /** Step 3 of {@link #complete}: semidominators by Lengauer–Tarjan's link/eval (see there). */
  private static void semidominators(int[] semi, int[] label, int[] ancestor, int[] parent, Pairs pairs,
      int count) {
    Compression compression = new Compression(semi, label, ancestor);
    // Each chunk is a run sorted by target, read from its end: w's pairs are at the ends of them all.
    int runs = pairs.chunkCount();
    long[][] run = new long[runs][];
    int[] next = new int[runs];
    for (int c = 0; c < runs; c++) {
      run[c] = pairs.chunk(c);
      next[c] = pairs.length(c) - 1;
    }
    for (int w = count; w >= 1; w--) {
      // The tree edge: the parent precedes w and is not linked yet, so it is its own candidate.
      int semiW = parent[w];
      for (int c = 0; c < runs; c++) {
        long[] chunk = run[c];
        int pair = next[c];
        for (; pair >= 0 && (int) (chunk[pair] >>> 32) == w; pair--) {
          int v = (int) chunk[pair];
          if (v < w) {
            // Not processed yet, hence not linked: eval(v) = v and semi(v) = v.
            if (v < semiW) {
              semiW = v;
            }
          } else {
            int semiU = semi[compression.eval(v)];
            if (semiU < semiW) {
              semiW = semiU;
            }
          }
        }
        next[c] = pair;
      }
      semi[w] = semiW;
      ancestor[w] = parent[w];
    }
  }

  /**
   * The object of each listed vertex's immediate dominator ({@link ParentLinks#VIRTUAL_ROOT} for 0),
   * at the rank of the vertex's object among the set bits of {@code heldTwice}.
   */
  private static int[] owners(int[] dom, int[] vertex, int[] numbers, long[] heldTwice, int[] base) {
    int[] owner = new int[numbers.length];
    for (int w : numbers) {
      int d = dom[w];
      owner[HeldTwice.rank(heldTwice, base, vertex[w])] = d == 0 ? ParentLinks.VIRTUAL_ROOT : vertex[d];
    }
    return owner;
  }

  /** Step 3 of {@link #complete}, continued: the semi-NCA rule, into {@code dom}. */
  private static void immediateDominators(int[] dom, int[] semi, int[] parent, int count) {
    for (int w = 1; w <= count; w++) {
      int semiW = semi[w];
      int d = parent[w];
      while (d > semiW) {
        d = dom[d];
      }
      dom[w] = d;
    }
  }

  /** Step 4 of {@link #complete}: retained bytes and subtree sizes, summed up the dominator tree. */
  private static void sumUp(ObjectGraph g, int[] dom, int[] vertex, int[] retainedLow, int[] retainedHigh,
      int[] size, int count) {
    for (int w = 1; w <= count; w++) {
      long shallow = g.shallowSize(vertex[w]);
      retainedLow[w] = (int) shallow;
      retainedHigh[w] = (int) (shallow >>> 32);
      size[w] = 1;
    }
    for (int w = count; w >= 1; w--) {
      int d = dom[w];
      if (d != 0) {
        long sum = Dominators.toLong(retainedLow[d], retainedHigh[d])
            + Dominators.toLong(retainedLow[w], retainedHigh[w]);
        retainedLow[d] = (int) sum;
        retainedHigh[d] = (int) (sum >>> 32);
        size[d] += size[w];
      }
    }
  }

  /** Step 5 of {@link #complete}: each vertex's preorder position, end − size, in place of its size. */
  private static void positions(int[] size, int[] end, int count) {
    for (int w = 1; w <= count; w++) {
      size[w] = end[w] - size[w];
    }
  }

  /** Step 5 of {@link #complete}: {@code from}'s entries 1..count to their positions in {@code to}. */
  private static void move(int[] from, int[] position, int[] to, int count) {
    to[0] = from[0];
    for (int w = 1; w <= count; w++) {
      to[position[w]] = from[w];
    }
  }

  /** Lengauer–Tarjan's eval with iterative path compression. */
  private static final class Compression {
    private final int[] semi;
    private final int[] label;
    private final int[] ancestor;
    private int[] stack = new int[1 << 10];

    Compression(int[] semi, int[] label, int[] ancestor) {
      this.semi = semi;
      this.label = label;
      this.ancestor = ancestor;
    }

    int eval(int v) {
      if (ancestor[v] == UNLINKED) {
        return v;
      }
      // Collect the path, then fold labels from the top down.
      int top = 0;
      int x = v;
      while (ancestor[ancestor[x]] != UNLINKED) {
        if (top == stack.length) {
          stack = Arrays.copyOf(stack, 2 * stack.length);
        }
        stack[top++] = x;
        x = ancestor[x];
      }
      while (top > 0) {
        x = stack[--top];
        int a = ancestor[x];
        if (semi[label[a]] < semi[label[x]]) {
          label[x] = label[a];
        }
        ancestor[x] = ancestor[a];
      }
      return label[v];
    }
  }
}
