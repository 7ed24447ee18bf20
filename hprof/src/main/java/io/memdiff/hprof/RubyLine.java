package io.memdiff.hprof;

import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
  /** Each byte's value as a hex digit, or −1. */
  private static final byte[] HEX = new byte[256];

  static {
    Arrays.fill(HEX, (byte) -1);
    for (int d = 0; d < 16; d++) {
      HEX[Character.forDigit(d, 16)] = (byte) d;
      HEX[Character.toUpperCase(Character.forDigit(d, 16))] = (byte) d;
    }
  }

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
    object();
    if (pos < end && skipWhitespace() >= 0) {
      throw new Problem("more than one JSON value on the line");
    }
    checkShape();
  }

  /**
   * Reads the line that starts at {@code offset} without looking for its end first, when it is a
   * good line that ends before {@code available}: returns where it ends (its line break, or
   * {@code available} when {@code atEnd} says no bytes follow), or −1 for any other line, which
   * {@link #parse} then reads to say what is wrong with it. A line break is never JSON whitespace
   * here, so a value cannot run on into the next line: a good line is read exactly as {@link #parse}
   * reads it.
   */
  int parseLine(byte[] bytes, int offset, int available, boolean atEnd) {
    clear();
    b = bytes;
    pos = offset;
    start = offset;
    end = available;
    try {
      object();
      checkShape();
    } catch (Problem p) {
      return -1;
    }
    skipWhitespace();
    if (pos < end) {
      return b[pos] == '\n' ? pos : -1;
    }
    return atEnd ? pos : -1;
  }

  /** One JSON object, the scanner before it. */
  private void object() throws Problem {
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
  }

  /** What every line of a dump has: a type, and an address or (for a root) a root name. */
  private void checkShape() throws Problem {
    if (type == null) {
      throw new Problem("no \"type\"");
    }
    root = type.equals("ROOT");
    if (root && rootName == null) {
      throw new Problem("a ROOT line without \"root\"");
    }
    if (!root && !hasAddress) {
      throw withoutAddress(type);
    }
  }

  /** One {@code "name": value} pair, the scanner on its opening quote. */
  private void field() throws Problem {
    if (skipWhitespace() != '"') {
      throw invalid();
    }
    int keyStart = pos + 1;
    int keyLength = shortKey(keyStart);
    if (keyLength >= 0) {
      pos = keyStart + keyLength + 1;
    } else {
      skipString();
      keyLength = pos - 1 - keyStart;
    }
    if (skipWhitespace() != ':') {
      throw invalid();
    }
    pos++;
    skipWhitespace();
    // One call site for each reader, so that the compiled scanner stays small.
    int key = known(keyStart, keyLength);
    switch (key) {
      case TYPE, ROOT, NAME, IMEMO_TYPE, STRUCT -> {
        String text = text(key);
        switch (key) {
          case TYPE -> type = text;
          case ROOT -> rootName = text;
          case NAME -> name = text;
          case STRUCT -> struct = text;
          default -> imemoType = text;
        }
      }
      case FILE -> file = file();
      case LINE -> line = (int) Math.min(Integer.MAX_VALUE, number(key));
      case MEMSIZE -> memsize = number(key);
      case CLASS, ADDRESS -> {
        long value = hex(key);
        if (key == CLASS) {
          classAddress = value;
          hasClass = true;
        } else {
          address = value;
          hasAddress = true;
        }
      }
      case REFERENCES -> references();
      default -> {
        if (key == SINGLETON) {
          singleton = pos < end && b[pos] == 't';
        }
        skipValue(0);
      }
    }
  }

  /** The key of {@code length} bytes at {@code at}, if memdiff reads its value: one of {@link #KEYS}; else −1. */
  private int known(int at, int length) {
    switch (length) {
      case 4 -> {
        long k = word(at, 4);
        return k == W_TYPE ? TYPE : k == W_FILE ? FILE : k == W_LINE ? LINE : k == W_ROOT ? ROOT : k == W_NAME ? NAME : -1;
      }
      case 5 -> {
        return word(at, 5) == W_CLASS ? CLASS : -1;
      }
      case 6 -> {
        return word(at, 6) == W_STRUCT ? STRUCT : -1;
      }
      case 7 -> {
        long k = word(at, 7);
        return k == W_ADDRESS ? ADDRESS : k == W_MEMSIZE ? MEMSIZE : -1;
      }
      case 9 -> {
        return key(at, KEYS[SINGLETON]) ? SINGLETON : -1;
      }
      case 10 -> {
        return key(at, KEYS[REFERENCES]) ? REFERENCES : key(at, KEYS[IMEMO_TYPE]) ? IMEMO_TYPE : -1;
      }
      default -> {
        return -1;
      }
    }
  }

  /** The keys memdiff reads, by number. */
  private static final String[] KEYS = {"type", "root", "name", "imemo_type", "file", "line", "memsize", "class",
      "address", "references", "singleton", "struct"};
  private static final int TYPE = 0;
  private static final int ROOT = 1;
  private static final int NAME = 2;
  private static final int IMEMO_TYPE = 3;
  private static final int FILE = 4;
  private static final int LINE = 5;
  private static final int MEMSIZE = 6;
  private static final int CLASS = 7;
  private static final int ADDRESS = 8;
  private static final int REFERENCES = 9;
  private static final int SINGLETON = 10;
  private static final int STRUCT = 11;

  /**
   * The length of the key that starts at {@code at} when the line holds at least 16 bytes from there
   * and the key is shorter, with no escape: found eight bytes at a time; else −1.
   */
  private int shortKey(int at) {
    if (at + 16 > end) {
      return -1;
    }
    int found = firstSpecial((long) LONGS.get(b, at));
    if (found < 0) {
      found = firstSpecial((long) LONGS.get(b, at + 8));
      if (found < 0) {
        return -1;
      }
      found += 8;
    }
    return b[at + found] == '"' ? found : -1;
  }

  /** Where the first quote, backslash or control byte is in a word of eight bytes (little-endian), or −1. */
  private static int firstSpecial(long w) {
    long quote = w ^ 0x2222222222222222L;
    long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
    long special = (((quote - ONES) & ~quote) | ((backslash - ONES) & ~backslash) | ((w - 0x20 * ONES) & ~w))
        & (ONES << 7);
    return special == 0 ? -1 : Long.numberOfTrailingZeros(special) >>> 3;
  }

  /** The {@code length} (at most 8) bytes at {@code at} as one little-endian word. */
  private long word(int at, int length) {
    long w = 0;
    for (int i = length - 1; i >= 0; i--) {
      w = (w << 8) | (b[at + i] & 0xFF);
    }
    return w;
  }

  private static long word(String key) {
    long w = 0;
    for (int i = key.length() - 1; i >= 0; i--) {
      w = (w << 8) | key.charAt(i);
    }
    return w;
  }

  private static final long W_TYPE = word("type");
  private static final long W_FILE = word("file");
  private static final long W_LINE = word("line");
  private static final long W_ROOT = word("root");
  private static final long W_NAME = word("name");
  private static final long W_CLASS = word("class");
  private static final long W_ADDRESS = word("address");
  private static final long W_MEMSIZE = word("memsize");
  private static final long W_STRUCT = word("struct");

  private boolean key(int at, String name) {
    for (int i = 0; i < name.length(); i++) {
      if (b[at + i] != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** The {@code "file"} value: most often the last line's, compared before it is looked up. */
  private String file() throws Problem {
    int n = lastFileBytes.length;
    int from = pos + 1;
    if (lastFile != null && from + n < end && b[pos] == '"' && b[from + n] == '"'
        && Arrays.equals(lastFileBytes, 0, n, b, from, from + n)) {
      pos = from + n + 1;
      return lastFile;
    }
    String f = text(FILE);
    if (!escaped) {
      lastFile = f;
      lastFileBytes = Arrays.copyOfRange(b, from, pos - 1);
    }
    return f;
  }

  /** The last file name read, and its bytes (without escapes). */
  private String lastFile;
  private byte[] lastFileBytes = new byte[0];
  /** Whether the last string {@link #text} read held an escape. */
  private boolean escaped;

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
      references.add(hex(REFERENCES));
      if (closes(']')) {
        return;
      }
    }
  }

  /** A string value, from the table when it has been seen before. */
  private String text(int key) throws Problem {
    if (peek() != '"') {
      skipValue(0);
      throw bad(key, "is not a string");
    }
    int from = pos + 1;
    escaped = skipString();
    int to = pos - 1;
    return escaped ? unescape(from, to) : strings.of(b, from, to - from);
  }

  private long number(int key) throws Problem {
    int c = peek();
    if (c == '-' && pos + 1 < end && b[pos + 1] >= '0' && b[pos + 1] <= '9') {
      skipValue(0);
      throw bad(key, "is negative");
    }
    if (c < '0' || c > '9') {
      skipValue(0);
      throw bad(key, "is not an integer");
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
      throw bad(key, "is not an integer");
    }
    return n;
  }

  /** A {@code "0x7f…"} address, read from the line's bytes without making a String. */
  private long hex(int key) throws Problem {
    // Most often: up to 16 hex digits and the closing quote, read through a table.
    if (pos + 20 <= end && b[pos] == '"' && b[pos + 1] == '0' && (b[pos + 2] | 0x20) == 'x') {
      int i = pos + 3;
      int last = i + 16;
      long v = 0;
      for (int d; i < last && (d = HEX[b[i] & 0xFF]) >= 0; i++) {
        v = (v << 4) | d;
      }
      if (i > pos + 3 && b[i] == '"') {
        pos = i + 1;
        return v;
      }
    }
    return hexChecked(key);
  }

  /** An address that is not simply digits and a quote, or not whole in the bytes read: checked byte by byte. */
  private long hexChecked(int key) throws Problem {
    if (peek() != '"') {
      skipValue(0);
      throw bad(key, "holds something other than an address string");
    }
    int from = pos + 1;
    skipString();
    int length = pos - 1 - from;
    if (length < 3 || length > 18 || b[from] != '0' || (b[from + 1] != 'x' && b[from + 1] != 'X')) {
      throw bad(key, "holds something other than a 0x address");
    }
    long v = 0;
    for (int i = from + 2; i < from + length; i++) {
      int d = Character.digit(b[i], 16);
      if (d < 0) {
        throw bad(key, "holds something other than a 0x address");
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static Problem withoutAddress(String type) {
    return new Problem("a " + type + " line without \"address\"");
  }

  private static Problem tooDeep() {
    return new Problem("nested deeper than " + MAX_DEPTH);
  }

  private static Problem notJsonAt(int column) {
    return new Problem("not valid JSON at column " + column);
  }

  /** What is wrong with the value of a key memdiff reads (out of the scanner's way: never on a good line). */
  private static Problem bad(int key, String what) {
    return new Problem("\"" + KEYS[key] + "\" " + what);
  }

  /** Skips any JSON value, checking it. */
  private void skipValue(int depth) throws Problem {
    int c = peek();
    switch (c) {
      case '"' -> skipString();
      case '{', '[' -> skipNested(depth);
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

  /** Skips the object or array that opens at {@code pos} (a method of its own: the compiled scanner stays small). */
  private void skipNested(int depth) throws Problem {
    int close = b[pos] == '{' ? '}' : ']';
    pos++;
    if (skipWhitespace() == close) {
      pos++;
      return;
    }
    while (true) {
      if (close == '}') {
        if (skipWhitespace() != '"') {
          throw invalid();
        }
        skipString();
        if (skipWhitespace() != ':') {
          throw invalid();
        }
        pos++;
      }
      skipWhitespace();
      // A value deeper than MAX_DEPTH is refused where it starts, whatever it is.
      if (depth + 1 > MAX_DEPTH) {
        throw tooDeep();
      }
      skipValue(depth + 1);
      if (closes(close)) {
        return;
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

  /**
   * The next byte that is not JSON whitespace (not consumed), or −1 at the end of the line. A line
   * break is not whitespace here: lines are cut at every one, so none is inside a line.
   */
  private int skipWhitespace() {
    while (pos < end) {
      byte c = b[pos];
      if (c > ' ' || (c != ' ' && c != '\t' && c != '\r')) {
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
    return pos >= end ? truncated() : notJsonAt(pos - start + 1);
  }
}
