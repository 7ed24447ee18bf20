package io.memdiff.hprof;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The strings a Ruby dump repeats on line after line (types, file names, class names), each made
 * once: a table from a value's UTF-8 bytes to its String. It stops growing at a bound, past which a
 * value is decoded each time, so a dump of many distinct names cannot make it large.
 */
final class RubyStrings {
  private static final int MAX_ENTRIES = 1 << 16;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[][] keys = new byte[1024][];
  private String[] values = new String[1024];
  private int size;

  String of(byte[] bytes, int offset, int length) {
    int hash = hash(bytes, offset, length);
    int mask = keys.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      byte[] key = keys[i];
      if (key == null) {
        String value = new String(bytes, offset, length, StandardCharsets.UTF_8);
        if (size < MAX_ENTRIES) {
          keys[i] = Arrays.copyOfRange(bytes, offset, offset + length);
          values[i] = value;
          if (++size * 2 > keys.length) {
            grow();
          }
        }
        return value;
      }
      if (key.length == length && Arrays.equals(key, 0, length, bytes, offset, offset + length)) {
        return values[i];
      }
    }
  }

  /** Eight bytes at a time: file names run to dozens. */
  private static int hash(byte[] bytes, int offset, int length) {
    long h = length;
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      h = (h ^ (long) LONGS.get(bytes, offset + i)) * 0x9E3779B97F4A7C15L;
    }
    for (; i < length; i++) {
      h = (h ^ bytes[offset + i]) * 0x9E3779B97F4A7C15L;
    }
    return (int) (h ^ (h >>> 29));
  }

  private void grow() {
    byte[][] oldKeys = keys;
    String[] oldValues = values;
    keys = new byte[oldKeys.length * 2][];
    values = new String[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int k = 0; k < oldKeys.length; k++) {
      if (oldKeys[k] != null) {
        int i = hash(oldKeys[k], 0, oldKeys[k].length) & mask;
        while (keys[i] != null) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[k];
        values[i] = oldValues[k];
      }
    }
  }
}
