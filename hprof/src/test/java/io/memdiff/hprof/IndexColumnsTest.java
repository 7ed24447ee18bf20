package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The index's address and offset columns in each of their four forms: values come back as written,
 * and the sort an unordered dump needs orders by address, then offset, across the packed forms'
 * sign bit (offsets past 2 GiB, addresses past 16 GiB above the base).
 */
class IndexColumnsTest {
  private static final long BASE = 0x7_0000_0000L;

  @ParameterizedTest
  @CsvSource({"true, true", "true, false", "false, true", "false, false"})
  void sortsByAddressThenOffsetAndKeepsEveryPair(boolean packAddresses, boolean packOffsets) {
    Random random = new Random(7);
    int n = 5_000;
    long[][] pairs = new long[n][];
    for (int i = 0; i < n; i++) {
      // A few hundred distinct addresses, so ties on the address are sorted by offset.
      long address = BASE + 8L * (random.nextInt(300) * 14_000_000L + random.nextInt(2));
      long offset = (random.nextLong() >>> 1) % 0xFFFF_FFF0L;
      pairs[i] = new long[] {address, offset};
    }
    IndexColumns columns = new IndexColumns(n, BASE, packAddresses, packOffsets);
    for (int i = 0; i < n; i++) {
      assertThat(columns.set(i, pairs[i][0], pairs[i][1])).isTrue();
      assertThat(columns.address(i)).isEqualTo(pairs[i][0]);
      assertThat(columns.offset(i)).isEqualTo(pairs[i][1]);
    }
    assertThat(Arrays.stream(pairs).mapToLong(p -> p[1]).max().getAsLong()).isGreaterThan(1L << 31);
    assertThat(Arrays.stream(pairs).mapToLong(p -> p[0] - BASE).max().getAsLong()).isGreaterThan(1L << 34);

    columns.sort(n);
    Arrays.sort(pairs, Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
    for (int i = 0; i < n; i++) {
      assertThat(new long[] {columns.address(i), columns.offset(i)}).as("entry %d", i).containsExactly(pairs[i]);
    }
  }

  @ParameterizedTest
  @CsvSource({
      "0, true",
      "8, true",
      "34359738360, true", // (2^32 − 1)·8 above the base: the last that packs
      "34359738368, false",
      "4, false", // off the 8-byte grid
      "-8, false", // below the base
  })
  void packedAddressesRefuseWhatDoesNotFit(long delta, boolean fits) {
    IndexColumns packed = new IndexColumns(1, BASE, true, true);
    assertThat(packed.set(0, BASE + delta, 0)).isEqualTo(fits);
    IndexColumns wide = new IndexColumns(1, BASE, false, true);
    assertThat(wide.set(0, BASE + delta, 0)).isTrue();
    assertThat(wide.address(0)).isEqualTo(BASE + delta);
  }
}
