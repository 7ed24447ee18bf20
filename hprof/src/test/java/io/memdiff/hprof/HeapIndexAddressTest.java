package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import io.memdiff.testdata.HprofWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The index keeps addresses as 4-byte offsets from the lowest when they are 8-byte aligned within
 * 32 GiB of it, and as plain longs otherwise: both answer the same.
 */
class HeapIndexAddressTest {
  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
      "16, true", // aligned, close together
      "19, false", // one address off the 8-byte grid
      "34359738368, false", // 32 GiB apart
      "34359734488, true", // the highest is (2^32 − 1)·8 above the lowest: the farthest that packs
      "34359734496, false", // 8 bytes farther
  })
  void everyAddressIsFoundAndNoOtherIs(long step, boolean packed) throws IOException {
    long cls = 0x100;
    long first = 0x1000;
    long[] addresses = {first, first + 0x10, first + 0x10 + step, first + 0x20 + step};
    try (HprofFile file = HprofFile.open(nodes(cls, addresses, "addresses.hprof"))) {
      HeapIndex index = HeapIndex.build(DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE),
          ScanOptions.STRICT);
      assertThat(index.addressesArePacked()).isEqualTo(packed);
      assertThat(index.objectCount()).isEqualTo(5); // and the class mirror at 0x100, the lowest
      assertThat(index.address(0)).isEqualTo(cls);
      for (int i = 0; i < addresses.length; i++) {
        assertThat(index.address(i + 1)).isEqualTo(addresses[i]);
        assertThat(index.indexOf(addresses[i])).isEqualTo(i + 1);
        assertThat(index.indexOf(addresses[i] + 8)).as("no object at %x", addresses[i] + 8).isEqualTo(-1);
        assertThat(index.indexOf(addresses[i] + 1)).isEqualTo(-1);
      }
      assertThat(index.indexOf(0)).isEqualTo(-1);
      assertThat(index.indexOf(first + 0x30 + step)).isEqualTo(-1);
      assertThat(index.indexOf(Long.MAX_VALUE)).isEqualTo(-1);
    }
  }

  /**
   * Once the analysis drops the lookup table, a lookup searches every address, and after many of
   * them the table is made again: the answers are the same all along, packed addresses or not.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void lookupsAnswerTheSameWithoutTheTableAndOnceItIsMadeAgain(boolean aligned) throws IOException {
    Random random = new Random(42);
    long[] addresses = new long[3000];
    long a = 0x1000;
    for (int i = 0; i < addresses.length; i++) {
      a += 16 + 8L * random.nextInt(1 << random.nextInt(12));
      addresses[i] = aligned ? a : a + 3;
    }
    try (HprofFile file = HprofFile.open(nodes(0x100, addresses, "lookup.hprof"))) {
      HeapIndex index = HeapIndex.build(DumpCatalog.build(file, ScanOptions.STRICT, LayoutOverrides.NONE),
          ScanOptions.STRICT);
      assertThat(index.addressesArePacked()).isEqualTo(aligned);
      index.releaseLookup();
      assertThat(index.hasLookupTable()).isFalse();
      everyAddressFound(index, addresses);
      assertThat(index.hasLookupTable()).as("a few thousand lookups make no table").isFalse();
      int lookups = 0;
      while (!index.hasLookupTable() && lookups <= HeapIndex.LOOKUPS_BEFORE_REBUILD) {
        assertThat(index.indexOf(addresses[lookups % addresses.length])).isEqualTo(lookups % addresses.length + 1);
        lookups++;
      }
      assertThat(index.hasLookupTable()).as("made again after %d lookups", lookups).isTrue();
      everyAddressFound(index, addresses);
    }
  }

  /** A dump of one class, Node, whose mirror is at {@code cls}, and an instance at each address. */
  private Path nodes(long cls, long[] addresses, String name) throws IOException {
    HprofWriter w = new HprofWriter(8);
    w.loadClass(1, cls, 1, w.string("Node"));
    HprofWriter.Bytes heap = w.body().classDump(cls, 0, 0, 0, new long[0][], new long[0][]);
    for (long a : addresses) {
      heap.instance(a, 1, cls, w.body());
    }
    w.segment(heap);
    w.heapDumpEnd();
    return w.writeTo(dir.resolve(name));
  }

  private static void everyAddressFound(HeapIndex index, long[] addresses) {
    assertThat(index.indexOf(0x100)).isZero();
    for (int i = 0; i < addresses.length; i++) {
      assertThat(index.indexOf(addresses[i])).isEqualTo(i + 1);
      assertThat(index.indexOf(addresses[i] + 8)).isEqualTo(-1);
    }
    assertThat(index.indexOf(0)).isEqualTo(-1);
    assertThat(index.indexOf(addresses[addresses.length - 1] + 16)).isEqualTo(-1);
  }
}
