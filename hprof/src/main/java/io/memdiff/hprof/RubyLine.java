package io.memdiff.hprof;

import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The fields memdiff uses of one line of {@code ObjectSpace.dump_all} output, read by a scanner over
 * the line's bytes that checks the JSON as it goes; one instance is reused for every line, and the
 * strings it keeps (types, files) come from a table, so a line costs no allocation. String values
 * ({@code "value"}) are skipped unread: dumps hold secrets.
 */
final class RubyLine {
  /** Deeper nesting than any dump has: past it a line is refused rather than overflowing the stack. */
  private static final int MAX_DEPTH = 64;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;

  boolean root;
  String rootName;
  long address;
  boolean hasAddress;
  String type;
  long classAddress;
  boolean hasClass;
  String name;
  boolean singleton;
  String imemoType;
  /** A DATA object's C type ({@code VM/thread}, {@code ObjectTracing/allocation_info_tracer}). */
  String struct;
  long memsize;
  String file;
  int line;
  final LongArrayList references = new LongArrayList();

  private final RubyStrings strings = new RubyStrings();
  private byte[] b;
  private int pos;
  private int start;
  private int end;

  /** Why a line could not be read; the caller adds the file and the line number. */
  static final class Problem extends Exception {
    Problem(String message) {
      super(message, null, false, false);
    }
  }

  private void clear() {
    root = false;
    rootName = null;
    hasAddress = false;
    type = null;
    hasClass = false;
    name = null;
    singleton = false;
    imemoType = null;
    struct = null;
    memsize = 0;
    file = null;
    line = -1;
    references.clear();
  }

  /** Reads the line in {@code bytes[offset, offset + length)}, without its line break. */
  void parse(byte[] bytes, int offset, int length) throws Problem {
    clear();
    b = bytes;
    pos = offset;
    start = offset;
    end = offset + length;
    int first = skipWhitespace();
    if (first != '{') {
      if (first == '[' || first == '"' || first == '-' || (first >= '0' && first <= '9')) {
        throw new Problem("not a JSON object");
      }
      throw invalid();
    }
    pos++;
    if (skipWhitespace() == '}') {
      pos++;
    } else {
      while (true) {
        field();
        if (closes('}')) {
          break;
        }
      }
    }
    if (pos < end && skipWhitespace() >= 0) {
      throw new Problem("more than one JSON value on the line");
    }
    if (type == null) {
      throw new Problem("no \"type\"");
    }
    root = type.equals("ROOT");
    if (root && rootName == null) {
      throw new Problem("a ROOT line without \"root\"");
    }
    if (!root && !hasAddress) {
      throw new Problem("a " + type + " line without \"address\"");
    }
  }

  /** One {@code "name": value} pair, the scanner on its opening quote. */
  private void field() throws Problem {
    if (skipWhitespace() != '"') {
      throw invalid();
    }
    int keyStart = pos + 1;
    skipString();
    int keyLength = pos - 1 - keyStart;
    if (skipWhitespace() != ':') {
      throw invalid();
    }
    pos++;
    skipWhitespace();
    switch (keyLength) {
      case 4 -> {
        if (key(keyStart, "type")) {
          type = text("type");
        } else if (key(keyStart, "root")) {
          rootName = text("root");
        } else if (key(keyStart, "name")) {
          name = text("name");
        } else if (key(keyStart, "file")) {
          file = text("file");
        } else if (key(keyStart, "line")) {
          line = (int) Math.min(Integer.MAX_VALUE, number("line"));
        } else {
          skipValue(0);
        }
      }
      case 5 -> {
        if (key(keyStart, "class")) {
          classAddress = hex("class");
          hasClass = true;
        } else {
          skipValue(0);
        }
      }
      case 6 -> {
        if (key(keyStart, "struct")) {
          struct = text("struct");
        } else {
          skipValue(0);
        }
      }
      case 7 -> {
        if (key(keyStart, "address")) {
          address = hex("address");
          hasAddress = true;
        } else if (key(keyStart, "memsize")) {
          memsize = number("memsize");
        } else {
          skipValue(0);
        }
      }
      case 9 -> {
        if (key(keyStart, "singleton")) {
          singleton = pos < end && b[pos] == 't';
        }
        skipValue(0);
      }
      case 10 -> {
        if (key(keyStart, "imemo_type")) {
          imemoType = text("imemo_type");
        } else if (key(keyStart, "references")) {
          references();
        } else {
          skipValue(0);
        }
      }
      default -> skipValue(0);
    }
  }

  private boolean key(int at, String name) {
    for (int i = 0; i < name.length(); i++) {
      if (b[at + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void references() throws Problem {
    if (peek() != '[') {
      skipValue(0);
      throw new Problem("\"references\" is not an array");
    }
    pos++;
    if (skipWhitespace() == ']') {
      pos++;
      return;
    }
    while (true) {
      skipWhitespace();
      references.add(hex("references"));
      if (closes(']')) {
        return;
      }
    }
  }

  /** A string value, from the table when it has been seen before. */
  private String text(String field) throws Problem {
    if (peek() != '"') {
      skipValue(0);
      throw new Problem("\"" + field + "\" is not a string");
    }
    int from = pos + 1;
    boolean escaped = skipString();
    int to = pos - 1;
    return escaped ? unescape(from, to) : strings.of(b, from, to - from);
  }

  private long number(String field) throws Problem {
    int c = peek();
    if (c == '-' && pos + 1 < end && b[pos + 1] >= '0' && b[pos + 1] <= '9') {
      skipValue(0);
      throw new Problem("\"" + field + "\" is negative");
    }
    if (c < '0' || c > '9') {
      skipValue(0);
      throw new Problem("\"" + field + "\" is not an integer");
    }
    int from = pos;
    long n = 0;
    while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
      n = n * 10 + (b[pos++] - '0');
    }
    boolean fraction = pos < end && (b[pos] == '.' || b[pos] == 'e' || b[pos] == 'E');
    if (fraction || pos - from > 18 || (b[from] == '0' && pos - from > 1)) {
      pos = from;
      skipValue(0);
      throw new Problem("\"" + field + "\" is not an integer");
    }
    return n;
  }

  /** A {@code "0x7f…"} address, read from the line's bytes without making a String. */
  private long hex(String field) throws Problem {
    if (peek() != '"') {
      skipValue(0);
      throw new Problem("\"" + field + "\" holds something other than an address string");
    }
    int from = pos + 1;
    skipString();
    int length = pos - 1 - from;
    if (length < 3 || length > 18 || b[from] != '0' || (b[from + 1] != 'x' && b[from + 1] != 'X')) {
      throw new Problem("\"" + field + "\" holds something other than a 0x address");
    }
    long v = 0;
    for (int i = from + 2; i < from + length; i++) {
      int d = Character.digit(b[i], 16);
      if (d < 0) {
        throw new Problem("\"" + field + "\" holds something other than a 0x address");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  /** Skips any JSON value, checking it. */
  private void skipValue(int depth) throws Problem {
    if (depth > MAX_DEPTH) {
      throw new Problem("nested deeper than " + MAX_DEPTH);
    }
    int c = peek();
    switch (c) {
      case '"' -> skipString();
      case '{' -> {
        pos++;
        if (skipWhitespace() == '}') {
          pos++;
          return;
        }
        while (true) {
          if (skipWhitespace() != '"') {
            throw invalid();
          }
          skipString();
          if (skipWhitespace() != ':') {
            throw invalid();
          }
          pos++;
          skipWhitespace();
          skipValue(depth + 1);
          if (closes('}')) {
            return;
          }
        }
      }
      case '[' -> {
        pos++;
        if (skipWhitespace() == ']') {
          pos++;
          return;
        }
        while (true) {
          skipWhitespace();
          skipValue(depth + 1);
          if (closes(']')) {
            return;
          }
        }
      }
      case 't' -> literal("true");
      case 'f' -> literal("false");
      case 'n' -> literal("null");
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          skipNumber();
        } else {
          throw invalid();
        }
      }
    }
  }

  /** After a member: true at the closing bracket (consumed), false after a comma. */
  private boolean closes(int close) throws Problem {
    int c = skipWhitespace();
    pos++;
    if (c == close) {
      return true;
    }
    if (c != ',') {
      pos--;
      throw invalid();
    }
    return false;
  }

  private void literal(String word) throws Problem {
    for (int i = 0; i < word.length(); i++) {
      if (peek() != word.charAt(i)) {
        throw invalid();
      }
      pos++;
    }
  }

  private void skipNumber() throws Problem {
    if (b[pos] == '-') {
      pos++;
    }
    if (peek() < '0' || peek() > '9') {
      throw invalid();
    }
    while (pos < end) {
      byte c = b[pos];
      if ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        pos++;
      } else {
        return;
      }
    }
  }

  /** Moves past the string that opens at {@code pos}; whether it holds an escape. */
  private boolean skipString() throws Problem {
    pos++;
    boolean escaped = false;
    while (true) {
      // Eight bytes at a time up to the first quote, backslash or control byte.
      while (pos + 8 <= end) {
        long w = (long) LONGS.get(b, pos);
        long quote = w ^ 0x2222222222222222L;
        long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
        long special = (((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((w - 0x20 * ONES) & ~w))
            & (ONES << 7);
        if (special != 0) {
          pos += Long.numberOfTrailingZeros(special) >>> 3;
          break;
        }
        pos += 8;
      }
      if (pos >= end) {
        throw truncated();
      }
      byte c = b[pos];
      if (c == '"') {
        pos++;
        return escaped;
      }
      if (c == '\\') {
        escaped = true;
        if (pos + 1 >= end) {
          throw truncated();
        }
        if (b[pos + 1] == 'u') {
          for (int k = pos + 2; k < pos + 6; k++) {
            if (k >= end) {
              throw truncated();
            }
            if (Character.digit(b[k], 16) < 0) {
              pos = k;
              throw invalid();
            }
          }
          pos += 6;
        } else {
          pos += 2;
        }
      } else if (c >= 0 && c < 0x20) {
        throw invalid();
      } else {
        pos++;
      }
    }
  }

  /** A string with escapes, decoded (rare in the fields kept: a file name with a quote). */
  private String unescape(int from, int to) throws Problem {
    StringBuilder s = new StringBuilder();
    int run = from;
    for (int i = from; i < to; i++) {
      if (b[i] != '\\') {
        continue;
      }
      s.append(new String(b, run, i - run, StandardCharsets.UTF_8));
      char e = (char) b[i + 1];
      switch (e) {
        case 'n' -> s.append('\n');
        case 't' -> s.append('\t');
        case 'r' -> s.append('\r');
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'u' -> {
          int v = 0;
          for (int k = i + 2; k < i + 6; k++) {
            int d = Character.digit(b[k], 16);
            if (d < 0) {
              pos = k;
              throw invalid();
            }
            v = (v << 4) | d;
          }
          s.append((char) v);
          i += 4;
        }
        case '"', '\\', '/' -> s.append(e);
        default -> {
          pos = i + 1;
          throw invalid();
        }
      }
      i++;
      run = i + 1;
    }
    return s.append(new String(b, run, to - run, StandardCharsets.UTF_8)).toString();
  }

  /** The next byte that is not JSON whitespace (not consumed), or −1 at the end of the line. */
  private int skipWhitespace() {
    while (pos < end) {
      byte c = b[pos];
      if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
        return c;
      }
      pos++;
    }
    return -1;
  }

  private int peek() throws Problem {
    if (pos >= end) {
      throw truncated();
    }
    return b[pos];
  }

  private Problem truncated() {
    return new Problem("truncated: the line ends inside a JSON value");
  }

  /** Names the column (from 1) of the byte that cannot be there, never its text. */
  private Problem invalid() {
    return pos >= end ? truncated() : new Problem("not valid JSON at column " + (pos - start + 1));
  }
}
