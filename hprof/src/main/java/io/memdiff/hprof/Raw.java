package io.memdiff.hprof;

import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteOrder;

/**
 * Big-endian reads at raw addresses of mapped memory, through {@code sun.misc.Unsafe} (module
 * jdk.unsupported, no flags needed), on JDK 17 to 23. Only {@link MappedFile} calls this, and only for positions it
 * has checked lie inside a mapping: a read outside one would crash the JVM rather than throw.
 */
final class Raw {
  static final boolean AVAILABLE;
  private static final sun.misc.Unsafe U;
  private static final long ADDRESS_OFFSET;
  private static final boolean LITTLE = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  static {
    // JDK 24 and later warn on stderr when Unsafe's memory access is used (JEP 498): there the buffer
    // path is taken instead, so output stays clean.
    boolean allowed = Runtime.version().feature() < 24 && !Boolean.getBoolean("memdiff.noUnsafe");
    sun.misc.Unsafe u = null;
    long offset = -1;
    try {
      if (!allowed) {
        throw new UnsupportedOperationException("Unsafe memory access not used on this JDK");
      }
      Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      u = (sun.misc.Unsafe) f.get(null);
      offset = u.objectFieldOffset(Buffer.class.getDeclaredField("address"));
    } catch (ReflectiveOperationException | RuntimeException e) {
      u = null;
    }
    U = u;
    ADDRESS_OFFSET = offset;
    AVAILABLE = u != null;
  }

  private Raw() {}

  static long address(Buffer direct) {
    return U.getLong(direct, ADDRESS_OFFSET);
  }

  static int u1(long address) {
    return U.getByte(address) & 0xFF;
  }

  static int u2(long address) {
    short v = U.getShort(address);
    return (LITTLE ? Short.reverseBytes(v) : v) & 0xFFFF;
  }

  static int i4(long address) {
    int v = U.getInt(address);
    return LITTLE ? Integer.reverseBytes(v) : v;
  }

  static long i8(long address) {
    long v = U.getLong(address);
    return LITTLE ? Long.reverseBytes(v) : v;
  }
}
