package io.memdiff.hprof;

import java.util.Arrays;

/**
 * Infers the real JVM layout from object addresses, which is all the dump offers: the smallest address
 * gap after an {@code Object[n]} (n = 0..7) bounds its real size from above, and is equal to it
 * wherever the next object is adjacent; the lowest set bit over all addresses gives the alignment.
 * Record order need not be address order: a gap is taken only between ascending neighbours, and
 * objects never overlap, so a gap is never smaller than the real size.
 */
final class LayoutSamples {
  private static final int MAX_LENGTH = 8;
  private final long[] minGap = new long[MAX_LENGTH];
  private long addressBits;
  private long previousAddress = -1;
  private int previousLength = -1;
  private int previousInstanceSlot = -1;
  private ShallowTally tally;

  LayoutSamples() {
    Arrays.fill(minGap, Long.MAX_VALUE);
  }

  /** An instance of the class in tally slot {@code slot}. */
  void instance(long address, ShallowTally tally, int slot) {
    object(address, -1);
    this.tally = tally;
    previousInstanceSlot = slot;
  }

  /** @param objectArrayLength the length when the object is an {@code Object[]}, else −1 */
  void object(long address, int objectArrayLength) {
    // One test of the gap for both samples keeps this method small enough for C2 to inline per object.
    addressBits |= address;
    if (address > previousAddress) {
      long gap = address - previousAddress;
      if (previousInstanceSlot >= 0) {
        tally.gapAfterInstance(previousInstanceSlot, gap);
      }
      if (previousLength >= 0 && gap < minGap[previousLength]) {
        minGap[previousLength] = gap;
      }
    }
    previousInstanceSlot = -1;
    previousAddress = address;
    previousLength = objectArrayLength >= 0 && objectArrayLength < MAX_LENGTH ? objectArrayLength : -1;
  }

  /** Takes in the samples of another run of the file (the gap across the boundary is not sampled). */
  void merge(LayoutSamples later) {
    addressBits |= later.addressBits;
    for (int n = 0; n < MAX_LENGTH; n++) {
      minGap[n] = Math.min(minGap[n], later.minGap[n]);
    }
  }

  Layout infer(int idSize) {
    return infer(idSize, null);
  }

  /** Whether the address gaps decide the layout, rather than a default standing in for them. */
  boolean gapsDecide(int idSize) {
    boolean[] decided = {false};
    infer(idSize, decided);
    return decided[0];
  }

  private Layout infer(int idSize, boolean[] decided) {
    int align = 8;
    if (addressBits != 0) {
      align = (int) Math.min(256, Math.max(8, Long.lowestOneBit(addressBits)));
    }
    Layout[] candidates = idSize == 4
        ? new Layout[] {Layout.thirtyTwoBit(align)}
        : new Layout[] {Layout.compressed(align), Layout.compactHeaders(align), Layout.wideOops(align), Layout.uncompressed(align)};
    Layout best = candidates[0];
    int bestScore = -1;
    for (Layout c : candidates) {
      int score = 0;
      for (int n = 0; n < MAX_LENGTH; n++) {
        if (minGap[n] == Long.MAX_VALUE) {
          continue;
        }
        long predicted = c.objectArraySize(n);
        if (predicted > minGap[n]) {
          score = -1; // the real object would overlap its neighbour
          break;
        }
        if (predicted == minGap[n]) {
          score++;
        }
      }
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    if (decided != null) {
      decided[0] = bestScore > 0;
    }
    String how = bestScore > 0
        ? "inferred from Object[] address gaps"
        : "assumed (too few Object[] samples to infer)";
    return new Layout(best.header(), best.refSize(), best.align(), best.arrayGranularity(), best.description() + ", " + how);
  }
}
