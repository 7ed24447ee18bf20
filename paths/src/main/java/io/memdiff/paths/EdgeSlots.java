package io.memdiff.paths;

import io.memdiff.hprof.EdgeLabel;

/**
 * An edge's label in one byte, kept per reference so a path's names need no second read of the dump:
 * a field or static slot below {@link #UNKNOWN}, or a code for array elements and implicit edges.
 * Which of field and static a slot means follows from the source (an instance or a class mirror).
 */
final class EdgeSlots {
  static final int UNKNOWN = 240;
  /** What {@link #decode} gives for a slot that did not fit the byte: the source must be re-read. */
  static final int REREAD = -1;
  private static final int ELEMENT = 241;
  private static final int CLASS_OF = 242;
  private static final int SUPERCLASS = 243;
  private static final int LOADER = 244;
  private static final int SIGNERS = 245;
  private static final int PROTECTION_DOMAIN = 246;

  private EdgeSlots() {}

  static byte encode(int label) {
    int v = EdgeLabel.value(label);
    int code = switch (EdgeLabel.kind(label)) {
      case EdgeLabel.FIELD, EdgeLabel.STATIC -> v < UNKNOWN ? v : UNKNOWN;
      case EdgeLabel.ELEMENT -> ELEMENT;
      case EdgeLabel.CLASS_OF -> CLASS_OF;
      case EdgeLabel.SUPERCLASS -> SUPERCLASS;
      case EdgeLabel.LOADER -> LOADER;
      case EdgeLabel.SIGNERS -> SIGNERS;
      default -> PROTECTION_DOMAIN;
    };
    return (byte) code;
  }

  /**
   * The {@link EdgeLabel} of a code, or {@link #REREAD} when the slot did not fit a byte and the
   * source must be re-read. Array indexes are not kept: elements decode to index 0.
   *
   * @param sourceIsClass the source is a class mirror, so a slot is a static field's
   */
  static int decode(byte slot, boolean sourceIsClass) {
    int code = slot & 0xFF;
    if (code < UNKNOWN) {
      return EdgeLabel.of(sourceIsClass ? EdgeLabel.STATIC : EdgeLabel.FIELD, code);
    }
    return switch (code) {
      case ELEMENT -> EdgeLabel.of(EdgeLabel.ELEMENT, 0);
      case CLASS_OF -> EdgeLabel.of(EdgeLabel.CLASS_OF, 0);
      case SUPERCLASS -> EdgeLabel.of(EdgeLabel.SUPERCLASS, 0);
      case LOADER -> EdgeLabel.of(EdgeLabel.LOADER, 0);
      case SIGNERS -> EdgeLabel.of(EdgeLabel.SIGNERS, 0);
      case PROTECTION_DOMAIN -> EdgeLabel.of(EdgeLabel.PROTECTION_DOMAIN, 0);
      default -> REREAD;
    };
  }
}
