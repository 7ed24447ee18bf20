package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The dominator search's pairs in chunks: appended as the search appends, then sorted chunk by chunk. */
class PairsTest {
  @ParameterizedTest
  @CsvSource({"3, 1, 0, 100", "3, 1000, 40, 5000", "4, 16, 16, 16", "4, 16, 17, 200", "30, 10, 500, 3000"})
  void everyChunkButTheLastIsFullAndEachSortsOnItsOwn(int shift, long estimate, int firstRun, int total) {
    Random random = new Random(shift * 31L + total);
    long[] appended = new long[total];
    for (int i = 0; i < total; i++) {
      // The second run's targets are all greater than the first's, as the search's are.
      int target = i < firstRun ? random.nextInt(50) : 50 + random.nextInt(1 << 20);
      appended[i] = (long) target << 32 | random.nextInt(1 << 20);
    }
    Pairs.chunkShift = shift;
    Pairs pairs;
    try {
      pairs = new Pairs(estimate);
    } finally {
      Pairs.chunkShift = 0;
    }
    append(pairs, appended, 0, firstRun);
    pairs.sortByTarget(0, 49);
    append(pairs, appended, firstRun, total);
    pairs.sortByTarget(firstRun, 50 + (1 << 20));

    assertThat(pairs.size()).isEqualTo(total);
    long[] all = new long[total];
    int at = 0;
    for (int c = 0; c < pairs.chunkCount(); c++) {
      int length = pairs.length(c);
      if (c < pairs.chunkCount() - 1) {
        assertThat(length).as("chunk %d of %d", c, pairs.chunkCount()).isEqualTo(1 << shift);
      }
      long[] chunk = pairs.chunk(c);
      for (int k = 1; k < length; k++) {
        assertThat(chunk[k] >>> 32).as("target at %d of chunk %d", k, c).isGreaterThanOrEqualTo(chunk[k - 1] >>> 32);
      }
      System.arraycopy(chunk, 0, all, at, length);
      at += length;
    }
    assertThat(pairs.chunkCount()).isEqualTo((int) ((total + (1L << shift) - 1) >>> shift));
    long[] expected = appended.clone();
    Arrays.sort(expected);
    Arrays.sort(all);
    assertThat(all).as("the same pairs").containsExactly(expected);
  }

  /** Appends as {@link DominatorSearch}'s loop does: into the last chunk, growing it when full. */
  private static void append(Pairs pairs, long[] values, int from, int to) {
    long[] chunk = pairs.last();
    int fill = pairs.fill;
    for (int i = from; i < to; i++) {
      if (fill == chunk.length) {
        chunk = pairs.grow(fill);
        fill = pairs.fill;
      }
      chunk[fill++] = values[i];
    }
    pairs.fill = fill;
  }
}
