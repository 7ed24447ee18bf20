package io.memdiff.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.paths.HeapAnalysis;
import io.memdiff.testdata.HprofWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sites by allocation frame when objects carry allocation traces (the old hprof agent), by retention
 * path when every object has HotSpot's one empty trace: known from the first pass, for any object.
 */
class AllocationSitesTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void objectsWithFramesMakeAllocationSites(int traced) throws Exception {
    HprofWriter w = new HprofWriter(8);
    long node = 0x100;
    w.loadClass(1, node, 1, w.string("Node"));
    w.frame(0x50, w.string("make"), w.string("()LNode;"), w.string("Node.java"), 1, 42);
    w.trace(1, 1); // HotSpot's empty trace
    w.trace(7, 1, 0x50);
    HprofWriter.Bytes heap = w.body().classDump(node, 0, 0, 0, new long[0][], new long[0][]);
    int objects = 5;
    for (int i = 0; i < objects; i++) {
      long address = 0x1000 + 0x10L * i;
      heap.instance(address, i >= objects - traced ? 7 : 1, node, w.body());
      heap.rootJniGlobal(address, i + 1);
    }
    w.segment(heap);
    w.heapDumpEnd();
    try (HprofFile f = HprofFile.open(w.writeTo(dir.resolve("traced-" + traced + ".hprof")))) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      assertThat(c.objectsHaveAllocationTraces()).isEqualTo(traced > 0);
      SiteSummary s = SiteSummarizer.summarize(HeapAnalysis.analyse(c, ScanOptions.STRICT, true, x -> {}), "d");
      assertThat(s.dump().siteKind()).isEqualTo(traced > 0 ? SiteKind.ALLOCATION : SiteKind.RETENTION);
      long atFrame = s.sites().stream().filter(x -> x.key().equals("Node @ Node.make(Node.java:42)"))
          .mapToLong(SiteStats::count).sum();
      assertThat(atFrame).isEqualTo(traced);
    }
  }
}
