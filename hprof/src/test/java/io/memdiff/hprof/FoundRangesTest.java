package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The parts of a split scan read every range the walk publishes once, in order, while it walks. */
class FoundRangesTest {
  /** A walk of {@code ranges} ranges of 100 bytes from offset 1000, with pauses, read by {@code parts} readers. */
  private static List<List<Long>> walkAndRead(int ranges, int parts, long seed, int abandonAfter) throws Exception {
    FoundRanges found = new FoundRanges();
    long length = 1000 + 100L * ranges;
    List<List<Long>> read = new ArrayList<>();
    List<CompletableFuture<Void>> readers = new ArrayList<>();
    for (int k = 0; k < parts; k++) {
      List<Long> mine = new ArrayList<>();
      read.add(mine);
      int part = k;
      readers.add(CompletableFuture.runAsync(() -> {
        try {
          RecordScanner.readPart((r, from, to) -> {
            for (int i = from; i < to; i += 2) {
              assertThat(r[i + 1]).isEqualTo(r[i] + 100);
              mine.add(r[i]);
            }
          }, found, part, parts, length);
        } catch (HprofFormatException e) {
          throw new AssertionError(e);
        }
      }));
    }
    Random random = new Random(seed);
    for (int i = 0; i < ranges; i++) {
      if (i == abandonAfter) {
        found.abandon();
        break;
      }
      found.add(1000 + 100L * i, 1100 + 100L * i);
      if (random.nextInt(8) == 0) {
        LockSupport.parkNanos(random.nextInt(200_000));
      }
    }
    found.finish();
    for (CompletableFuture<Void> f : readers) {
      f.join();
    }
    return read;
  }

  @RepeatedTest(20)
  void everyRangeIsReadOnceInOrderByTheFirstPartWhoseShareHoldsIt() throws Exception {
    Random random = new Random();
    int ranges = 1 + random.nextInt(3000);
    int parts = 2 + random.nextInt(7);
    List<List<Long>> read = walkAndRead(ranges, parts, random.nextLong(), -1);
    List<Long> all = new ArrayList<>();
    long share = 100L * ranges / parts;
    for (int k = 0; k < parts; k++) {
      for (long body : read.get(k)) {
        assertThat(body - 1000).as("part %d of %d reads its share", k, parts)
            .isGreaterThanOrEqualTo(k == 0 ? 0 : share * k)
            .isLessThan(k + 1 == parts ? Long.MAX_VALUE : share * (k + 1));
      }
      all.addAll(read.get(k));
    }
    assertThat(all).hasSize(ranges);
    for (int i = 0; i < ranges; i++) {
      assertThat(all.get(i)).isEqualTo(1000 + 100L * i);
    }
  }

  @Test
  void aWalkWithNoRangesEndsEveryPart() throws Exception {
    assertThat(walkAndRead(0, 3, 1, -1)).allSatisfy(part -> assertThat(part).isEmpty());
  }

  @Test
  void anAbandonedWalkStopsThePartsBeforeItsEnd() throws Exception {
    List<List<Long>> read = walkAndRead(2000, 2, 7, 1000);
    // What was published may be read; nothing after, and no part waits for the rest.
    assertThat(read.get(0).size() + read.get(1).size()).isLessThanOrEqualTo(1000);
    assertThat(read.get(1)).isEmpty(); // its share starts past the ranges published
  }
}
