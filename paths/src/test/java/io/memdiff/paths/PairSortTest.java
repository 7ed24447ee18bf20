package io.memdiff.paths;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The dominator pass's radix sort of (target, source) pairs by target, on a stretch of the array. */
class PairSortTest {
  @ParameterizedTest
  @CsvSource({"0, 1000, 300, false", "0, 1000, 200000, false", "37, 1000, 200000, false", "37, 1000, 70000, false",
      "500, 501, 9, false", "990, 1000, 2000000000, false",
      "0, 1000, 300, true", "37, 1000, 200000, true", "990, 1000, 2000000000, true"})
  void sortsTheStretchByTargetAndLeavesTheRestAlone(int lo, int hi, int maxTarget, boolean inPlace) {
    Random random = new Random(lo * 31L + maxTarget);
    long[] pairs = new long[1000];
    for (int i = 0; i < pairs.length; i++) {
      pairs[i] = (long) random.nextInt(maxTarget + 1) << 32 | random.nextInt(1 << 20);
    }
    long[] before = pairs.clone();
    PairSort.forceInPlace = inPlace; // as when the heap has no room for the radix sort's second array
    try {
      PairSort.sortByTarget(pairs, lo, hi, maxTarget);
    } finally {
      PairSort.forceInPlace = false;
    }
    for (int i = lo + 1; i < hi; i++) {
      assertThat(pairs[i] >>> 32).as("target at %d", i).isGreaterThanOrEqualTo(pairs[i - 1] >>> 32);
    }
    long[] sorted = Arrays.copyOfRange(pairs, lo, hi);
    long[] expected = Arrays.copyOfRange(before, lo, hi);
    Arrays.sort(sorted);
    Arrays.sort(expected);
    assertThat(sorted).as("the same pairs").containsExactly(expected);
    assertThat(Arrays.copyOfRange(pairs, 0, lo)).containsExactly(Arrays.copyOfRange(before, 0, lo));
    assertThat(Arrays.copyOfRange(pairs, hi, pairs.length)).containsExactly(Arrays.copyOfRange(before, hi, before.length));
  }
}
