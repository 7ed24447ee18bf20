package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.memdiff.testdata.Fixtures;
import io.memdiff.testdata.Hprof;
import io.memdiff.testdata.HprofWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Truncation at every record boundary and inside records; lying length fields. */
class TruncationTest {
  @TempDir Path dir;

  static Stream<Arguments> fixtures() {
    return Stream.of(
        Arguments.of("minimal-4", Fixtures.minimal(4)),
        Arguments.of("minimal-8", Fixtures.minimal(8)),
        Arguments.of("every-record-type", Fixtures.everyRecordType(8)),
        Arguments.of("android", Fixtures.android()),
        Arguments.of("two-dumps", Fixtures.twoHeapDumps(8)));
  }

  /**
   * Every proper prefix that ends at a record boundary or 1, 5, 9, 10 or 17 bytes into a record, except
   * a boundary right after a HEAP DUMP END: a file cut there is a complete file with fewer dumps.
   */
  static List<Integer> cuts(HprofWriter w) {
    byte[] full = w.toByteArray();
    int length = full.length;
    List<Integer> cuts = new ArrayList<>();
    List<Long> records = w.recordOffsets();
    for (int i = 0; i < records.size(); i++) {
      long r = records.get(i);
      for (int k : new int[] {0, 1, 5, 9, 10, 17}) {
        long cut = r + k;
        boolean afterEnd = false;
        for (long e : records) {
          afterEnd |= full[(int) e] == Hprof.HEAP_DUMP_END && e + 9 == cut;
        }
        if (!afterEnd && r + k < length && !cuts.contains((int) r + k)) {
          cuts.add((int) r + k);
        }
      }
    }
    cuts.add(length - 1);
    return cuts;
  }

  private Path write(byte[] bytes) throws IOException {
    return Files.write(dir.resolve("cut-" + bytes.length + ".hprof"), bytes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void aStrictReadOfAnyPrefixFailsWithTheOffsetOfTheProblem(String name, HprofWriter w) throws IOException {
    byte[] full = w.toByteArray();
    for (int cut : cuts(w)) {
      Path f = write(Arrays.copyOf(full, cut));
      HprofFormatException e = catchThrowableOfType(() -> {
        try (HprofFile file = HprofFile.open(f, null, 64)) {
          DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE);
        }
      }, HprofFormatException.class);
      assertThat(e).as("cut at %d of %d", cut, full.length).isNotNull();
      assertThat(e.offset()).as("cut at %d", cut).isBetween(0L, (long) cut);
      assertThat(e.file()).isEqualTo(f);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void aLenientReadKeepsWhatIsCompleteAndSaysWhatWasLost(String name, HprofWriter w) throws IOException {
    byte[] full = w.toByteArray();
    long fullObjects;
    try (HprofFile file = HprofFile.open(write(full))) {
      fullObjects = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE).objects();
    }
    int lastHeapRecord = (int) (long) w.recordOffsets().get(w.recordOffsets().size() - 1);
    for (int cut : cuts(w)) {
      if (cut <= lastHeapRecord / 2) {
        continue; // cut before any heap dump: nothing to keep, still an error
      }
      Path f = write(Arrays.copyOf(full, cut));
      try (HprofFile file = HprofFile.open(f, null, 64)) {
        DumpCatalog c;
        try {
          c = DumpCatalog.build(file, new ScanOptions(0, true), LayoutOverrides.NONE);
        } catch (HprofFormatException e) {
          assertThat(e.getMessage()).as("cut at %d", cut).contains("no heap dump");
          continue;
        }
        assertThat(c.objects()).as("cut at %d", cut).isLessThanOrEqualTo(fullObjects);
        assertThat(c.scan().truncated()).as("cut at %d", cut).isTrue();
        assertThat(c.scan().truncatedAt()).isLessThanOrEqualTo(cut);
        // The index from the first pass's records holds what a second lenient pass finds.
        ScanOptions lenient = new ScanOptions(0, true);
        HeapIndex read = HeapIndex.build(c, lenient);
        HeapIndex kept = HeapIndex.build(DumpCatalog.build(file, lenient, LayoutOverrides.NONE, true), lenient);
        assertThat(kept.objectCount()).as("cut at %d", cut).isEqualTo(read.objectCount());
        for (int o = 0; o < read.objectCount(); o++) {
          assertThat(kept.address(o)).as("cut at %d", cut).isEqualTo(read.address(o));
          assertThat(kept.recordOffset(o)).as("cut at %d", cut).isEqualTo(read.recordOffset(o));
          assertThat(kept.classIndexOf(o)).as("cut at %d", cut).isEqualTo(read.classIndexOf(o));
        }
      }
    }
  }

  @Test
  void anArrayWhoseLengthLiesIsRefusedBeforeAnythingIsAllocated() throws IOException {
    HprofWriter w = new HprofWriter(8);
    w.segment(w.body().primitiveArray(0x10, 1, Hprof.LONG, 0x7FFF_FFF0L, new byte[16]));
    w.heapDumpEnd();
    Path f = write(w.toByteArray());
    try (HprofFile file = HprofFile.open(f)) {
      assertThatThrownBy(() -> DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE))
          .isInstanceOf(HprofFormatException.class)
          .hasMessageContaining("sub-record 0x23 (PRIMITIVE ARRAY DUMP) needs")
          .hasMessageContaining("at offset 0x");
    }
  }

  /**
   * Android's PRIMITIVE ARRAY NODATA has no elements after its header, so any length fits its
   * segment: one longer than a JVM array can be is refused by name and offset, not cast to an int.
   */
  @Test
  void aLengthNoArrayCanHaveIsRefusedWhereNoElementsFollow() throws IOException {
    HprofWriter w = new HprofWriter(8);
    byte[] noData = w.body().u1(0xC3).id(0x40).u4(1).u4(0xFFFF_FFF0L).u1(Hprof.INT).toByteArray();
    w.segment(w.body().root(0x05, 0x10).rawSubRecord(noData));
    w.heapDumpEnd();
    long segment = w.recordOffsets().get(w.recordOffsets().size() - 2);
    Path f = write(w.toByteArray());
    try (HprofFile file = HprofFile.open(f)) {
      HprofFormatException e = catchThrowableOfType(
          () -> DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE), HprofFormatException.class);
      assertThat(e).isNotNull();
      assertThat(e.getMessage()).contains("declares 4294967280 elements, more than a JVM array can hold");
      assertThat(e.offset()).isEqualTo(segment + 9 + 9);
    }
  }

  /**
   * An instance or object array whose length field runs past its segment (the file itself goes on):
   * strict names the record, what it needs and what its segment has left, at its offset; lenient
   * abandons the rest of the segment and keeps what came before.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("lyingObjectRecords")
  void anObjectRecordOverrunningItsSegmentIsReportedWithBothLengths(String name, byte[] record, long needs)
      throws IOException {
    HprofWriter w = new HprofWriter(8);
    w.segment(w.body().root(0x05, 0x10).rawSubRecord(record));
    w.heapDumpEnd();
    long segment = w.recordOffsets().get(w.recordOffsets().size() - 2);
    long at = segment + 9 + 9; // the segment's header, then the root before the record
    Path f = write(w.toByteArray());
    try (HprofFile file = HprofFile.open(f)) {
      HprofFormatException e = catchThrowableOfType(
          () -> DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE), HprofFormatException.class);
      assertThat(e).as(name).isNotNull();
      assertThat(e.getMessage()).contains(name + ") needs " + needs + " bytes but its record has "
          + record.length + " left");
      assertThat(e.offset()).isEqualTo(at);
      DumpCatalog lenient = DumpCatalog.build(file, new ScanOptions(0, true), LayoutOverrides.NONE);
      assertThat(lenient.roots().size()).isEqualTo(1);
      assertThat(lenient.objects()).isZero();
    }
  }

  static Stream<Arguments> lyingObjectRecords() {
    HprofWriter w = new HprofWriter(8);
    // Declares 1000 bytes of field values, has 8.
    byte[] instance = w.body().u1(0x21).id(0x20).u4(1).id(0x30).u4(1000).u8(0).toByteArray();
    // Declares 1000 elements, has one.
    byte[] objectArray = w.body().u1(0x22).id(0x20).u4(1).u4(1000).id(0x30).id(0x10).toByteArray();
    return Stream.of(
        Arguments.of("INSTANCE DUMP", instance, 1L + 2 * 8 + 8 + 1000),
        Arguments.of("OBJECT ARRAY DUMP", objectArray, 1L + 2 * 8 + 8 + 1000 * 8));
  }

  @Test
  void aRecordLongerThanTheFileIsReportedWithBothLengths() throws IOException {
    HprofWriter w = new HprofWriter(8);
    w.record(Hprof.HEAP_DUMP_SEGMENT, 0xFFFF_FFF0L, w.body().u4(0));
    Path f = write(w.toByteArray());
    try (HprofFile file = HprofFile.open(f)) {
      assertThatThrownBy(() -> DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE))
          .hasMessageContaining("record 0x1C (HEAP DUMP SEGMENT) declares 4294967280 bytes but only 4 remain")
          .hasMessageContaining("at offset 0x1f");
    }
  }

  @Test
  void anUnknownSubRecordIsAnErrorUnlessLenient() throws IOException {
    HprofWriter w = new HprofWriter(8);
    w.segment(w.body().root(0x05, 0x10).u1(0x42).u8(0));
    w.heapDumpEnd();
    Path f = write(w.toByteArray());
    try (HprofFile file = HprofFile.open(f)) {
      assertThatThrownBy(() -> DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE))
          .hasMessageContaining("unknown heap-dump sub-record 0x42").hasMessageContaining("at offset 0x");
      DumpCatalog lenient = DumpCatalog.build(file, new ScanOptions(0, true), LayoutOverrides.NONE);
      assertThat(lenient.scan().unknownSubRecords()).isEqualTo(1);
      assertThat(lenient.roots().size()).isEqualTo(1);
    }
  }

  @Test
  void aSegmentLeftAtLengthZeroByADyingJvmIsReadToTheEndWhenLenient() throws IOException {
    HprofWriter good = Fixtures.minimal(8);
    byte[] full = good.toByteArray();
    int segment = (int) (long) good.recordOffsets().get(good.recordOffsets().size() - 2);
    byte[] broken = Arrays.copyOf(full, full.length - 9); // no END record
    broken[segment + 5] = broken[segment + 6] = broken[segment + 7] = broken[segment + 8] = 0;
    Path f = write(broken);
    try (HprofFile file = HprofFile.open(f)) {
      assertThatThrownBy(() -> DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE))
          .hasMessageContaining("has length 0");
      DumpCatalog c = DumpCatalog.build(file, new ScanOptions(0, true), LayoutOverrides.NONE);
      assertThat(c.objects()).isEqualTo(Fixtures.OBJECTS);
      assertThat(c.scan().truncated()).isTrue();
    }
  }
}
