package io.memdiff.hprof;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.io.CharConversionException;
import java.io.IOException;

/**
 * The fields memdiff uses of one line of {@code ObjectSpace.dump_all} output, read from the line's
 * bytes by a token stream; one instance is reused for every line, so no object tree is built per
 * line. String values ({@code "value"}) are skipped unread: dumps hold secrets.
 */
final class RubyLine {
  private static final JsonFactory JSON = JsonFactory.builder().build();

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
  long memsize;
  String file;
  int line;
  final LongArrayList references = new LongArrayList();

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
    memsize = 0;
    file = null;
    line = -1;
    references.clear();
  }

  /** Reads the line in {@code bytes[offset, offset + length)}, without its line break. */
  void parse(byte[] bytes, int offset, int length) throws Problem, IOException {
    clear();
    try (JsonParser p = JSON.createParser(bytes, offset, length)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new Problem("not a JSON object");
      }
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "type" -> type = text(p, value, field);
          case "root" -> rootName = text(p, value, field);
          case "address" -> {
            address = hex(p, value, field);
            hasAddress = true;
          }
          case "class" -> {
            classAddress = hex(p, value, field);
            hasClass = true;
          }
          case "name" -> name = text(p, value, field);
          case "singleton" -> {
            singleton = value == JsonToken.VALUE_TRUE;
            // Any other value means not a singleton, an array or object too, whose insides are skipped.
            p.skipChildren();
          }
          case "imemo_type" -> imemoType = text(p, value, field);
          case "memsize" -> memsize = number(p, value, field);
          case "file" -> file = text(p, value, field);
          case "line" -> line = (int) Math.min(Integer.MAX_VALUE, number(p, value, field));
          case "references" -> readReferences(p, value);
          default -> p.skipChildren();
        }
      }
      if (p.nextToken() != null) {
        throw new Problem("more than one JSON value on the line");
      }
    } catch (JsonEOFException e) {
      throw new Problem("truncated: the line ends inside a JSON value");
    } catch (JsonParseException e) {
      throw new Problem("not valid JSON at column " + e.getLocation().getColumnNr());
    } catch (CharConversionException e) {
      // The JSON library takes a line that starts with NUL bytes for UTF-16 or UTF-32 and fails on it.
      throw new Problem("not UTF-8 text");
    } catch (JsonProcessingException e) {
      throw new Problem("not valid JSON");
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

  private void readReferences(JsonParser p, JsonToken value) throws IOException, Problem {
    if (value != JsonToken.START_ARRAY) {
      throw new Problem("\"references\" is not an array");
    }
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      references.add(hex(p, t, "references"));
    }
  }

  private static String text(JsonParser p, JsonToken value, String field) throws IOException, Problem {
    if (value != JsonToken.VALUE_STRING) {
      throw new Problem("\"" + field + "\" is not a string");
    }
    return p.getText();
  }

  private static long number(JsonParser p, JsonToken value, String field) throws IOException, Problem {
    if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new Problem("\"" + field + "\" is not an integer");
    }
    long n = p.getLongValue();
    if (n < 0) {
      throw new Problem("\"" + field + "\" is negative");
    }
    return n;
  }

  /** A {@code "0x7f…"} address, read from the parser's characters without making a String. */
  private static long hex(JsonParser p, JsonToken value, String field) throws IOException, Problem {
    if (value != JsonToken.VALUE_STRING) {
      throw new Problem("\"" + field + "\" holds something other than an address string");
    }
    char[] chars = p.getTextCharacters();
    int from = p.getTextOffset();
    int length = p.getTextLength();
    if (length < 3 || length > 18 || chars[from] != '0' || (chars[from + 1] != 'x' && chars[from + 1] != 'X')) {
      throw new Problem("\"" + field + "\" holds something other than a 0x address");
    }
    long v = 0;
    for (int i = from + 2; i < from + length; i++) {
      int d = Character.digit(chars[i], 16);
      if (d < 0) {
        throw new Problem("\"" + field + "\" holds something other than a 0x address");
      }
      v = (v << 4) | d;
    }
    return v;
  }
}
