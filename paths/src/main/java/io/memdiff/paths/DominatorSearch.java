package io.memdiff.paths;

import io.memdiff.hprof.work.Memory;
import io.memdiff.hprof.work.Tasks;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The dominator pass's depth-first search, in two runs ({@link #strong}, then
 * {@link #runFromReferents}): the numbering, the search tree's parents, and every non-tree edge it
 * examines as a (target, source) pair in depth-first numbers, the only predecessors Lengauer–Tarjan
 * must look up, since a tree edge's source is the parent. No further pass over the graph builds them.
 * Whether an object was visited is a bit, which stays in cache where the numbers would not; its number
 * is read only for a non-tree edge. {@link DominatorBuilder} takes it from there.
 */
final class DominatorSearch {
  /** The longest stack. */
  private static final int MAX_ENTRIES = Integer.MAX_VALUE - 16;
  /** References of one object the search pushes at a time (see {@link #run}). */
  private static final int BATCH = 4096;

  final ObjectGraph graph;
  private final Reachability reach;
  private final int batch;
  private long[] isRoot;
  final long[] visited;
  int[] dfnum;
  int[] vertex;
  int[] parent;
  Pairs pairs;
  /** Set by {@link #strong}: see {@link #heldTwice(int)}; the objects as bits, and their numbers. */
  long[] heldTwice;
  int[] heldTwiceNumbers;
  /** Objects numbered so far, 1..count; 0 is the virtual root. */
  int count;
  /** Objects the strong run numbered. */
  int strongCount;
  /** Pairs the strong run found: the first ones. */
  long strongPairs;
  private long[] todo;
  /** Reads ahead of the search from a heap file (see {@link SearchPrefetch}); null in memory. */
  private SearchPrefetch ahead;
  /** Threads reading ahead, for tests; -1: as {@link #aheadThreads} decides. */
  static volatile int forcedAheadThreads = -1;
  /** Objects below which nothing reads ahead: a small graph's pages are soon all in memory. */
  private static final int MIN_AHEAD_OBJECTS = 1 << 18;
  /** Pushes read ahead at most: the newest, which the search pops first (a power of two; tests try small ones). */
  static volatile int aheadPushes = 1 << 14;
  /** Rows read ahead by the last searches' threads, for tests. */
  static final AtomicLong rowsReadAhead = new AtomicLong();

  private DominatorSearch(Reachability reach, long[] isRoot, int roots, int batch) {
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
    long estimate = graph.edgeCount() - n + roots + n / 16;
    pairs = new Pairs(estimate);
    todo = new long[Math.max(16, Math.min(n + 1, 1 << 16))];
  }

  /**
   * The first run: the search over strong references from the roots. It needs only the roots, so it
   * may run while {@link Reachability#search} is still labelling the heap from the same seed (see
   * {@link HeapAnalysis}); it numbers exactly the strongly reachable objects.
   *
   * @param seeded seeded, searched or not
   */
  static DominatorSearch strong(Reachability seeded) {
    return strong(seeded, BATCH);
  }

  /** @param batch references of one object the search pushes at a time (tests try small ones) */
  static DominatorSearch strong(Reachability seeded, int batch) {
    ObjectGraph g = seeded.graph();
    int n = g.nodeCount();
    int[] rootObjects = seeded.rootObjects();
    int roots = rootObjects.length;
    long[] isRoot = new long[(n + 63) >>> 6];
    for (int o : rootObjects) {
      isRoot[o >>> 6] |= 1L << o;
    }
    DominatorSearch search = new DominatorSearch(seeded, isRoot, roots, batch);
    int threads = aheadThreads(n);
    if (threads > 0) {
      search.ahead = new SearchPrefetch(g, search.dfnum, threads, aheadPushes);
    }
    try {
      search.run(rootObjects, 0);
      search.strongCount = search.count;
      search.strongPairs = search.pairs.size();
      // Sorted here, on the search's thread, while the breadth-first search may still run: the
      // second run's pairs all have greater targets, so they need sorting only among themselves.
      search.pairs.sortByTarget(0, search.count);
      search.heldTwice(n);
    } catch (RuntimeException | Error e) {
      search.stopReadingAheadAfter(e); // the second run, which they read ahead of too, will not come
      throw e;
    }
    return search;
  }

  /**
   * Marks the objects a strong reference other than their tree edge reaches, that is the targets of
   * the strong run's pairs, and lists their numbers in increasing order. Any other object has one
   * referrer, which is both its immediate dominator and the breadth-first search's parent.
   */
  private void heldTwice(int n) {
    // The targets as bits by number first, whatever chunk holds them: then counted, so that the list
    // is made once at its length (a list that grows, then copied out, would hold up to three times
    // the numbers at the dominator pass's peak).
    long[] byNumber = new long[(count >>> 6) + 1];
    long left = strongPairs;
    for (int c = 0; left > 0; c++) {
      long[] chunk = pairs.chunk(c);
      int end = (int) Math.min(left, pairs.length(c));
      for (int k = 0; k < end; k++) {
        int target = (int) (chunk[k] >>> 32);
        byNumber[target >>> 6] |= 1L << target;
      }
      left -= end;
    }
    int targets = 0;
    for (long word : byNumber) {
      targets += Long.bitCount(word);
    }
    long[] bits = new long[(n + 63) >>> 6];
    int[] numbers = new int[targets];
    int next = 0;
    for (int i = 0; i < byNumber.length; i++) {
      for (long word = byNumber[i]; word != 0; word &= word - 1) {
        int target = i << 6 | Long.numberOfTrailingZeros(word);
        int o = vertex[target];
        bits[o >>> 6] |= 1L << o;
        numbers[next++] = target;
      }
    }
    heldTwice = bits;
    heldTwiceNumbers = numbers;
  }

  /**
   * The second run, once {@link Reachability#search} is done: from the soft/weak/finalizer/phantom
   * referents into objects nothing strong reaches, each a child of the virtual root. A referent does
   * not keep its object alive, and what only referents reach is about to be collected, so neither
   * takes part in a strongly reachable object's dominators: the search enters those objects from the
   * virtual root and ignores their references back into the strongly reachable ones.
   */
  void runFromReferents() {
    run(referentSeeds(reach), strongCount);
  }

  /**
   * From a heap mapped from a file larger than memory, where the search waits on memory at every
   * object, one thread per core reads ahead of it; in memory, none (there they only take its core).
   */
  private static int aheadThreads(int objects) {
    int forced = forcedAheadThreads;
    if (forced >= 0) {
      return forced;
    }
    return objects >= MIN_AHEAD_OBJECTS && !Memory.heapFitsMachine() ? Tasks.cores() : 0;
  }

  /** Ends the threads reading ahead, once the search is done (or failed). */
  void stopReadingAhead() {
    SearchPrefetch a = ahead;
    if (a != null) {
      ahead = null;
      a.close();
      rowsReadAhead.addAndGet(a.rowsTouched());
    }
  }

  /** Ends the threads reading ahead when the search failed: their own failure goes with {@code e}. */
  void stopReadingAheadAfter(Throwable e) {
    try {
      stopReadingAhead();
    } catch (RuntimeException | Error also) {
      e.addSuppressed(also);
    }
  }

  /** Drops what the later steps do not read. */
  void release() {
    stopReadingAhead();
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
   * be 0.8 GB beside the analysis for a map of 50 M entries. The objects are visited in the same
   * order either way. The virtual root's references are the seeds, pushed the same way.
   */
  private void run(int[] seeds, int floor) {
    int[] first = graph.edgeStarts();
    int[][] targetChunks = graph.edgeTargets();
    int shift = graph.chunkShift();
    int[] base = graph.chunkBases();
    long[] isRoot = this.isRoot;
    long[] visited = this.visited;
    int[] dfnum = this.dfnum;
    int[] vertex = this.vertex;
    int[] parent = this.parent;
    Pairs chunks = this.pairs;
    long[] pairs = chunks.last();
    long[] todo = this.todo;
    SearchPrefetch ahead = this.ahead;
    int pairCount = chunks.fill;
    int count = this.count;
    int top = 0;
    todo[top++] = (long) -1 << 32; // the virtual root's references from the first
    while (top > 0) {
      long entry = todo[--top];
      int next = (int) (entry >>> 32);
      int num;
      int firstEdge;
      int endEdge;
      int[] targets = null;
      if (next < 0) {
        num = (int) entry;
        firstEdge = -1 - next;
        if (num == 0) {
          endEdge = seeds.length;
        } else {
          int v = vertex[num];
          int c = v >>> shift;
          targets = targetChunks[c];
          endEdge = first[v + 1] - base[c];
        }
      } else {
        if (isSet(visited, next)) {
          int d = dfnum[next];
          if (d > floor) {
            if (pairCount == pairs.length) {
              pairs = chunks.grow(pairCount);
              pairCount = chunks.fill;
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
        int c = next >>> shift;
        targets = targetChunks[c];
        firstEdge = first[next] - base[c];
        endEdge = first[next + 1] - base[c];
      }
      int batchEnd = endEdge - firstEdge > batch ? firstEdge + batch : endEdge;
      long needed = (long) top + 1 + (batchEnd - firstEdge);
      if (needed > todo.length) {
        if (needed > MAX_ENTRIES) {
          throw new IllegalStateException("the dominator pass's search is deeper than " + MAX_ENTRIES
              + " references, which memdiff does not support");
        }
        todo = Arrays.copyOf(todo, (int) Math.min(MAX_ENTRIES, Math.max(2L * todo.length, needed)));
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
        int target = targets[e];
        if (isSet(isRoot, target)) {
          continue;
        }
        if (!isSet(visited, target)) {
          todo[top++] = (long) target << 32 | num;
          if (ahead != null) {
            ahead.push(target);
          }
        } else {
          int d = dfnum[target];
          if (d > floor) {
            if (pairCount == pairs.length) {
              pairs = chunks.grow(pairCount);
              pairCount = chunks.fill;
            }
            pairs[pairCount++] = (long) d << 32 | num;
          }
        }
      }
    }
    this.todo = todo;
    chunks.fill = pairCount;
    this.count = count;
  }

  /**
   * The targets of the referents that reach objects nothing strong reaches, from objects something
   * reaches, in the graph's order: the second run's entries.
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

  private static boolean weakEdgeCounts(Reachability reach, ObjectGraph g, int i) {
    byte l = reach.label(g.weakTarget(i));
    return l != Reachability.STRONG && l != Reachability.UNREACHABLE && reach.label(g.weakSource(i)) != Reachability.UNREACHABLE;
  }

  private static boolean isSet(long[] bits, int i) {
    return (bits[i >>> 6] & 1L << i) != 0;
  }
}
