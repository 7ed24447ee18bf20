package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Overriding the inferred layout: the array base follows the header and reference width given. */
class LayoutOverridesTest {
  @Test
  void compressedReferencesGivenOverAnUncompressedGuessStartElementsRightAfterTheLength() {
    Layout l = new LayoutOverrides(12, 4, 8).apply(Layout.uncompressed(8));
    assertThat(l.arrayBase(4)).isEqualTo(16);
    assertThat(l.arrayBase(8)).isEqualTo(16);
    assertThat(l.arrayBase(1)).isEqualTo(16);
  }

  @Test
  void noCompressionGivenOverACompressedGuessStartsElementsEightAligned() {
    Layout l = new LayoutOverrides(16, 8, 8).apply(Layout.compressed(8));
    assertThat(l.arrayBase(1)).isEqualTo(24);
    assertThat(l.arrayBase(8)).isEqualTo(24);
  }

  @Test
  void anAlignmentAloneKeepsTheInferredArrayBase() {
    assertThat(new LayoutOverrides(null, null, 16).apply(Layout.uncompressed(8)).arrayBase(1)).isEqualTo(24);
    assertThat(new LayoutOverrides(null, null, 16).apply(Layout.compressed(8)).arrayBase(1)).isEqualTo(16);
  }
}
