package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads reading ahead of the dominator pass's depth-first search (as from a heap file) read what it
 * will, and leave its result alone: the same dominator tree and retained sizes, object by object,
 * with any number of threads, a ring small enough to wrap many times, and the references in chunks.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SearchPrefetchTest {
  @AfterEach
  void restore() {
    DominatorSearch.forcedAheadThreads = -1;
    DominatorSearch.aheadPushes = 1 << 14;
    ObjectGraph.maxChunkEdges = 0;
  }

  @Test
  void theDominatorTreeIsTheSameWithThreadsReadingAhead() throws Exception {
    DominatorSearch.forcedAheadThreads = 0;
    Analysed alone = analyse();
    assertThat(alone.reach.reachedCount()).isGreaterThan(10_000);
    for (int threads : new int[] {1, 3}) {
      for (int pushes : new int[] {16, 1 << 14}) {
        DominatorSearch.forcedAheadThreads = threads;
        DominatorSearch.aheadPushes = pushes;
        long before = DominatorSearch.rowsReadAhead.get();
        assertSame(alone, analyse(), threads + " threads, " + pushes + " pushes ahead");
        assertThat(DominatorSearch.rowsReadAhead.get() - before).as("rows read ahead").isPositive();
      }
    }
    // Chunks of a few thousand references: a row is found through its chunk's base.
    ObjectGraph.maxChunkEdges = 5_000;
    DominatorSearch.forcedAheadThreads = 2;
    Analysed chunked = analyse();
    assertThat(chunked.reach.graph().chunkCount()).isGreaterThan(1);
    assertSame(alone, chunked, "chunks of 5,000 references");
  }

  @Test
  void theThreadsEndWithTheSearch() throws Exception {
    DominatorSearch.forcedAheadThreads = 3;
    analyse();
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("memdiff-dominators-ahead") && t.isAlive());
  }

  private record Analysed(Reachability reach, Dominators dominators) {}

  private static Analysed analyse() throws Exception {
    try (HprofFile f = HprofFile.open(PathShapesDump.get())) {
      DumpCatalog catalog = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      HeapAnalysis a = HeapAnalysis.analyse(catalog, ScanOptions.STRICT, false, x -> {});
      return new Analysed(a.reachability(), Dominators.compute(a.reachability(), false));
    }
  }

  private static void assertSame(Analysed expected, Analysed actual, String what) {
    int n = expected.reach.graph().nodeCount();
    assertThat(actual.reach.graph().nodeCount()).isEqualTo(n);
    for (int o = 0; o < n; o++) {
      if (expected.dominators.idom(o) != actual.dominators.idom(o)
          || expected.dominators.retained(o) != actual.dominators.retained(o)) {
        assertThat(actual.dominators.idom(o)).as("dominator of %d, %s", o, what).isEqualTo(expected.dominators.idom(o));
        assertThat(actual.dominators.retained(o)).as("retained by %d, %s", o, what)
            .isEqualTo(expected.dominators.retained(o));
      }
    }
  }
}
