package io.memdiff.hprof;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Addresses sorted with their memsizes and found again, whatever their order and spread. */
class RubyAddressesTest {
  private static final Random RANDOM = new Random(23);

  /** Sorts as the reference does (by address, then value) and finds every address and no other. */
  private static void check(long[] addresses) {
    int[] values = new int[addresses.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = RANDOM.nextInt(3);
    }
    long[][] pairs = new long[addresses.length][];
    for (int i = 0; i < pairs.length; i++) {
      pairs[i] = new long[] {addresses[i], values[i]};
    }
    Arrays.sort(pairs, Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
    long[] a = addresses.clone();
    int[] v = values.clone();
    RubyAddresses.sort(a, v);
    for (int i = 0; i < pairs.length; i++) {
      assertThat(new long[] {a[i], v[i]}).as("at %d", i).containsExactly(pairs[i]);
    }
    RubyAddresses found = new RubyAddresses(a);
    for (int i = 0; i < a.length; i++) {
      int at = found.indexOf(a[i]);
      assertThat(at).isGreaterThanOrEqualTo(0).isLessThanOrEqualTo(i);
      assertThat(a[at]).isEqualTo(a[i]);
      assertThat(at == 0 || a[at - 1] != a[i]).as("the first of equal addresses").isTrue();
    }
    for (int k = 0; k < 200; k++) {
      long probe = a.length > 0 && k % 2 == 0 ? a[RANDOM.nextInt(a.length)] + 1 + RANDOM.nextInt(7) : RANDOM.nextLong();
      boolean present = Arrays.stream(a).anyMatch(x -> x == probe);
      assertThat(found.contains(probe)).as("0x%x", probe).isEqualTo(present);
    }
  }

  @Test
  void pagesOfSlotsInAscendingRunsSortAndAreFound() {
    int n = 10_000;
    long[] a = new long[n];
    long[] pageOrder = {5, 1, 7, 2, 0, 3, 6, 4, 9, 8};
    for (int i = 0; i < n; i++) {
      a[i] = 0x7f0000000000L + pageOrder[i / 1000] * 65536 + 40L * (i % 1000);
    }
    check(a);
  }

  @Test
  void addressesInNoOrderWithRepeatsSortAndAreFound() {
    long[] a = new long[5000];
    for (int i = 0; i < a.length; i++) {
      a[i] = 0x1000 + 8L * RANDOM.nextInt(3000);
    }
    check(a);
  }

  @Test
  void addressesFarApartAndAtTheEndsOfTheRangeAreFound() {
    check(new long[] {0x55550000L, 0x7fff00000000L, 0x55550028L, Long.MAX_VALUE, Long.MIN_VALUE, -1, 0, 1});
    check(new long[] {-8, -16, -24, 16, 8});
    check(new long[] {42});
    check(new long[0]);
  }

  @Test
  void alreadySortedAddressesStayAsTheyAre() {
    long[] a = new long[1000];
    for (int i = 0; i < a.length; i++) {
      a[i] = 0x2000 + 40L * i;
    }
    check(a);
  }
}
