package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dominator tree and the route table are the same whether they are computed on other threads,
 * beside the shortest-path search (a roomy heap), or after the search (a tight heap).
 */
class HeapAnalysisModesTest {
  static Path dump;

  @BeforeAll
  static void dump() throws Exception {
    dump = PathShapesDump.get();
  }

  private static HeapIndex index(HprofFile f) throws Exception {
    return HeapIndex.build(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE), ScanOptions.STRICT);
  }

  @Test
  // A broken permutation loops instead of failing, on the dominator thread: give up on it.
  @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void bothWaysGiveTheSameDominatorTree() throws Exception {
    try (HprofFile f = HprofFile.open(dump)) {
      HeapAnalysis beside = HeapAnalysis.analyse(index(f), true, true, p -> {}, false);
      HeapAnalysis after = HeapAnalysis.analyse(index(f), true, true, p -> {}, true);
      int n = beside.index().objectCount();
      assertThat(after.index().objectCount()).isEqualTo(n);
      int dominated = 0;
      for (int o = 0; o < n; o++) {
        assertThat(after.dominators().idom(o)).as("dominator of object %d", o).isEqualTo(beside.dominators().idom(o));
        assertThat(after.dominators().retained(o)).as("retained by object %d", o)
            .isEqualTo(beside.dominators().retained(o));
        if (beside.dominators().idom(o) >= 0) {
          dominated++;
        }
      }
      assertThat(dominated).isGreaterThan(n / 2); // a real tree, not every object under the virtual root
      assertSameRoutes(beside.routes(), after.routes(), n);
    }
  }

  /** A route table started before the search reads each position as it becomes final. */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void routesThatTrailTheSearchAreTheRoutesAfterIt() throws Exception {
    try (HprofFile f = HprofFile.open(dump)) {
      ObjectGraph graph = ObjectGraph.build(index(f));
      Reachability reach = Reachability.seed(graph);
      CompletableFuture<RouteTable> trailing = CompletableFuture.supplyAsync(() -> RouteTable.compute(reach));
      Thread.sleep(50); // it reads the roots, then waits for the search
      assertThat(trailing).isNotDone();
      reach.search();
      RouteTable after = RouteTable.compute(reach);
      assertThat(reach.reachedCount()).isGreaterThan(4096 * 4); // published several times on the way
      assertSameRoutes(trailing.get(1, TimeUnit.MINUTES), after, graph.nodeCount());
    }
  }

  private static void assertSameRoutes(RouteTable a, RouteTable b, int objects) {
    assertThat(a.routeCount()).isEqualTo(b.routeCount()).isGreaterThan(100);
    for (int o = 0; o < objects; o++) {
      assertThat(a.routeOf(o)).as("route of object %d", o).isEqualTo(b.routeOf(o));
    }
    for (int r = 0; r < a.routeCount(); r++) {
      assertThat(a.steps(r)).as("steps of route %d", r).isEqualTo(b.steps(r));
    }
  }
}
