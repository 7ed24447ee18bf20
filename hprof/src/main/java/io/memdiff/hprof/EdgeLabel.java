package io.memdiff.hprof;

/**
 * What a reference is, packed in an int: a kind in the top 3 bits and a value (field slot, array
 * index, static slot) in the low 29. Labels are per source object: a field slot is meaningful with the
 * source's class.
 */
public final class EdgeLabel {
  public static final int FIELD = 0;
  public static final int ELEMENT = 1;
  public static final int STATIC = 2;
  /** Implicit edges, as MAT adds them: instance → its class, class → super, loader, signers, domain. */
  public static final int CLASS_OF = 3;
  public static final int SUPERCLASS = 4;
  public static final int LOADER = 5;
  public static final int SIGNERS = 6;
  public static final int PROTECTION_DOMAIN = 7;

  private static final int VALUE_BITS = 29;
  private static final int VALUE_MASK = (1 << VALUE_BITS) - 1;

  private EdgeLabel() {}

  /** Array indices beyond 2^29 − 1 are clamped; only the label, never the target, loses precision. */
  public static int of(int kind, int value) {
    return (kind << VALUE_BITS) | Math.min(value, VALUE_MASK);
  }

  public static int kind(int label) {
    return label >>> VALUE_BITS;
  }

  public static int value(int label) {
    return label & VALUE_MASK;
  }
}
