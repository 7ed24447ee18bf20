package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dominator tree is the same whether it is computed on another thread, beside the shortest-path
 * search (a roomy heap), or after the search (a tight heap).
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
      HeapAnalysis beside = HeapAnalysis.analyse(index(f), true, p -> {}, false);
      HeapAnalysis after = HeapAnalysis.analyse(index(f), true, p -> {}, true);
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
    }
  }

  /**
   * References cut into chunks of at most 5,000 (a heap with more than 2^31 of them is cut so): the
   * same shortest paths, dominators and retained sizes as in one chunk.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void referencesCutIntoChunksGiveTheSameAnalysis() throws Exception {
    try (HprofFile f = HprofFile.open(dump)) {
      HeapAnalysis whole = HeapAnalysis.analyse(index(f), true, p -> {}, false);
      HeapAnalysis cut;
      ObjectGraph.maxChunkEdges = 5000;
      try {
        cut = HeapAnalysis.analyse(index(f), true, p -> {}, false);
      } finally {
        ObjectGraph.maxChunkEdges = 0;
      }
      assertThat(cut.reachability().graph().chunkCount()).isGreaterThan(100);
      int n = whole.index().objectCount();
      int reached = 0;
      for (int o = 0; o < n; o++) {
        assertThat(cut.reachability().parent(o)).as("parent of object %d", o).isEqualTo(whole.reachability().parent(o));
        assertThat(cut.reachability().label(o)).isEqualTo(whole.reachability().label(o));
        assertThat(cut.dominators().idom(o)).as("dominator of object %d", o).isEqualTo(whole.dominators().idom(o));
        assertThat(cut.dominators().retained(o)).as("retained by object %d", o).isEqualTo(whole.dominators().retained(o));
        if (whole.reachability().label(o) == Reachability.STRONG) {
          reached++;
        }
      }
      assertThat(reached).isGreaterThan(n / 2);
    }
  }

  /**
   * The dominator search's pairs cut into chunks of 1,024 (a heap with more than 2^30 of them is cut
   * so), each sorted on its own and read side by side: the same dominators and retained sizes.
   */
  @Test
  @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void pairsCutIntoChunksGiveTheSameDominatorTree() throws Exception {
    try (HprofFile f = HprofFile.open(dump)) {
      HeapAnalysis whole = HeapAnalysis.analyse(index(f), true, p -> {}, false);
      long chunksBefore = Pairs.chunksAdded.get();
      HeapAnalysis cut;
      Pairs.chunkShift = 10;
      try {
        cut = HeapAnalysis.analyse(index(f), true, p -> {}, false);
        cut.dominators();
      } finally {
        Pairs.chunkShift = 0;
      }
      assertThat(Pairs.chunksAdded.get() - chunksBefore).as("chunks after the first").isGreaterThan(10);
      int n = whole.index().objectCount();
      int dominated = 0;
      for (int o = 0; o < n; o++) {
        assertThat(cut.dominators().idom(o)).as("dominator of object %d", o).isEqualTo(whole.dominators().idom(o));
        assertThat(cut.dominators().retained(o)).as("retained by object %d", o).isEqualTo(whole.dominators().retained(o));
        if (whole.dominators().idom(o) >= 0) {
          dominated++;
        }
      }
      assertThat(dominated).isGreaterThan(n / 2);
    }
  }
}
