package io.memdiff.hprof.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Ranges cut into parts for the machine's cores: every position once, bounds on 64-position words. */
class PartsTest {
  @ParameterizedTest
  @CsvSource({"0, 100000, 1000, 7", "1, 100001, 1000, 64", "5, 70, 1, 3", "0, 10, 1000, 8", "0, 0, 1, 4"})
  void everyPositionIsRunOnceAndPartsMeetOnWordBoundaries(int from, int to, int minimum, int cores) {
    AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(1, to));
    ConcurrentLinkedQueue<int[]> parts = new ConcurrentLinkedQueue<>();
    Parts.run(from, to, minimum, cores, "test-parts", (lo, hi) -> {
      parts.add(new int[] {lo, hi});
      for (int i = lo; i < hi; i++) {
        seen.incrementAndGet(i);
      }
    });
    for (int i = 0; i < to; i++) {
      assertThat(seen.get(i)).as("position %d", i).isEqualTo(i >= from ? 1 : 0);
    }
    assertThat(parts.size()).isBetween(1, cores);
    for (int[] p : parts) {
      assertThat(p[0] == from || p[0] % 64 == 0).as("a part starting at %d", p[0]).isTrue();
      if (p[1] > p[0]) {
        assertThat((long) p[1] - p[0]).isGreaterThanOrEqualTo(Math.min(minimum, to - from) - 64L);
      }
    }
  }

  @Test
  void aPartsFailureReachesTheCaller() {
    assertThatThrownBy(() -> Parts.run(0, 1 << 16, 1024, 4, "test-parts", (lo, hi) -> {
      if (lo > 0) {
        throw new IllegalStateException("part at " + lo);
      }
    })).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("part at ");
  }
}
