package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.PathShapes;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dominator tree is the same whether it is computed on a second thread in arrays allocated during
 * the shortest-path search (a roomy heap) or after the search in arrays of its own (a tight heap).
 */
class HeapAnalysisModesTest {
  @TempDir Path dir;

  @Test
  // A broken permutation loops instead of failing, on the dominator thread: give up on it.
  @Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void bothWaysGiveTheSameDominatorTree() throws Exception {
    Path dump = ScenarioRunner.run(PathShapes.class, dir).get(0);
    try (HprofFile f = HprofFile.open(dump)) {
      DumpCatalog catalog = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapAnalysis beside = HeapAnalysis.analyse(HeapIndex.build(catalog, ScanOptions.STRICT), true, p -> {}, false);
      HeapAnalysis after = HeapAnalysis.analyse(HeapIndex.build(catalog, ScanOptions.STRICT), true, p -> {}, true);
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
}
