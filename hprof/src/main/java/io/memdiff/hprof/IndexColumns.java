package io.memdiff.hprof;

import it.unimi.dsi.fastutil.ints.IntArrays;
import it.unimi.dsi.fastutil.longs.LongArrays;
import java.util.Arrays;

/**
 * Each object's address and record offset, as a {@link HeapIndex} builds and keeps them: ints where
 * the dump allows (see {@link HeapIndex}), written so from the first object on. Building in longs and packing afterwards held 16 bytes per object more at the peak of the
 * index pass, all of it fresh memory.
 *
 * <p>Both packed forms have the sign bit flipped, so signed int order is address (or offset) order.
 */
final class IndexColumns {
  private final long base;
  private int[] packedAddresses;
  private long[] wideAddresses;
  private int[] packedOffsets;
  private long[] wideOffsets;

  /**
   * @param base the lowest address when addresses are packed
   * @param packAddresses every address is {@code base} plus a multiple of 8 below 32 GiB
   * @param packOffsets every record offset is below 4 GiB
   */
  IndexColumns(int capacity, long base, boolean packAddresses, boolean packOffsets) {
    this.base = packAddresses ? base : 0;
    if (packAddresses) {
      packedAddresses = new int[capacity];
    } else {
      wideAddresses = new long[capacity];
    }
    if (packOffsets) {
      packedOffsets = new int[capacity];
    } else {
      wideOffsets = new long[capacity];
    }
  }

  /** Whether addresses of a dump in [min, max] whose addresses all agree in their low three bits pack. */
  static boolean addressesPack(long min, long max, boolean lowBitsAgree) {
    return lowBitsAgree && max - min >= 0 && max - min < (1L << 35);
  }

  int capacity() {
    return packedOffsets != null ? packedOffsets.length : wideOffsets.length;
  }

  boolean addressesPacked() {
    return packedAddresses != null;
  }

  long address(int i) {
    return packedAddresses != null ? unpackAddress(packedAddresses[i]) : wideAddresses[i];
  }

  long offset(int i) {
    return packedOffsets != null ? (packedOffsets[i] ^ Integer.MIN_VALUE) & 0xFFFF_FFFFL : wideOffsets[i];
  }

  private long unpackAddress(int packed) {
    return base + ((packed ^ Integer.MIN_VALUE) & 0xFFFF_FFFFL) * 8;
  }

  /** The entry in {@code [from, to)} of a sorted run whose address this is, or −1. */
  int search(int from, int to, long address) {
    int i;
    if (packedAddresses != null) {
      long delta = address - base;
      if (delta < 0 || (delta & 7) != 0 || (delta >>> 35) != 0) {
        return -1;
      }
      i = Arrays.binarySearch(packedAddresses, from, to, (int) (delta >>> 3) ^ Integer.MIN_VALUE);
    } else {
      i = Arrays.binarySearch(wideAddresses, from, to, address);
    }
    return i >= 0 ? i : -1;
  }

  /** False when the address does not fit the packed form chosen from the first pass. */
  boolean set(int i, long address, long offset) {
    if (packedAddresses != null) {
      long delta = address - base;
      if (delta < 0 || (delta & 7) != 0 || (delta >>> 35) != 0) {
        return false;
      }
      packedAddresses[i] = (int) (delta >>> 3) ^ Integer.MIN_VALUE;
    } else {
      wideAddresses[i] = address;
    }
    if (packedOffsets != null) {
      packedOffsets[i] = (int) offset ^ Integer.MIN_VALUE;
    } else {
      wideOffsets[i] = offset;
    }
    return true;
  }

  void move(int from, int to) {
    if (packedAddresses != null) {
      packedAddresses[to] = packedAddresses[from];
    } else {
      wideAddresses[to] = wideAddresses[from];
    }
    if (packedOffsets != null) {
      packedOffsets[to] = packedOffsets[from];
    } else {
      wideOffsets[to] = wideOffsets[from];
    }
  }

  /** Sorts the first {@code n} entries by address, then record offset. */
  void sort(int n) {
    if (packedAddresses != null && packedOffsets != null) {
      IntArrays.parallelQuickSort(packedAddresses, packedOffsets, 0, n);
    } else if (wideAddresses != null && wideOffsets != null) {
      LongArrays.parallelQuickSort(wideAddresses, wideOffsets, 0, n);
    } else {
      it.unimi.dsi.fastutil.Arrays.parallelQuickSort(0, n, (a, b) -> {
        int c = Long.compare(address(a), address(b));
        return c != 0 ? c : Long.compare(offset(a), offset(b));
      }, (a, b) -> {
        long address = address(a);
        long offset = offset(a);
        move(b, a);
        set(b, address, offset);
      });
    }
  }

  void trim(int n) {
    if (packedAddresses != null) {
      packedAddresses = Arrays.copyOf(packedAddresses, n);
    } else {
      wideAddresses = Arrays.copyOf(wideAddresses, n);
    }
    if (packedOffsets != null) {
      packedOffsets = Arrays.copyOf(packedOffsets, n);
    } else {
      wideOffsets = Arrays.copyOf(wideOffsets, n);
    }
  }
}
