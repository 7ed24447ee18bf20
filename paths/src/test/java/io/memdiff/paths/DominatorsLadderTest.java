package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.testdata.Hprof;
import io.memdiff.testdata.HprofWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ladder of 100,000 nodes, each referring to the next two (k → k+1, k → k+2), from one root, node 0:
 * any node after it can be reached around any other (k+1 through k−1 → k+1), so node 0 dominates every
 * node directly and each other node retains only itself. The search follows k → k+1, so every
 * k → k+2 is a non-tree edge: 100,000 predecessor pairs with targets past 65,536, which the pass must
 * sort on every bit of the target (without them, each node would dominate the rest of the chain).
 */
class DominatorsLadderTest {
  private static final int NODES = 100_000;
  @TempDir Path dir;

  @Test
  void theRootDominatesEveryNodeOfTheLadder() throws Exception {
    HprofWriter w = new HprofWriter(8);
    long node = 0x100;
    w.loadClass(1, node, 1, w.string("Node"));
    HprofWriter.Bytes heap = w.body().classDump(node, 0, 0, 2 * 8, new long[0][],
        new long[][] {{w.string("next"), Hprof.OBJECT}, {w.string("skip"), Hprof.OBJECT}});
    for (int k = 0; k < NODES; k++) {
      heap.instance(address(k), 1, node, w.body().id(k + 1 < NODES ? address(k + 1) : 0)
          .id(k + 2 < NODES ? address(k + 2) : 0));
    }
    heap.rootJniGlobal(address(0), 1);
    w.segment(heap);
    w.heapDumpEnd();
    try (HprofFile f = HprofFile.open(w.writeTo(dir.resolve("ladder.hprof")))) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapAnalysis a = HeapAnalysis.analyse(c, ScanOptions.STRICT, true, x -> {});
      Dominators dom = a.dominators();
      for (int k : new int[] {0, 1, 2, 3, 65_535, 65_536, 65_537, 70_001, NODES - 3, NODES - 2, NODES - 1}) {
        int o = a.index().indexOf(address(k));
        long size = dom.shallow(o);
        assertThat(dom.retained(o)).as("node %d", k).isEqualTo(k == 0 ? size * NODES : size);
        int expectedIdom = k == 0 ? ParentLinks.VIRTUAL_ROOT : a.index().indexOf(address(0));
        assertThat(dom.idom(o)).as("dominator of node %d", k).isEqualTo(expectedIdom);
      }
    }
  }

  private static long address(int k) {
    return 0x10_0000 + 0x20L * k;
  }
}
