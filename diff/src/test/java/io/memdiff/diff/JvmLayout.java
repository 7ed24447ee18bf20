package io.memdiff.diff;

/**
 * The sizes a HotSpot JVM gives objects, written down from the JVM's layout rules, not read from a
 * dump: the truth a test holds the diff's bytes against. Compressed oops and class pointers (a heap
 * under 32 GB), 8-byte alignment; compact object headers (JDK 25's option) make the header 8 bytes.
 */
record JvmLayout(int header, int ref, int align) {
  static final JvmLayout COMPRESSED = new JvmLayout(12, 4, 8);
  static final JvmLayout COMPACT_HEADERS = new JvmLayout(8, 4, 8);

  long instance(int fieldBytes) {
    return alignUp(header + fieldBytes);
  }

  /** An array's header is the object header and a 4-byte length. */
  long array(long length, int elementBytes) {
    return alignUp(header + 4 + length * elementBytes);
  }

  long refArray(long length) {
    return array(length, ref);
  }

  /** A Latin-1 {@code String}: the object (hash, value, coder, hashIsZero) and its byte[]. */
  long latin1String(int chars) {
    return instance(4 + ref + 1 + 1) + array(chars, 1);
  }

  long alignUp(long size) {
    return (size + align - 1) / align * align;
  }

  /** The table length of a ConcurrentHashMap grown from its default by {@code entries} puts. */
  static int concurrentHashMapTable(int entries) {
    int n = 16;
    while (entries >= n - (n >>> 2)) {
      n <<= 1;
    }
    return n;
  }

  /** The table length of a HashMap grown from its default by {@code entries} puts. */
  static int hashMapTable(int entries) {
    int n = 16;
    while (entries > n - (n >>> 2)) {
      n <<= 1;
    }
    return n;
  }

  /** The capacity of an ArrayList grown from empty by {@code adds} adds (10, then 1.5 times). */
  static int arrayListCapacity(int adds) {
    int c = 10;
    while (c < adds) {
      c += c >> 1;
    }
    return c;
  }
}
