package io.memdiff.paths;

import io.memdiff.hprof.work.Memory;
import io.memdiff.hprof.work.Parts;
import io.memdiff.hprof.work.Tasks;
import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The dominator tree of the reachable heap and each object's retained size: semidominators by
 * Lengauer–Tarjan (simple link/eval with iterative path compression: no recursion to overflow on a
 * million-long list), immediate dominators by the semi-NCA rule. The graph is the strong references
 * under a virtual root whose children are {@link Reachability}'s roots. A soft/weak/finalizer/phantom
 * referent keeps nothing alive, so an object that only such referents reach is another child of the
 * virtual root, and the references of such objects into strongly reachable ones are left out: what
 * they hold is garbage once the referents are cleared, so they change no strongly reachable object's
 * dominator. Unreachable objects dominate and retain only themselves.
 */
public final class Dominators {
  /** {@link #idom} of a root object: the virtual root. */
  public static final int VIRTUAL_ROOT = -2;

  private final ObjectGraph graph;
  /** Objects in the tree: positions run from 1 to count (the arrays may be longer). */
  private final int count;
  // Per position 1..count of the dominator tree's preorder (its roots' subtrees one after another):
  // the retained bytes, a long in two ints, the end (exclusive) of the subtree that starts there,
  // and the object there.
  private final int[] retainedLow;
  private final int[] retainedHigh;
  private final int[] subtreeEnd;
  private final int[] objectAt;
  /** One bit per object: whether the search reached it (the others retain only themselves). */
  private final long[] reached;
  // Per object, its position in the tree and its immediate dominator: 4 bytes per object each that
  // the analysis itself does without, so each is built when a caller first asks about single objects.
  private int[] positionOf;
  private int[] idomOf;

  private Dominators(ObjectGraph graph, int count, int[] retainedLow, int[] retainedHigh, int[] subtreeEnd,
      int[] objectAt, long[] reached) {
    this.graph = graph;
    this.count = count;
    this.retainedLow = retainedLow;
    this.retainedHigh = retainedHigh;
    this.subtreeEnd = subtreeEnd;
    this.objectAt = objectAt;
    this.reached = reached;
  }

  /**
   * @param releaseEdges drop the graph's strong edges once the depth-first search has read them (see
   *     {@link ObjectGraph#releaseEdges}), for a caller that needs them no more
   */
  public static Dominators compute(Reachability reach, boolean releaseEdges) {
    return compute(reach, releaseEdges, BATCH);
  }

  /** @param batch references of one object the depth-first search pushes at a time (tests try small ones) */
  static Dominators compute(Reachability reach, boolean releaseEdges, int batch) {
    return complete(searchStrong(reach, batch), releaseEdges);
  }

  /**
   * The pass's first half: the depth-first search over strong references from the roots. It needs
   * only the roots, so it may run while {@link Reachability#search} is still labelling the heap from
   * the same seed (see {@link HeapAnalysis}); it numbers exactly the strongly reachable objects.
   *
   * @param seeded seeded, searched or not
   */
  static Search searchStrong(Reachability seeded) {
    return searchStrong(seeded, BATCH);
  }

  /** @param batch references of one object the search pushes at a time */
  static Search searchStrong(Reachability seeded, int batch) {
    ObjectGraph g = seeded.graph();
    int n = g.nodeCount();
    int roots = seeded.rootCount();
    int[] rootObjects = new int[roots];
    long[] isRoot = new long[(n + 63) >>> 6];
    for (int r = 0; r < roots; r++) {
      int o = seeded.reachedAt(r);
      rootObjects[r] = o;
      isRoot[o >>> 6] |= 1L << o;
    }
    Search search = new Search(seeded, isRoot, roots, batch);
    search.run(rootObjects, 0);
    search.strongCount = search.count;
    search.strongPairs = search.pairCount;
    // Sorted here, on the search's thread, while the breadth-first search may still run: the
    // second run's pairs all have greater targets, so they need sorting only among themselves.
    sortByTarget(search.pairs, 0, search.pairCount, search.count);
    return search;
  }

  /**
   * The pass's second half, once {@link Reachability#search} is done: the search goes on from the
   * soft/weak/finalizer/phantom referents into objects nothing strong reaches, each a child of the
   * virtual root; then Lengauer–Tarjan, retained sizes and the tree's order.
   */
  static Dominators complete(Search search, boolean releaseEdges) {
    ObjectGraph g = search.graph;
    Reachability reach = search.reach;
    // A referent does not keep its object alive, and what only referents reach is about to be
    // collected, so neither takes part in a strongly reachable object's dominators: the search
    // enters those objects from the virtual root and ignores their references back into the
    // strongly reachable ones.
    search.run(referentSeeds(reach), search.strongCount);
    long[] pairs = search.pairs;
    int pairCount = search.pairCount;
    int count = search.count;
    int[] dfnum = search.dfnum;
    int[] vertex = search.vertex;
    int[] parent = search.parent;
    long[] visited = search.visited;
    search.release();
    if (releaseEdges) {
      g.releaseEdges(); // the search was their last reader: their memory goes to the arrays below
    }

    // (Step 1 is the search: see Search.) 2. The non-tree predecessors, sorted by target:
    // Lengauer–Tarjan visits targets from the last number down, so it takes each target's pairs from
    // the end of the array. The strong run's are sorted already.
    sortByTarget(pairs, search.strongPairs, pairCount, count);

    // 3. Semidominators by Lengauer–Tarjan's link/eval, then immediate dominators by the semi-NCA
    // rule (idom(w) is the nearest dominator-tree ancestor of parent(w) numbered at most semi(w)),
    // which needs no buckets. The spent numbering array takes the semidominators and the search's
    // parent array stays: a fresh array costs its first touch, and with edges into roots left out,
    // path compression runs for few predecessors, so keeping a vertex's four fields in one cache
    // line (one array of stride 4, which fits in no hole the search's garbage leaves) gains little.
    Memory.collectBetweenPhases(); // the search's stack, and the edges when released, are garbage now
    int[] semi = dfnum.length > count ? dfnum : new int[count + 1];
    dfnum = null;
    int[] label = new int[count + 1];
    int[] ancestor = new int[count + 1];
    unlinked(semi, label, ancestor, count);
    semidominators(semi, label, ancestor, parent, pairs, pairCount, count);
    pairs = null;
    // Labels are done with: the immediate dominator of w goes in its place (0 stays 0).
    int[] dom = label;
    immediateDominators(dom, semi, parent, count);

    // 4. Retained bytes and subtree sizes, summed up the dominator tree in depth-first numbers (a
    // dominator precedes the vertices it dominates). The spent semidominator and ancestor arrays
    // take the retained bytes, a long in two ints; the parent array takes the subtree sizes.
    int[] retainedLow = semi;
    int[] retainedHigh = ancestor;
    int[] size = parent;
    sumUp(g, dom, vertex, retainedLow, retainedHigh, size, count);

    // 5. The dominator tree in preorder, positions 1..count, so a subtree is a run of positions that
    // retainedByGroup sweeps without building the tree. A vertex is placed before those it
    // dominates, at the next free position of its dominator; the dominator array then holds the
    // vertex's own next free position, and once its last child is placed, the end of its subtree.
    int[] end = dom;
    place(end, size, count);
    // Each vertex moves to its position (end − size) with its retained bytes and its object: a
    // cycle-by-cycle permutation in place, so the tree costs no memory beyond the arrays it was
    // built in.
    permute(end, size, retainedLow, retainedHigh, vertex, count);
    return new Dominators(g, count, retainedLow, retainedHigh, end, vertex, visited);
  }

  // The loops over every root, weak edge and vertex are methods of their own, here as in the other
  // steps: compute runs once per dump, and a loop in it had C2 compile all of it with everything it
  // calls inlined.

  /**
   * The targets of the referents that reach objects nothing strong reaches, from objects something
   * reaches, in the graph's order: the second search's entries.
   */
  private static int[] referentSeeds(Reachability reach) {
    ObjectGraph g = reach.graph();
    int[] seeds = new int[g.weakEdgeCount()];
    int m = 0;
    for (int i = 0; i < g.weakEdgeCount(); i++) {
      if (weakEdgeCounts(reach, g, i)) {
        seeds[m++] = g.weakTarget(i);
      }
    }
    return Arrays.copyOf(seeds, m);
  }

  /** Step 3 of {@link #compute}, first: every vertex its own semidominator and label, and unlinked. */
  private static void unlinked(int[] semi, int[] label, int[] ancestor, int count) {
    for (int w = 0; w <= count; w++) {
      semi[w] = w;
      label[w] = w;
      ancestor[w] = -1;
    }
  }

  /**
   * Step 5 of {@link #compute}, first: each vertex's position in the tree's preorder, as described
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

  /** Step 3 of {@link #compute}: semidominators by Lengauer–Tarjan's link/eval (see there). */
  private static void semidominators(int[] semi, int[] label, int[] ancestor, int[] parent, long[] pairs,
      int pairCount, int count) {
    Compression compression = new Compression(semi, label, ancestor);
    int pair = pairCount - 1;
    for (int w = count; w >= 1; w--) {
      // The tree edge: the parent precedes w and is not linked yet, so it is its own candidate.
      int semiW = parent[w];
      for (; pair >= 0 && (int) (pairs[pair] >>> 32) == w; pair--) {
        int v = (int) pairs[pair];
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
      semi[w] = semiW;
      ancestor[w] = parent[w];
    }
  }

  /** Step 3 of {@link #compute}, continued: the semi-NCA rule, into {@code dom}. */
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

  /** Step 4 of {@link #compute}: retained bytes and subtree sizes, summed up the dominator tree. */
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
        long sum = toLong(retainedLow[d], retainedHigh[d]) + toLong(retainedLow[w], retainedHigh[w]);
        retainedLow[d] = (int) sum;
        retainedHigh[d] = (int) (sum >>> 32);
        size[d] += size[w];
      }
    }
  }

  /** Step 5 of {@link #compute}: each vertex to its preorder position, cycle by cycle, in place. */
  private static void permute(int[] end, int[] size, int[] retainedLow, int[] retainedHigh, int[] vertex, int count) {
    for (int i = 1; i <= count; i++) {
      int target;
      while ((target = end[i] - size[i]) != i) {
        swap(retainedLow, i, target);
        swap(retainedHigh, i, target);
        swap(end, i, target);
        swap(size, i, target);
        swap(vertex, i, target);
      }
    }
  }

  /** References of one object the depth-first search pushes at a time (see {@link Search#run}). */
  private static final int BATCH = 4096;

  /**
   * The depth-first search, in two runs (see {@link #searchStrong} and {@link #complete}): the
   * numbering, the search tree's parents, and every non-tree edge it examines as a (target, source)
   * pair in depth-first numbers, the only predecessors Lengauer–Tarjan must look up, since a tree
   * edge's source is the parent. No further pass over the graph builds them. Whether an object was
   * visited is a bit (2 MB for 14 M objects: it stays in cache, where the numbers would not); its
   * number is read only for a non-tree edge.
   */
  static final class Search {
    final ObjectGraph graph;
    final Reachability reach;
    private final int batch;
    private long[] isRoot;
    final long[] visited;
    int[] dfnum;
    int[] vertex;
    int[] parent;
    long[] pairs;
    int pairCount;
    /** Objects numbered so far, 1..count; 0 is the virtual root. */
    int count;
    /** Objects the strong run numbered. */
    int strongCount;
    /** Pairs the strong run found: the first ones. */
    int strongPairs;
    private long[] todo;

    Search(Reachability reach, long[] isRoot, int roots, int batch) {
      this.graph = reach.graph();
      this.reach = reach;
      this.isRoot = isRoot;
      this.batch = batch;
      int n = graph.nodeCount();
      visited = new long[(n + 63) >>> 6];
      dfnum = new int[n];
      vertex = new int[n + 1];
      parent = new int[n + 1];
      vertex[0] = -1;
      // Every examined edge is a tree edge of one non-root object or a pair, and edges are examined
      // from reached objects only; with instances' edges to their classes out of the graph, few
      // lead into roots. Unreachable objects are a few per cent and mostly leaves (the slack), so the
      // estimate holds unless the heap is odd, and then the array grows.
      long estimate = (long) graph.edgeCount() - n + roots + n / 16;
      pairs = new long[(int) Math.min(Integer.MAX_VALUE - 16, Math.max(16, estimate))];
      todo = new long[Math.max(16, Math.min(n + 1, 1 << 16))];
    }

    /** Drops what the later steps do not read. */
    void release() {
      isRoot = null;
      todo = null;
      dfnum = null;
      vertex = null;
      parent = null;
      pairs = null;
    }

    /**
     * Numbers everything the seeds reach, each seed a child of the virtual root, in the order given.
     * An edge into a root is not followed (a path through it can always start at the root instead,
     * so it never changes a dominator) and becomes no pair; nor does one into an object numbered
     * at most {@code floor}.
     *
     * <p>An explicit stack of (object, depth-first number of the referrer) entries, marked when
     * popped, so it is exactly a recursive search: a popped object's entries go on top of its
     * siblings'. Entries are pushed in reverse, so references are followed in field order. Reading
     * one object's references in a row, with the visited check of each independent of the others,
     * lets the processor overlap those cache misses instead of waiting on them one by one. An
     * object with more than {@code batch} references pushes them a batch at a time: below each, an
     * entry (−1 − first edge of the rest, the object's number) that pushes the next when popped, so
     * the stack holds at most a batch of entries per object on the path rather than all of a huge
     * array's: 8 bytes per reference, and as much again in the copies left as the stack grows, would
     * be 0.8 GB beside the analysis for a map of 50 M entries (on the 0.64 GB benchmark dump the
     * stack grew to 1.7 M entries; now 0.26 M). The objects are visited in the same order either way.
     * The virtual root's references are the seeds, pushed the same way.
     */
    void run(int[] seeds, int floor) {
      ObjectGraph g = graph;
      long[] isRoot = this.isRoot;
      long[] visited = this.visited;
      int[] dfnum = this.dfnum;
      int[] vertex = this.vertex;
      int[] parent = this.parent;
      long[] pairs = this.pairs;
      long[] todo = this.todo;
      int pairCount = this.pairCount;
      int count = this.count;
      int top = 0;
      todo[top++] = (long) -1 << 32; // the virtual root's references from the first
      while (top > 0) {
        long entry = todo[--top];
        int next = (int) (entry >>> 32);
        int num;
        int firstEdge;
        int endEdge;
        if (next < 0) {
          num = (int) entry;
          firstEdge = -1 - next;
          endEdge = num == 0 ? seeds.length : g.endEdge(vertex[num]);
        } else {
          if (isSet(visited, next)) {
            int d = dfnum[next];
            if (d > floor) {
              if (pairCount == pairs.length) {
                pairs = grow(pairs);
              }
              pairs[pairCount++] = (long) d << 32 | (int) entry;
            }
            continue;
          }
          num = ++count;
          visited[next >>> 6] |= 1L << next;
          dfnum[next] = num;
          vertex[num] = next;
          parent[num] = (int) entry;
          firstEdge = g.firstEdge(next);
          endEdge = g.endEdge(next);
        }
        int batchEnd = endEdge - firstEdge > batch ? firstEdge + batch : endEdge;
        long needed = (long) top + 1 + (batchEnd - firstEdge);
        if (needed > todo.length) {
          todo = Arrays.copyOf(todo, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(2L * todo.length, needed)));
        }
        if (batchEnd < endEdge) {
          todo[top++] = (long) (-1 - batchEnd) << 32 | num;
        }
        if (num == 0) {
          for (int e = batchEnd - 1; e >= firstEdge; e--) {
            todo[top++] = (long) seeds[e] << 32;
          }
          continue;
        }
        for (int e = batchEnd - 1; e >= firstEdge; e--) {
          int target = g.target(e);
          if (isSet(isRoot, target)) {
            continue;
          }
          if (!isSet(visited, target)) {
            todo[top++] = (long) target << 32 | num;
          } else {
            int d = dfnum[target];
            if (d > floor) {
              if (pairCount == pairs.length) {
                pairs = grow(pairs);
              }
              pairs[pairCount++] = (long) d << 32 | num;
            }
          }
        }
      }
      this.pairs = pairs;
      this.todo = todo;
      this.pairCount = pairCount;
      this.count = count;
    }
  }

  /**
   * Sorts the (target, source) pairs in {@code [lo, hi)} by target, the high int: a
   * least-significant-digit radix sort of 16-bit digits over the target's bits only (two passes for
   * up to 2^31 targets), where a sort by the whole long took 0.64 s for 9 M pairs.
   */
  static void sortByTarget(long[] pairs, int lo, int hi, int maxTarget) {
    int n = hi - lo;
    if (n < 2) {
      return;
    }
    long[] from = pairs;
    int fromOffset = lo;
    long[] to = new long[n];
    int toOffset = 0;
    int[] start = new int[1 << 16];
    for (int shift = 32; shift < 64 && (maxTarget >>> (shift - 32)) != 0; shift += 16) {
      Arrays.fill(start, 0);
      countDigits(from, fromOffset, n, shift, start);
      int sum = toOffset;
      for (int d = 0; d < start.length; d++) {
        int c = start[d];
        start[d] = sum;
        sum += c;
      }
      scatter(from, fromOffset, n, shift, start, to);
      long[] t = from;
      from = to;
      to = t;
      int o = fromOffset;
      fromOffset = toOffset;
      toOffset = o;
    }
    if (from != pairs) {
      System.arraycopy(from, fromOffset, pairs, lo, n);
    }
  }

  // The sort's two loops over every pair are methods of their own: each reached C2 by on-stack
  // replacement inside sortByTarget, which compiled all of it once per loop (four compilations of
  // it in a three-dump diff).

  private static void countDigits(long[] from, int offset, int n, int shift, int[] count) {
    for (int i = 0; i < n; i++) {
      count[(int) (from[offset + i] >>> shift) & 0xFFFF]++;
    }
  }

  private static void scatter(long[] from, int offset, int n, int shift, int[] start, long[] to) {
    for (int i = 0; i < n; i++) {
      long p = from[offset + i];
      to[start[(int) (p >>> shift) & 0xFFFF]++] = p;
    }
  }

  private static void swap(int[] a, int i, int j) {
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
  }

  private static long toLong(int low, int high) {
    return (low & 0xFFFF_FFFFL) | ((long) high << 32);
  }

  private static boolean isSet(long[] bits, int i) {
    return (bits[i >>> 6] & 1L << i) != 0;
  }

  /** By half: the pairs' estimate is close, and the array is the pass's largest. */
  private static long[] grow(long[] a) {
    return Arrays.copyOf(a, (int) Math.min(Integer.MAX_VALUE - 16, a.length + (a.length >> 1) + 16));
  }

  private static boolean weakEdgeCounts(Reachability reach, ObjectGraph g, int i) {
    byte l = reach.label(g.weakTarget(i));
    return l != Reachability.STRONG && l != Reachability.UNREACHABLE && reach.label(g.weakSource(i)) != Reachability.UNREACHABLE;
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
      if (ancestor[v] == -1) {
        return v;
      }
      // Collect the path, then fold labels from the top down.
      int top = 0;
      int x = v;
      while (ancestor[ancestor[x]] != -1) {
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

  /**
   * Every object's immediate dominator ({@link #idom}), as one array to read in a loop over all
   * objects without a call per object; the caller must not change it.
   */
  public int[] immediateDominators() {
    return idomOf();
  }

  /** Immediate dominator: an object index, {@link #VIRTUAL_ROOT}, or −1 when unreachable. */
  public int idom(int object) {
    return idomOf()[object];
  }

  /**
   * Retained bytes of a few objects, in the order given: one sweep over the tree's order, where the
   * first {@link #retained(int)} builds that order's inverse for every object (an int each: 0.16 s
   * and 55 MB of fresh memory on 14 M objects, to print a few dozen path steps).
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
      out[k] = i < 0 ? graph.shallowSize(o) : toLong(retainedLow[i], retainedHigh[i]);
    }
    return out;
  }

  public long retained(int object) {
    if (!isSet(reached, object)) {
      return graph.shallowSize(object);
    }
    int position = positionOf()[object];
    return toLong(retainedLow[position], retainedHigh[position]);
  }

  public long shallow(int object) {
    return graph.shallowSize(object);
  }

  /**
   * Retained bytes of groups of objects (classes, sites): the sum over a group's members that no other
   * member of the same group dominates, so nothing is counted twice. A big tree is swept in two halves
   * on two threads: the random read of each position's group is most of the sweep (0.17 s for the
   * 0.64 GB benchmark dump's 13.7 M objects), and the other core is often idle here, the last dump
   * of a diff waiting on it.
   *
   * @param groupOf group of each object, or −1 for none
   */
  public long[] retainedByGroup(int[] groupOf, int groups) {
    return retainedByGroup(groupOf, groups, count >= PARALLEL_SWEEP ? count / 2 + 1 : count + 1);
  }

  /** Positions from which {@link #retainedByGroup} sweeps in two halves. */
  private static final int PARALLEL_SWEEP = 1 << 20;

  /** @param split where the second half of the sweep starts (count + 1: there is none) */
  long[] retainedByGroup(int[] groupOf, int groups, int split) {
    long[] totals;
    if (split > 1 && split <= count) {
      // Not on the common pool: in a diff, the next dump's first pass, read ahead meanwhile, may hold
      // its one worker (on two cores) for a few tenths of a second.
      CompletableFuture<long[]> second = CompletableFuture.supplyAsync(() -> sweep(groupOf, groups, split, count + 1),
          Tasks.named("memdiff-sweep"));
      totals = sweep(groupOf, groups, 1, split);
      long[] rest = second.join();
      for (int g = 0; g < groups; g++) {
        totals[g] += rest[g];
      }
    } else {
      totals = sweep(groupOf, groups, 1, count + 1);
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
          totals[gr] += toLong(retainedLow[i], retainedHigh[i]);
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
    Arrays.fill(d, Reachability.NONE);
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
      d[objectAt[i]] = top == 0 ? VIRTUAL_ROOT : objectAt[open[top - 1]];
      if (top == open.length) {
        open = Arrays.copyOf(open, 2 * top);
      }
      open[top++] = i;
    }
  }
}
