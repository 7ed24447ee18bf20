package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.testdata.scenarios.PathShapes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Paths, labels and retained sizes on a real dump whose shapes are known by construction. */
class PathShapesTest {
  private static final String P = PathShapes.class.getName();
  static HprofFile file;
  static HeapAnalysis a;
  static PathDescriber describer;
  static Folding folding;

  @BeforeAll
  static void dump() throws Exception {
    Path dump = PathShapesDump.get();
    file = HprofFile.open(dump);
    DumpCatalog catalog = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
    a = HeapAnalysis.analyse(catalog, ScanOptions.STRICT, true, phase -> {});
    describer = new PathDescriber(a.reachability());
    folding = new Folding(catalog, a.index());
  }

  @AfterAll
  static void close() throws Exception {
    file.close();
  }

  static List<Integer> instancesOf(String className) {
    List<Integer> out = new ArrayList<>();
    for (int o = 0; o < a.index().objectCount(); o++) {
      if (a.index().classOf(o).name().equals(className)) {
        out.add(o);
      }
    }
    return out;
  }

  static String folded(int object) {
    return folding.fold(describer.steps(object, false)).stream()
        .map(s -> s.edge() + " (" + s.className() + ")").collect(Collectors.joining(" | "));
  }

  @Test
  void registryEntriesAreHeldByTheStaticMapThroughItsValues() {
    List<Integer> entries = instancesOf(P + "$Entry");
    assertThat(entries).hasSize(PathShapes.ENTRIES);
    for (int o : entries) {
      assertThat(a.reachability().label(o)).isEqualTo(Reachability.STRONG);
      assertThat(folded(o)).isEqualTo("static " + P + ".REGISTRY (java.util.HashMap) | HashMap{values} (" + P + "$Entry)");
    }
  }

  @Test
  void unfoldedPathsShowTheMapInternals() {
    int o = instancesOf(P + "$Entry").get(0);
    List<String> edges = describer.steps(o, false).stream().map(Step::edge).toList();
    assertThat(edges.get(0)).isEqualTo("static " + P + ".REGISTRY");
    assertThat(edges).contains("java.util.HashMap.table", "[]");
    assertThat(edges.get(edges.size() - 1)).isEqualTo("java.util.HashMap$Node.value");
  }

  @Test
  void aThreadLocalBufferIsRootedAtItsNamedThread() {
    List<Integer> buffers = instancesOf(P + "$Buffer");
    assertThat(buffers).hasSize(1);
    assertThat(folded(buffers.get(0)))
        .isEqualTo("thread \"" + PathShapes.BUFFER_THREAD + "\" (java.lang.Thread) | ThreadLocal{value} (" + P + "$Buffer)");
  }

  @Test
  void listenersAreHeldByTheStaticList() {
    for (int o : instancesOf(P + "$Listener")) {
      assertThat(folded(o)).isEqualTo("static " + P + ".LISTENER_LIST (java.util.ArrayList) | ArrayList{elements} (" + P + "$Listener)");
    }
  }

  @Test
  void objectsBehindOnlyAWeakOrSoftReferenceAreLabelledSoNotStrong() {
    List<Integer> weak = instancesOf(P + "$WeakOnly");
    List<Integer> soft = instancesOf(P + "$SoftOnly");
    assumeTrue(!weak.isEmpty() && !soft.isEmpty(), "the JVM cleared the referents before dumping");
    assertThat(a.reachability().label(weak.get(0))).isEqualTo(Reachability.WEAK);
    assertThat(a.reachability().label(soft.get(0))).isEqualTo(Reachability.SOFT);
    assertThat(describer.steps(weak.get(0), false).get(describer.steps(weak.get(0), false).size() - 1).edge())
        .isEqualTo("java.lang.ref.Reference.referent");
  }

  @Test
  void theGraphKeepsTheShallowSizeOfEveryObject() {
    // In a byte per object where it fits (see ObjectGraph): the two long[] of the tree do not.
    long large = 0;
    List<Integer> wrong = new ArrayList<>();
    for (int o = 0; o < a.index().objectCount(); o++) {
      long expected = a.index().shallowSize(o);
      if (a.graph().shallowSize(o) != expected) {
        wrong.add(o);
      }
      if (expected > 255L * a.catalog().layout().align()) {
        large++;
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(large).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aReferenceRetainsNotItsReferent() {
    for (String only : List.of("$WeakOnly", "$SoftOnly")) {
      List<Integer> referents = instancesOf(P + only);
      assumeTrue(!referents.isEmpty(), "the JVM cleared the referents before dumping");
      int referent = referents.get(0);
      int holder = a.reachability().referentHolder(referent);
      assertThat(a.index().classOf(holder).name()).startsWith("java.lang.ref.");
      // Nothing keeps the referent alive: it hangs from the root, and its holder retains only itself
      // (the holder's queue is a shared static, and next is null while the referent is set).
      assertThat(a.dominators().idom(referent)).as(only).isEqualTo(ParentLinks.VIRTUAL_ROOT);
      assertThat(a.dominators().retained(holder)).as(only).isEqualTo(a.dominators().shallow(holder));
      assertThat(a.dominators().retained(referent)).as(only).isEqualTo(a.dominators().shallow(referent));
    }
  }

  @Test
  void aMillionLongListIsOneRouteAndItsHeadRetainsEveryLink() {
    List<Integer> links = instancesOf(P + "$Link");
    assertThat(links).hasSize(PathShapes.LINKS);
    RouteTable routes = RouteTable.compute(a.reachability());
    long distinct = links.stream().mapToInt(routes::routeOf).distinct().count();
    assertThat(distinct).isLessThanOrEqualTo(3); // head, head.next, head.next*
    int head = links.stream().filter(o -> a.reachability().parent(o) >= 0
        && a.index().classOf(a.reachability().parent(o)).name().equals("java.lang.Class")).findFirst().orElseThrow();
    long linkSize = a.dominators().shallow(head);
    assertThat(a.dominators().retained(head)).isEqualTo(linkSize * PathShapes.LINKS);
    assertThat(routes.steps(routes.routeOf(links.get(links.size() / 2))).get(1).edge()).isEqualTo(P + "$Link.next*");
  }

  @Test
  void aTreeRetainsExactlyItselfAndTheTwoArraysOnlyItHolds() {
    int tree = instancesOf(P + "$Tree").get(0);
    ClassInfo longs = a.catalog().primitiveArrayClass(io.memdiff.hprof.BasicType.LONG);
    long arraySize = a.catalog().layout().primitiveArraySize(io.memdiff.hprof.BasicType.LONG, PathShapes.TREE_LONGS);
    assertThat(longs.name()).isEqualTo("long[]");
    assertThat(a.dominators().retained(tree)).isEqualTo(a.dominators().shallow(tree) + 2 * arraySize);
    assertThat(arraySize).isEqualTo(8016); // 16-byte array header + 8000 bytes, already 8-aligned
  }

  @Test
  void aCycleIsDominatedByTheNodeTheRootReachesFirst() {
    List<Integer> nodes = instancesOf(P + "$CycleNode");
    assertThat(nodes).hasSize(PathShapes.CYCLE);
    long node = a.dominators().shallow(nodes.get(0));
    long retainedMax = nodes.stream().mapToLong(a.dominators()::retained).max().orElseThrow();
    assertThat(retainedMax).isEqualTo(PathShapes.CYCLE * node);
  }

  @Test
  void retainedSizesOfAGroupDoNotCountNestedMembersTwice() {
    List<Integer> links = instancesOf(P + "$Link");
    int[] group = new int[a.index().objectCount()];
    java.util.Arrays.fill(group, -1);
    links.forEach(o -> group[o] = 0);
    long[] retained = a.dominators().retainedByGroup(group, 1);
    assertThat(retained[0]).isEqualTo(a.dominators().shallow(links.get(0)) * PathShapes.LINKS);
  }

  @Test
  void garbageInANonLiveDumpIsKeptAndLabelledUnreachable() {
    long unreachable = 0;
    for (int o = 0; o < a.index().objectCount(); o++) {
      if (a.reachability().label(o) == Reachability.UNREACHABLE) {
        unreachable++;
        assertThat(a.reachability().pathTo(o)).isEmpty();
        assertThat(a.dominators().retained(o)).isEqualTo(a.dominators().shallow(o));
      }
    }
    assertThat(unreachable).isPositive();
  }
}
