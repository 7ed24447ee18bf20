package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.testdata.Hprof;
import io.memdiff.testdata.HprofWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dominator pass against the definition, on random heaps: v dominates u when removing v cuts u
 * off from every root; a retained size is the object plus everything it dominates.
 */
class DominatorsBruteForceTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void retainedSizesMatchTheDefinitionOnARandomHeap(int seed) throws Exception {
    Random random = new Random(seed);
    int nodes = 40 + random.nextInt(40);
    HprofWriter w = new HprofWriter(8);
    long nodeClass = 0x100;
    w.loadClass(1, nodeClass, 1, w.string("Node"));
    long[] fields = {w.string("a"), w.string("b"), w.string("c")};
    long[][] none = new long[0][];
    HprofWriter.Bytes heap = w.body().classDump(nodeClass, 0, 0, 3 * 8,
        none, new long[][] {{fields[0], Hprof.OBJECT}, {fields[1], Hprof.OBJECT}, {fields[2], Hprof.OBJECT}});
    for (int i = 0; i < nodes; i++) {
      HprofWriter.Bytes values = w.body();
      for (int f = 0; f < 3; f++) {
        values.id(random.nextInt(3) == 0 ? 0 : 0x1000 + 0x10L * random.nextInt(nodes));
      }
      heap.instance(0x1000 + 0x10L * i, 1, nodeClass, values);
    }
    // Odd seeds sort the dominator pass's pairs in place, as a heap with no room for the radix
    // sort's second array does.
    PairSort.forceInPlace = seed % 2 == 1;
    try (HprofFile file = write(w, heap, random, nodes, "random-" + seed + ".hprof")) {
      HeapAnalysis a = analyse(file);
      // Every reference is strong here.
      List<List<Integer>> edges = edges(a.index(), (source, label, target) -> true);
      assertMatchesTheDefinition(a, a.dominators(), edges, roots(a), random, seed);
      assertMatchesTheDefinitionInSmallBatches(file, edges, roots(a), random, seed);
    } finally {
      PairSort.forceInPlace = false;
    }
  }

  /**
   * With weak references: a referent keeps nothing alive, so an object only referents reach hangs
   * from the virtual root (a root of the definition) and its references into strongly reachable
   * objects do not count; a strongly reachable referent is not reached through the referent at all.
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20})
  void retainedSizesMatchTheDefinitionWithWeakReferences(int seed) throws Exception {
    Random random = new Random(seed);
    int nodes = 40 + random.nextInt(40);
    HprofWriter w = new HprofWriter(8);
    HprofWriter.Bytes heap = WeakHeaps.classes(w, 2);
    boolean[] isWeak = new boolean[nodes];
    for (int i = 0; i < nodes; i++) {
      isWeak[i] = random.nextInt(4) == 0;
      HprofWriter.Bytes values = w.body();
      for (int f = 0; f < (isWeak[i] ? 1 : 2); f++) {
        values.id(random.nextInt(4) == 0 ? 0 : 0x1000 + 0x10L * random.nextInt(nodes));
      }
      heap.instance(0x1000 + 0x10L * i, 1, isWeak[i] ? WeakHeaps.WEAK_REFERENCE : WeakHeaps.NODE, values);
    }
    try (HprofFile file = write(w, heap, random, nodes, "weak-" + seed + ".hprof")) {
      HeapAnalysis a = analyse(file);
      HeapIndex index = a.index();
      Reachability reach = a.reachability();
      // The dominator graph by definition: the roots, and every object a referent from a reached
      // object reaches that nothing strong does; every strong reference but those from the latter
      // objects into strongly reachable ones.
      List<Integer> roots = roots(a);
      List<List<Integer>> edges = edges(index, (source, label, target) -> {
        long address = index.address(source);
        boolean referent = address >= 0x1000 && isWeak[(int) ((address - 0x1000) / 0x10)]
            && io.memdiff.hprof.EdgeLabel.kind(label) == io.memdiff.hprof.EdgeLabel.FIELD;
        byte from = reach.label(source);
        byte to = reach.label(target);
        if (referent) {
          if (from != Reachability.UNREACHABLE && to != Reachability.STRONG && to != Reachability.UNREACHABLE) {
            roots.add(target);
          }
          return false;
        }
        return from == Reachability.STRONG || to != Reachability.STRONG;
      });
      boolean[] reachable = reach(edges, roots, -1);
      for (int o = 0; o < index.objectCount(); o++) {
        assertThat(reachable[o]).as("object %d of seed %d reached", o, seed)
            .isEqualTo(reach.label(o) != Reachability.UNREACHABLE);
      }
      assertMatchesTheDefinition(a, a.dominators(), edges, roots, random, seed);
      assertMatchesTheDefinitionInSmallBatches(file, edges, roots, random, seed);
    }
  }

  /**
   * The depth-first search pushing one or two of an object's references at a time (4096 in use), so
   * that nearly every object's rest waits below a batch on the stack: the same dominators.
   */
  private static void assertMatchesTheDefinitionInSmallBatches(HprofFile file, List<List<Integer>> edges,
      List<Integer> roots, Random random, int seed) throws java.io.IOException {
    int widest = 0;
    for (int batch : new int[] {1, 2}) {
      DumpCatalog catalog = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapAnalysis plain = HeapAnalysis.analyse(catalog, ScanOptions.STRICT, false, x -> {});
      Dominators d = Dominators.compute(plain.reachability(), false, batch);
      assertMatchesTheDefinition(plain, d, edges, roots, random, seed);
      ObjectGraph g = plain.reachability().graph();
      for (int o = 0; o < g.nodeCount(); o++) {
        widest = Math.max(widest, g.referenceCount(o));
      }
    }
    // And with the references cut into chunks as small as the widest row allows (an object or a few
    // each), so that nearly every rest of an object on the stack resumes in a chunk of its own.
    ObjectGraph.maxChunkEdges = widest;
    try {
      DumpCatalog catalog = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapAnalysis cut = HeapAnalysis.analyse(catalog, ScanOptions.STRICT, false, x -> {});
      assertThat(cut.reachability().graph().chunkCount()).isGreaterThan(1);
      assertMatchesTheDefinition(cut, Dominators.compute(cut.reachability(), false, 1), edges, roots, random, seed);
    } finally {
      ObjectGraph.maxChunkEdges = 0;
    }
    // And with the search's pairs cut into chunks of two, each a sorted run of its own.
    long chunksBefore = Pairs.chunksAdded.get();
    Pairs.chunkShift = 1;
    try {
      DumpCatalog catalog = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapAnalysis cut = HeapAnalysis.analyse(catalog, ScanOptions.STRICT, false, x -> {});
      assertMatchesTheDefinition(cut, Dominators.compute(cut.reachability(), false), edges, roots, random, seed);
    } finally {
      Pairs.chunkShift = 0;
    }
    if (edges.stream().mapToInt(List::size).sum() > 2 * edges.size()) {
      // More references than two per object leave more than two outside any search tree.
      assertThat(Pairs.chunksAdded.get() - chunksBefore).as("chunks after the first").isGreaterThan(0);
    }
  }

  /** Three random JNI global roots, then the dump written and opened. */
  private HprofFile write(HprofWriter w, HprofWriter.Bytes heap, Random random, int nodes, String name)
      throws java.io.IOException {
    for (int r = 0; r < 3; r++) {
      heap.rootJniGlobal(0x1000 + 0x10L * random.nextInt(nodes), r + 1);
    }
    w.segment(heap);
    w.heapDumpEnd();
    return HprofFile.open(w.writeTo(dir.resolve(name)));
  }

  private static HeapAnalysis analyse(HprofFile file) throws java.io.IOException {
    DumpCatalog catalog = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
    return HeapAnalysis.analyse(catalog, ScanOptions.STRICT, true, x -> {});
  }

  private static List<Integer> roots(HeapAnalysis a) {
    List<Integer> roots = new ArrayList<>();
    for (int o = 0; o < a.index().objectCount(); o++) {
      if (a.reachability().parent(o) == ParentLinks.VIRTUAL_ROOT) {
        roots.add(o);
      }
    }
    return roots;
  }

  interface EdgeFilter {
    boolean keep(int source, int label, int target);
  }

  /** Each object's references to objects in the dump that the filter keeps. */
  private static List<List<Integer>> edges(HeapIndex index, EdgeFilter filter) {
    List<List<Integer>> edges = new ArrayList<>();
    for (int o = 0; o < index.objectCount(); o++) {
      List<Integer> out = new ArrayList<>();
      int source = o;
      index.forEachReference(o, (label, address) -> {
        int t = index.indexOf(address);
        if (t >= 0 && filter.keep(source, label, t)) {
          out.add(t);
        }
      });
      edges.add(out);
    }
    return edges;
  }

  /**
   * v dominates u when removing v cuts u off from every root; a retained size is the object plus
   * everything it dominates; a group retains its members but those another member dominates.
   */
  private static void assertMatchesTheDefinition(HeapAnalysis a, Dominators dominators, List<List<Integer>> edges,
      List<Integer> roots, Random random, int seed) {
    int n = a.index().objectCount();
    boolean[] reachable = reach(edges, roots, -1);
    int groups = 3;
    int[] groupOf = new int[n];
    boolean[] nested = new boolean[n];
    long[] expectedRetained = new long[n];
    for (int o = 0; o < n; o++) {
      groupOf[o] = random.nextInt(groups + 1) - 1;
    }
    for (int v = 0; v < n; v++) {
      if (!reachable[v]) {
        expectedRetained[v] = dominators.shallow(v);
        assertThat(dominators.retained(v)).isEqualTo(expectedRetained[v]);
        continue;
      }
      boolean[] without = reach(edges, roots, v);
      long expected = dominators.shallow(v);
      for (int u = 0; u < n; u++) {
        if (u != v && reachable[u] && !without[u]) {
          expected += dominators.shallow(u);
          if (groupOf[u] >= 0 && groupOf[u] == groupOf[v]) {
            nested[u] = true;
          }
        }
      }
      expectedRetained[v] = expected;
      assertThat(dominators.retained(v)).as("object %d of seed %d", v, seed).isEqualTo(expected);
    }
    // Every object's immediate dominator, found on two threads from the middle of the tree's order.
    int[] idoms = dominators.immediateDominators(2);
    for (int v = 0; v < n; v++) {
      assertThat(idoms[v]).as("dominator of object %d of seed %d", v, seed).isEqualTo(dominators.idom(v));
    }
    // The batch form, on a sample with repeats and unreachable objects among it.
    int[] sample = random.ints(n / 2 + 1, 0, n).toArray();
    long[] batch = dominators.retained(sample);
    for (int k = 0; k < sample.length; k++) {
      assertThat(batch[k]).as("sampled object %d of seed %d", sample[k], seed).isEqualTo(expectedRetained[sample[k]]);
    }
    long[] expectedByGroup = new long[groups];
    for (int o = 0; o < n; o++) {
      if (groupOf[o] >= 0 && !nested[o]) {
        expectedByGroup[groupOf[o]] += dominators.retained(o);
      }
    }
    assertThat(dominators.retainedByGroup(groupOf, groups)).as("seed %d", seed).containsExactly(expectedByGroup);
    // Swept in 1 to n + 1 parts (as on that many cores), down to a part per position of the tree:
    // each part starts with the members among its first position's ancestors open.
    for (int parts = 1; parts <= n + 1; parts++) {
      assertThat(dominators.retainedByGroup(groupOf, groups, 1, parts)).as("seed %d in %d parts", seed, parts)
          .containsExactly(expectedByGroup);
    }
  }

  /** Objects reachable from the roots without passing through {@code removed}. */
  private static boolean[] reach(List<List<Integer>> edges, List<Integer> roots, int removed) {
    boolean[] seen = new boolean[edges.size()];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int r : roots) {
      if (r != removed && !seen[r]) {
        seen[r] = true;
        queue.add(r);
      }
    }
    while (!queue.isEmpty()) {
      for (int t : edges.get(queue.poll())) {
        if (t != removed && !seen[t]) {
          seen[t] = true;
          queue.add(t);
        }
      }
    }
    return seen;
  }
}
