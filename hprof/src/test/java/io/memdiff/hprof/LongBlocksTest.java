package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Values kept across block edges, read one by one and copied out whole. */
class LongBlocksTest {
  @Test
  void valuesAcrossBlockEdgesReadBackAndCopyOutInOrder() {
    LongBlocks values = new LongBlocks();
    int n = 3 * 65536 + 17;
    for (int i = 0; i < n; i++) {
      values.add(i * 31L - 5);
    }
    assertThat(values.size()).isEqualTo(n);
    assertThat(values.get(65535)).isEqualTo(65535 * 31L - 5);
    assertThat(values.get(65536)).isEqualTo(65536 * 31L - 5);
    assertThat(values.get(n - 1)).isEqualTo((n - 1) * 31L - 5);
    long[] copy = new long[n + 3];
    values.copyTo(copy, 3);
    for (int i = 0; i < n; i++) {
      assertThat(copy[i + 3]).isEqualTo(i * 31L - 5);
    }
    values.clear();
    assertThat(values.size()).isZero();
    values.add(7);
    assertThat(values.get(0)).isEqualTo(7);
  }
}
