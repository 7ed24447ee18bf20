package io.memdiff.paths;

/**
 * The objects more than one strong reference from a strongly reachable object reaches (references
 * into roots not counted), and each one's immediate dominator. Only such an object can have an owner
 * other than the object that first reached it, so this is all the route table needs of the dominator
 * tree ({@link RouteTable#followOwners}); the dominator pass hands it over as soon as it is known,
 * before the tree's retained sizes and order are done.
 */
public final class HeldTwice {
  /** One bit per object. */
  private final long[] bits;
  /** Per word of {@link #bits}, the set bits before it: an object's rank among these objects. */
  private final int[] base;
  /** The immediate dominator of each of these objects, by its rank. */
  private final int[] owners;

  HeldTwice(long[] bits, int[] base, int[] owners) {
    this.bits = bits;
    this.base = base;
    this.owners = owners;
  }

  /** Per word of a bit set, how many bits are set in the words before it. */
  static int[] rankBase(long[] bits) {
    int[] base = new int[bits.length];
    int n = 0;
    for (int k = 0; k < bits.length; k++) {
      base[k] = n;
      n += Long.bitCount(bits[k]);
    }
    return base;
  }

  /** How many set bits of {@code bits} come before bit {@code i}; {@code base} is {@link #rankBase}'s. */
  static int rank(long[] bits, int[] base, int i) {
    return base[i >>> 6] + Long.bitCount(bits[i >>> 6] & ((1L << i) - 1));
  }

  boolean contains(int object) {
    return (bits[object >>> 6] & 1L << object) != 0;
  }

  /**
   * The immediate dominator of an object this set {@link #contains}, as {@link Dominators#idom} gives
   * it. An array by rank, not a map: the route table asks once or twice per such object, and a map's
   * probes miss the cache more.
   */
  int owner(int object) {
    return owners[rank(bits, base, object)];
  }
}
