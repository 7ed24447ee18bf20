package io.memdiff.hprof;

import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.longs.Long2LongOpenHashMap;

/**
 * The dump's UTF8 records (class, field, method and thread-group names), decoded on demand from the
 * mapped file. Never holds string contents of the heap itself.
 */
public final class Strings {
  private final MappedFile data;
  private final Long2LongOpenHashMap offsets = new Long2LongOpenHashMap();
  private final Long2IntOpenHashMap lengths = new Long2IntOpenHashMap();

  Strings(MappedFile data) {
    this.data = data;
    offsets.defaultReturnValue(-1);
  }

  void add(long id, long offset, int length) {
    offsets.put(id, offset);
    lengths.put(id, length);
  }

  public int size() {
    return offsets.size();
  }

  public boolean contains(long id) {
    return offsets.containsKey(id);
  }

  /** The string with this id, or null when the dump has none. */
  public String get(long id) {
    long offset = offsets.get(id);
    if (offset < 0) {
      return null;
    }
    int length = lengths.get(id);
    byte[] bytes = new byte[length];
    data.get(offset, bytes, 0, length);
    return decodeModifiedUtf8(bytes);
  }

  /** The string, or {@code <unnamed 0x…>} where the dump lacks it. */
  public String getOrPlaceholder(long id) {
    String s = get(id);
    return s != null ? s : "<unnamed 0x" + Long.toHexString(id) + ">";
  }

  /**
   * Modified UTF-8 as the JVM writes it; malformed bytes become U+FFFD rather than failing, and so
   * does a surrogate without its partner, which no encoder of the output could write.
   */
  static String decodeModifiedUtf8(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length);
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        sb.append((char) c);
        i++;
      } else if ((c & 0xE0) == 0xC0 && continuation(b, i + 1)) {
        sb.append((char) (((c & 0x1F) << 6) | (b[i + 1] & 0x3F)));
        i += 2;
      } else if ((c & 0xF0) == 0xE0 && continuation(b, i + 1) && continuation(b, i + 2)) {
        sb.append((char) (((c & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F)));
        i += 3;
      } else {
        sb.append('\uFFFD');
        i++;
      }
    }
    return withoutLoneSurrogates(sb);
  }

  private static boolean continuation(byte[] b, int i) {
    return i < b.length && (b[i] & 0xC0) == 0x80;
  }

  private static String withoutLoneSurrogates(StringBuilder sb) {
    for (int i = 0; i < sb.length(); i++) {
      char c = sb.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < sb.length() && Character.isLowSurrogate(sb.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        sb.setCharAt(i, '\uFFFD');
      }
    }
    return sb.toString();
  }

}
