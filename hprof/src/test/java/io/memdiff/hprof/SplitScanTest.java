package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.memdiff.testdata.Fixtures;
import io.memdiff.testdata.HprofWriter;
import io.memdiff.testdata.ScenarioRunner;
import io.memdiff.testdata.scenarios.LeakyService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
      assertSame(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE, false, 0),
          DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE, false, Long.MAX_VALUE));
    }
  }

  private static void assertSameIndex(HeapIndex split, HeapIndex sequential) {
    assertThat(split.objectCount()).isEqualTo(sequential.objectCount());
    assertThat(split.recordsWereInAddressOrder()).isEqualTo(sequential.recordsWereInAddressOrder());
    for (int o = 0; o < split.objectCount(); o++) {
      assertThat(split.address(o)).isEqualTo(sequential.address(o));
      assertThat(split.recordOffset(o)).isEqualTo(sequential.recordOffset(o));
      assertThat(split.classIndexOf(o)).isEqualTo(sequential.classIndexOf(o));
    }
  }

  @Test
  void aRealDumpIndexedInTwoPartsGivesTheSameIndex() throws IOException {
    Path dump = ScenarioRunner.run(LeakyService.class, dir, "1", "2").get(1);
    try (HprofFile f = HprofFile.open(dump)) {
      DumpCatalog split = DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE, false, 0);
      assertThat(split.objectsPerPart()).hasSize(2);
      assertThat(split.objectsPerPart()[0]).isPositive();
      assertThat(split.objectsPerPart()[1]).isPositive();
      HeapIndex index = HeapIndex.build(split, ScanOptions.STRICT);
      assertThat(index.recordsWereInAddressOrder()).isTrue();
      assertSameIndex(index,
          HeapIndex.build(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE, false, Long.MAX_VALUE), ScanOptions.STRICT));
      // The first pass can keep every object for the index, split or not: the same index, no second pass.
      for (long threshold : new long[] {0, Long.MAX_VALUE}) {
        assertThat(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE, true, threshold).takeObjectRecords())
            .isNotNull();
        assertSameIndex(HeapIndex.build(DumpCatalog.build(f, ScanOptions.STRICT, LayoutOverrides.NONE, true, threshold),
            ScanOptions.STRICT), index);
      }
    }
  }

  @Test
  void objectsThatDoNotPackAreReadAgainByTheIndex() throws IOException {
    // An address 4 bytes past another: the kept records give up, and the index reads the dump.
    Path f = nodesInTwoSegments("odd.hprof", new long[] {0x1000, 0x1004}, new long[] {0x2000});
    try (HprofFile file = HprofFile.open(f)) {
      assertThat(DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, true, 0).takeObjectRecords()).isNull();
      HeapIndex index = HeapIndex.build(DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, true, 0),
          ScanOptions.STRICT);
      assertAddresses(index, 0x100, 0x1000, 0x1004, 0x2000);
    }
  }

  /** A dump of class Node (mirror at 0x100) with instances at these addresses, in two segments. */
  private Path nodesInTwoSegments(String name, long[] first, long[] second) throws IOException {
    return NodeDumps.write(dir.resolve(name), new long[0], first, second);
  }

  /** The index holds exactly these addresses, in this order, and finds each. */
  private static void assertAddresses(HeapIndex index, long... expected) {
    assertThat(index.objectCount()).isEqualTo(expected.length);
    for (int o = 0; o < expected.length; o++) {
      assertThat(index.address(o)).isEqualTo(expected[o]);
      assertThat(index.indexOf(expected[o])).isEqualTo(o);
    }
  }

  @Test
  void partsOutOfAddressOrderAreDetectedAndSorted() throws IOException {
    // Like JDK 21's parallel dumper: each segment ascends, but the second holds the lower addresses.
    Path f = nodesInTwoSegments("parts.hprof", new long[] {0x5000, 0x5010}, new long[] {0x1000, 0x1010, 0x1020});
    try (HprofFile file = HprofFile.open(f)) {
      DumpCatalog split = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, false, 0);
      assertThat(split.objectsPerPart()).containsExactly(2, 3);
      HeapIndex index = HeapIndex.build(split, ScanOptions.STRICT);
      assertThat(index.recordsWereInAddressOrder()).isFalse();
      assertAddresses(index, 0x100, 0x1000, 0x1010, 0x1020, 0x5000, 0x5010);
      assertSameIndex(index, HeapIndex.build(
          DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, false, Long.MAX_VALUE), ScanOptions.STRICT));
      assertSameIndex(index, HeapIndex.build(
          DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, true, 0), ScanOptions.STRICT));
    }
  }

  @Test
  void theSecondOfTwoHeapDumpsSplitsToo() throws IOException {
    Path f2 = Fixtures.twoHeapDumps(8).writeTo(dir.resolve("two.hprof"));
    try (HprofFile f = HprofFile.open(f2)) {
      ScanOptions second = new ScanOptions(1, false);
      assertSame(DumpCatalog.build(f, second, LayoutOverrides.NONE, false, 0),
          DumpCatalog.build(f, second, LayoutOverrides.NONE, false, Long.MAX_VALUE));
    }
  }

  @Test
  void anErrorInTheSecondPartIsReportedWithItsOffset() throws IOException {
    HprofWriter w = new HprofWriter(8);
    w.segment(w.body().root(0x05, 0x10).root(0x05, 0x20));
    w.segment(w.body().root(0x05, 0x30).u1(0x42).u8(0));
    w.heapDumpEnd();
    Path f = w.writeTo(dir.resolve("broken.hprof"));
    long secondSegment = w.recordOffsets().get(w.recordOffsets().size() - 2);
    try (HprofFile file = HprofFile.open(f)) {
      assertThatThrownBy(() -> DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, false, 0))
          .isInstanceOf(HprofFormatException.class)
          .hasMessageContaining("unknown heap-dump sub-record 0x42")
          .hasMessageContaining("at offset 0x" + Long.toHexString(secondSegment + 9 + 1 + 8));
    }
  }

  @Test
  void anErrorInAPartIsToldBeforeATruncationTheWalkFindsLater() throws IOException {
    // The sequential scan tells the bad sub-record, the lower offset: so must the split one, whose
    // parts parse while the walk goes on to the cut end.
    HprofWriter w = new HprofWriter(8);
    w.segment(w.body().root(0x05, 0x10).u1(0x42).u8(0));
    w.segment(w.body().root(0x05, 0x30));
    w.heapDumpEnd();
    assertSplitTellsWhatSequentialTells(cut(w, 4), "unknown heap-dump sub-record 0x42", 20);
  }

  @Test
  void aTruncationAloneIsToldAsTheSequentialScanTellsIt() throws IOException {
    HprofWriter w = new HprofWriter(8);
    w.segment(w.body().root(0x05, 0x10));
    w.segment(w.body().root(0x05, 0x30));
    w.heapDumpEnd();
    // Cut inside the second segment's body: the walk finds its length a lie while the first part reads.
    assertSplitTellsWhatSequentialTells(cut(w, 12), "truncated file", 1);
  }

  /** The dump {@code w} wrote, less its last {@code bytes}. */
  private Path cut(HprofWriter w, int bytes) throws IOException {
    byte[] whole = Files.readAllBytes(w.writeTo(dir.resolve("whole.hprof")));
    return Files.write(dir.resolve("cut.hprof"), Arrays.copyOf(whole, whole.length - bytes));
  }

  /** The sequential scan's error says {@code what}; the split scan's is the same, {@code times} over. */
  private static void assertSplitTellsWhatSequentialTells(Path dump, String what, int times) throws IOException {
    try (HprofFile file = HprofFile.open(dump)) {
      String sequential = catchThrowableOfType(
          () -> DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, false, Long.MAX_VALUE),
          HprofFormatException.class).getMessage();
      assertThat(sequential).contains(what);
      for (int i = 0; i < times; i++) {
        assertThatThrownBy(() -> DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, false, 0))
            .isInstanceOf(HprofFormatException.class)
            .hasMessage(sequential);
      }
    }
  }

  @Test
  void aDumpIndexPastTheFilesDumpsIsToldWhenSplit() throws IOException {
    Path f2 = Fixtures.twoHeapDumps(8).writeTo(dir.resolve("two.hprof"));
    try (HprofFile f = HprofFile.open(f2)) {
      assertThatThrownBy(() -> DumpCatalog.build(f, new ScanOptions(2, false), LayoutOverrides.NONE, false, 0))
          .isInstanceOf(NoSuchDumpException.class);
    }
  }
}
