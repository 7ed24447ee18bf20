package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Class mirrors come before the objects in a dump but sit anywhere among them in the heap: each part
 * of the index puts its share in among its objects as they come. Every way of building the index
 * (one pass, two parts scanned again, two parts from the first pass's records) gives the same
 * entries in address order, mirrors as classes, and each address once.
 */
class HeapIndexMirrorsTest {
  @TempDir Path dir;

  private static final long NODE = NodeDumps.NODE;

  private Path dump(String name, long[] mirrors, long[] first, long[] second) throws IOException {
    return NodeDumps.write(dir.resolve(name), mirrors, first, second);
  }

  /** The index built each way, in order: one pass; two parts read again; two parts from records. */
  private static HeapIndex[] everyWay(HprofFile file) throws IOException {
    DumpCatalog split = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, false, 0);
    DumpCatalog kept = DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, true, 0);
    assertThat(split.objectsPerPart()).hasSize(2);
    assertThat(kept.takeObjectRecords()).hasSize(2); // and a fresh catalog for the index below
    return new HeapIndex[] {
        HeapIndex.build(DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, false, Long.MAX_VALUE),
            ScanOptions.STRICT),
        HeapIndex.build(split, ScanOptions.STRICT),
        HeapIndex.build(DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE, true, 0), ScanOptions.STRICT),
    };
  }

  /** Exactly these addresses, ascending, each found, the mirrors among them as classes. */
  private static void assertEntries(HeapIndex index, long[] expected, long[] mirrors) {
    assertThat(index.objectCount()).isEqualTo(expected.length);
    for (int o = 0; o < expected.length; o++) {
      long a = expected[o];
      assertThat(index.address(o)).as("address of entry %d", o).isEqualTo(a);
      assertThat(index.indexOf(a)).isEqualTo(o);
      boolean mirror = a == NODE || Arrays.stream(mirrors).anyMatch(m -> m == a);
      assertThat(index.kind(o)).as("kind at %x", a).isEqualTo(mirror ? HeapIndex.KIND_CLASS : HeapIndex.KIND_INSTANCE);
      assertThat(index.classOf(o).name()).isEqualTo(mirror ? "java.lang.Class" : "Node");
    }
  }

  private static long[] sorted(long[]... parts) {
    return Arrays.stream(parts).flatMapToLong(LongStream::of).sorted().distinct().toArray();
  }

  @Test
  void mirrorsBelowBetweenAndAboveTheObjectsOfBothParts() throws IOException {
    // 0x4000, the last mirror below the second part's first object, is still among the first's.
    long[] mirrors = {0x3008, 0x9000, 0x0080, 0x2000, 0x5008, 0x5010, 0x4000};
    long[] first = {0x1000, 0x1010, 0x3000, 0x3010, 0x4800};
    long[] second = {0x5000, 0x6000, 0x6010};
    try (HprofFile file = HprofFile.open(dump("among.hprof", mirrors, first, second))) {
      for (HeapIndex index : everyWay(file)) {
        assertEntries(index, sorted(new long[] {NODE}, mirrors, first, second), mirrors);
        assertThat(index.recordsWereInAddressOrder()).isTrue();
        assertThat(index.duplicateAddresses()).isZero();
      }
    }
  }

  @Test
  void aMirrorAtAnObjectsAddressIsCountedOnceAsTheObject() throws IOException {
    // Two records at one address: the index keeps the first in address order, as a sort would.
    long[] first = {0x1000, 0x2000};
    long[] second = {0x3000, 0x4000};
    try (HprofFile file = HprofFile.open(dump("same.hprof", new long[] {0x2000, 0x3000}, first, second))) {
      for (HeapIndex index : everyWay(file)) {
        assertEntries(index, sorted(new long[] {NODE}, first, second), new long[0]);
        assertThat(index.duplicateAddresses()).isEqualTo(2);
      }
    }
  }

  @Test
  void anObjectWrittenTwiceIsCountedOnce() throws IOException {
    long[] first = {0x1000, 0x2000, 0x2000};
    long[] second = {0x3000};
    try (HprofFile file = HprofFile.open(dump("twice.hprof", new long[] {0x2800}, first, second))) {
      for (HeapIndex index : everyWay(file)) {
        assertEntries(index, sorted(new long[] {NODE, 0x2800}, first, second), new long[] {0x2800});
        assertThat(index.duplicateAddresses()).isEqualTo(1);
        assertThat(index.recordsWereInAddressOrder()).isFalse();
      }
    }
  }

  @Test
  void aPartWithoutObjectsLeavesTheMirrorsToTheEndAndTheSort() throws IOException {
    // The first segment holds only the class dumps, so the first part has no object at all.
    long[] mirrors = {0x0500, 0x1008, 0x9000};
    long[] second = {0x1000, 0x1010, 0x1020};
    try (HprofFile file = HprofFile.open(dump("empty.hprof", mirrors, new long[0], second))) {
      for (HeapIndex index : everyWay(file)) {
        assertEntries(index, sorted(new long[] {NODE}, mirrors, second), mirrors);
        assertThat(index.duplicateAddresses()).isZero();
      }
    }
  }

  @Test
  void partsOutOfAddressOrderAreSortedWithTheirMirrors() throws IOException {
    // Like JDK 21's parallel dumper: each segment ascends, the second holds the lower addresses.
    long[] mirrors = {0x0500, 0x5008, 0x1008, 0x9000};
    long[] first = {0x5000, 0x5010};
    long[] second = {0x1000, 0x1010, 0x1020};
    try (HprofFile file = HprofFile.open(dump("parts.hprof", mirrors, first, second))) {
      for (HeapIndex index : everyWay(file)) {
        assertEntries(index, sorted(new long[] {NODE}, mirrors, first, second), mirrors);
        assertThat(index.recordsWereInAddressOrder()).isFalse();
        assertThat(index.duplicateAddresses()).isZero();
      }
    }
  }
}
