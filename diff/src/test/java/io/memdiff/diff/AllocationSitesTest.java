package io.memdiff.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.LayoutOverrides;
import io.memdiff.hprof.ScanOptions;
import io.memdiff.paths.HeapAnalysis;
import io.memdiff.testdata.HprofWriter;
import io.memdiff.testdata.Hprof;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
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

  /**
   * Objects whose trace names no frame get retention sites, shared by the objects with the same
   * parent, reference and class, and only by them: a holder's two fields, two arrays on two paths,
   * and two classes in one array make five sites.
   */
  @Test
  void framelessObjectsShareARetentionSiteByParentReferenceAndClass() throws Exception {
    HprofWriter w = new HprofWriter(8);
    long holder = 0x100;
    long node = 0x110;
    long leaf = 0x120;
    long array = 0x130;
    w.loadClass(1, holder, 1, w.string("Holder"));
    w.loadClass(2, node, 1, w.string("Node"));
    w.loadClass(3, leaf, 1, w.string("Leaf"));
    w.loadClass(4, array, 1, w.string("[LNode;"));
    w.frame(0x50, w.string("make"), w.string("()V"), w.string("Make.java"), 1, 42);
    w.trace(1, 1); // HotSpot's empty trace: no frame
    w.trace(7, 1, 0x50);
    long[][] none = new long[0][];
    HprofWriter.Bytes heap = w.body()
        .classDump(holder, 0, 0, 24, none, new long[][] {
            {w.string("a"), Hprof.OBJECT}, {w.string("b"), Hprof.OBJECT}, {w.string("c"), Hprof.OBJECT}})
        .classDump(node, 0, 0, 0, none, none)
        .classDump(leaf, 0, 0, 0, none, none)
        .classDump(array, 0, 0, 0, none, none);
    // Holder.a and .b hold a Node each, Holder.c an array of two; another array holds two and a Leaf.
    heap.instance(0x1000, 7, holder, w.body().id(0x2000).id(0x2010).id(0x3100)).rootJniGlobal(0x1000, 1);
    heap.objectArray(0x3000, 7, array, 0x2100, 0x2110, 0x2120).rootJniGlobal(0x3000, 2);
    heap.objectArray(0x3100, 7, array, 0x2200, 0x2210);
    for (long n : new long[] {0x2000, 0x2010, 0x2100, 0x2110, 0x2200, 0x2210}) {
      heap.instance(n, 1, node, new byte[0]);
    }
    heap.instance(0x2120, 1, leaf, new byte[0]);
    w.segment(heap);
    w.heapDumpEnd();
    try (HprofFile f = HprofFile.open(w.writeTo(dir.resolve("frameless.hprof")))) {
      DumpCatalog c = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE);
      SiteSummary s = SiteSummarizer.summarize(HeapAnalysis.analyse(c, ScanOptions.STRICT, true, x -> {}), "d");
      List<SiteStats> frameless = s.sites().stream()
          .filter(x -> x.className().equals("Node") || x.className().equals("Leaf")).toList();
      assertThat(frameless).extracting(SiteStats::key).allMatch(k -> k.contains(" | "));
      assertThat(frameless).filteredOn(x -> x.className().equals("Node")).extracting(SiteStats::count)
          .containsExactlyInAnyOrder(1L, 1L, 2L, 2L);
      assertThat(frameless).filteredOn(x -> x.className().equals("Leaf")).extracting(SiteStats::count)
          .containsExactly(1L);
      for (String field : List.of("Holder.a", "Holder.b")) {
        assertThat(frameless).filteredOn(x -> x.key().endsWith(field + " (Node)")).extracting(SiteStats::count)
            .containsExactly(1L);
      }
    }
  }
}
