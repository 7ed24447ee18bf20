package io.memdiff.hprof;

/**
 * The real JVM's object layout, which the dump does not record: object header bytes, reference width
 * and alignment. Shallow sizes are estimates computed from it, following MAT's formulas and adding
 * compact object headers.
 *
 * @param arrayGranularity the array length field ends at {@code header + 4}; elements start at that
 *     offset rounded up to {@code max(elementSize, arrayGranularity)} (8 on 64-bit JVMs without
 *     compressed class pointers, else 4)
 * @param description how the layout was chosen, for {@code summary}
 */
public record Layout(int header, int refSize, int align, int arrayGranularity, String description) {

  /** Compressed oops and class pointers: the default of 64-bit HotSpot since JDK 6u23 for heaps under 32 GB. */
  public static Layout compressed(int align) {
    return new Layout(12, 4, align, 4, "64-bit, compressed oops and class pointers");
  }

  /** {@code -XX:+UseCompactObjectHeaders} (JDK 24+). */
  public static Layout compactHeaders(int align) {
    return new Layout(8, 4, align, 4, "64-bit, compact object headers");
  }

  /** {@code -XX:-UseCompressedOops} with compressed class pointers (JDK 15+). */
  public static Layout wideOops(int align) {
    return new Layout(12, 8, align, 4, "64-bit, uncompressed oops, compressed class pointers");
  }

  /** No compression at all (older 64-bit JVMs with -XX:-UseCompressedOops, heaps over 32 GB). */
  public static Layout uncompressed(int align) {
    return new Layout(16, 8, align, 8, "64-bit, uncompressed");
  }

  public static Layout thirtyTwoBit(int align) {
    return new Layout(8, 4, align, 4, "32-bit");
  }

  public Layout withOverrides(Integer header, Integer refSize, Integer align) {
    if (header == null && refSize == null && align == null) {
      return this;
    }
    int h = header != null ? header : this.header;
    int r = refSize != null ? refSize : this.refSize;
    // The granularity follows the header and reference width given, not the inference overridden:
    // elements start 8-aligned only without any compression (a 16-byte header and 8-byte references).
    int granularity = header == null && refSize == null ? arrayGranularity : h == 16 && r == 8 ? 8 : 4;
    return new Layout(h, r, align != null ? align : this.align, granularity,
        description + ", overridden on the command line");
  }

  public Layout withDescription(String text) {
    return new Layout(header, refSize, align, arrayGranularity, text);
  }

  public long alignUp(long size) {
    return (size + align - 1) / align * align;
  }

  /** Offset of the first element of an array with elements of this many bytes. */
  public int arrayBase(int elementSize) {
    int lengthEnd = header + 4;
    int unit = Math.max(elementSize, arrayGranularity);
    return (lengthEnd + unit - 1) / unit * unit;
  }

  public long objectArraySize(long length) {
    return alignUp(arrayBase(refSize) + length * refSize);
  }

  public long primitiveArraySize(int basicType, long length) {
    int e = BasicType.size(basicType, 0);
    return alignUp(arrayBase(e) + length * e);
  }

  /** Size of an instance whose fields hold {@code primitiveBytes} of primitives and {@code refs} references. */
  public long instanceSize(long primitiveBytes, int refs) {
    return alignUp(header + primitiveBytes + (long) refs * refSize);
  }
}
