package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.memdiff.testdata.Fixtures;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing a dump's heap records on two threads gives exactly what one thread gives. */
class SplitScanTest {
  @TempDir Path dir;

  private static void assertSame(DumpCatalog split, DumpCatalog sequential) {
    assertThat(split.objects()).isEqualTo(sequential.objects());
    assertThat(split.classCount()).isEqualTo(sequential.classCount());
    for (int i = 0; i < split.classCount(); i++) {
      assertThat(split.classAt(i).name()).isEqualTo(sequential.classAt(i).name());
      assertThat(split.countOf(i)).as(split.classAt(i).name()).isEqualTo(sequential.countOf(i));
      assertThat(split.shallowBytesOf(i)).as(split.classAt(i).name()).isEqualTo(sequential.shallowBytesOf(i));
    }
    assertThat(split.roots().size()).isEqualTo(sequential.roots().size());
    assertThat(split.layout().header()).isEqualTo(sequential.layout().header());
    assertThat(split.stacks().threadCount()).isEqualTo(sequential.stacks().threadCount());
    assertThat(split.scan().subRecordCounts()).isEqualTo(sequential.scan().subRecordCounts());
  }

  @Test
  void aRealDumpSplitInTwoGivesTheSameCatalog() throws IOException {
    Path dump = ScenarioRunner.run(LeakyService.class, dir, "1", "2").get(1);
    try (HprofFile f = HprofFile.open(dump)) {
      assertSame(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE, 0),
          DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE, Long.MAX_VALUE));
    }
  }

  @Test
  void theSecondOfTwoHeapDumpsSplitsToo() throws IOException {
    Path f2 = Fixtures.twoHeapDumps(8).writeTo(dir.resolve("two.hprof"));
    try (HprofFile f = HprofFile.open(f2)) {
      ScanOptions second = new ScanOptions(1, false);
      assertSame(DumpCatalog.build(f, second, LayoutOverrides.NONE, 0),
          DumpCatalog.build(f, second, LayoutOverrides.NONE, Long.MAX_VALUE));
    }
  }

  @Test
  void anErrorInTheSecondPartIsReportedWithItsOffset() throws IOException {
    io.memdiff.testdata.HprofWriter w = new io.memdiff.testdata.HprofWriter(8);
    w.segment(w.body().root(0x05, 0x10).root(0x05, 0x20));
    w.segment(w.body().root(0x05, 0x30).u1(0x42).u8(0));
    w.heapDumpEnd();
    Path f = w.writeTo(dir.resolve("broken.hprof"));
    long secondSegment = w.recordOffsets().get(w.recordOffsets().size() - 2);
    try (HprofFile file = HprofFile.open(f)) {
      assertThatThrownBy(() -> DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, 0))
          .isInstanceOf(HprofFormatException.class)
          .hasMessageContaining("unknown heap-dump sub-record 0x42")
          .hasMessageContaining("at offset 0x" + Long.toHexString(secondSegment + 9 + 1 + 8));
    }
  }
}
