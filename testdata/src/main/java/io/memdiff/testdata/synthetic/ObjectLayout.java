package io.memdiff.testdata.synthetic;

/**
 * The real sizes objects take in the simulated JVM, which set the gaps between their addresses: a
 * 64-bit HotSpot with compressed oops and class pointers (12-byte header, 4-byte references) for 8-byte
 * ids, a 32-bit one (8-byte header) for 4-byte ids; 8-byte alignment in both. memdiff infers the layout
 * from exactly these gaps after small {@code Object[]}s.
 */
record ObjectLayout(int header, int refSize, int align) {
  static ObjectLayout forIdSize(int idSize) {
    return idSize == 8 ? new ObjectLayout(12, 4, 8) : new ObjectLayout(8, 4, 8);
  }

  long instance(long primitiveBytes, int refs) {
    return alignUp(header + primitiveBytes + (long) refs * refSize);
  }

  long objectArray(long length) {
    return alignUp(header + 4 + length * refSize);
  }

  /** Arrays of bytes; the length field ends at a 4-aligned offset, where the elements start. */
  long byteArray(long length) {
    return alignUp(header + 4 + length);
  }

  long alignUp(long size) {
    return (size + align - 1) / align * align;
  }
}
