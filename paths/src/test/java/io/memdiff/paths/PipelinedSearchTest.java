package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.testdata.HprofWriter;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The breadth-first search with its rows read on other threads gives the one-thread search's result,
 * position by position: the same objects in the same order, with the same parents, slots and labels,
 * whatever the number of threads and however small the blocks.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PipelinedSearchTest {
  @TempDir Path dir;

  @BeforeEach
  void searchEveryGraphInBlocks() {
    PipelinedSearch.minObjects = 0;
  }

  @AfterEach
  void restore() {
    PipelinedSearch.minObjects = 1 << 18;
    PipelinedSearch.blockPositions = 1 << 13;
    PipelinedSearch.maxKept = 1 << 16;
  }

  @Test
  void aRealDumpIsSearchedTheSameWayOnEveryThreadCount() throws Exception {
    try (HprofFile f = HprofFile.open(PathShapesDump.get())) {
      HeapIndex index = HeapIndex.build(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE), ScanOptions.STRICT);
      ObjectGraph graph = ObjectGraph.build(index);
      Reachability alone = search(graph, 0);
      assertThat(alone.reachedCount()).isGreaterThan(10_000);
      int widest = 0;
      for (int o = 0; o < graph.nodeCount(); o++) {
        widest = Math.max(widest, graph.referenceCount(o));
      }
      for (int block : new int[] {1, 5, 64, 1 << 13}) {
        PipelinedSearch.blockPositions = block;
        for (int scanners : new int[] {1, 3}) {
          assertSame(alone, search(graph, scanners), "blocks of " + block + ", " + scanners + " scanners");
        }
      }
      // Blocks that end early, at a row that would pass what a scanner keeps, or at one longer than that.
      PipelinedSearch.blockPositions = 64;
      for (int kept : new int[] {widest / 2, widest - 1, widest}) {
        PipelinedSearch.maxKept = kept;
        assertSame(alone, search(graph, 2), "at most " + kept + " kept of rows up to " + widest);
      }
    }
  }

  /** Random heaps with weak references and unreached holders, in blocks of one to a few dozen positions. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
  void randomHeapsWithWeakReferencesAreSearchedTheSameWay(int seed) throws Exception {
    Random random = new Random(seed);
    int nodes = 2000 + random.nextInt(2000);
    HprofWriter w = new HprofWriter(8);
    HprofWriter.Bytes heap = WeakHeaps.classes(w, 3);
    for (int i = 0; i < nodes; i++) {
      boolean weak = random.nextInt(5) == 0;
      HprofWriter.Bytes values = w.body();
      for (int f = 0; f < (weak ? 1 : 3); f++) {
        // Most references go near (long chains, many levels), some anywhere, some nowhere.
        int to = random.nextInt(3) == 0 ? random.nextInt(nodes) : Math.min(nodes - 1, i + 1 + random.nextInt(8));
        values.id(random.nextInt(6) == 0 ? 0 : 0x1000 + 0x10L * to);
      }
      heap.instance(0x1000 + 0x10L * i, 1, weak ? WeakHeaps.WEAK_REFERENCE : WeakHeaps.NODE, values);
    }
    for (int r = 0; r < 4; r++) {
      heap.rootJniGlobal(0x1000 + 0x10L * random.nextInt(nodes), r + 1);
    }
    w.segment(heap);
    w.heapDumpEnd();
    try (HprofFile f = HprofFile.open(w.writeTo(dir.resolve("random-" + seed + ".hprof")))) {
      HeapIndex index = HeapIndex.build(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE), ScanOptions.STRICT);
      ObjectGraph graph = ObjectGraph.build(index);
      Reachability alone = search(graph, 0);
      assertThat(alone.reachedCount()).isGreaterThan(nodes / 10);
      assertThat(alone.referentPositions().size()).isPositive();
      for (int block : new int[] {1, 2, 7, 33}) {
        PipelinedSearch.blockPositions = block;
        for (int kept : new int[] {2, 5, 1 << 16}) {
          PipelinedSearch.maxKept = kept;
          assertSame(alone, search(graph, 1 + seed % 3), "seed " + seed + ", blocks of " + block + ", " + kept + " kept");
        }
      }
    }
  }

  private static Reachability search(ObjectGraph graph, int scanners) {
    Reachability r = Reachability.seed(graph);
    r.search(scanners);
    return r;
  }

  private static void assertSame(Reachability expected, Reachability actual, String how) {
    assertThat(actual.reachedCount()).as(how).isEqualTo(expected.reachedCount());
    for (int p = 0; p < expected.reachedCount(); p++) {
      assertThat(actual.reachedAt(p)).as("object at position %d, %s", p, how).isEqualTo(expected.reachedAt(p));
      assertThat(actual.parentPosition(p)).as("parent at position %d, %s", p, how).isEqualTo(expected.parentPosition(p));
      assertThat(actual.slotAtPosition(p)).as("slot at position %d, %s", p, how).isEqualTo(expected.slotAtPosition(p));
    }
    for (int o = 0; o < expected.graph().nodeCount(); o++) {
      assertThat(actual.label(o)).as("label of object %d, %s", o, how).isEqualTo(expected.label(o));
      assertThat(actual.referentHolder(o)).as("holder of object %d, %s", o, how).isEqualTo(expected.referentHolder(o));
    }
    assertThat(actual.referentPositions().toIntArray()).as(how).isEqualTo(expected.referentPositions().toIntArray());
  }
}
