package io.memdiff.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * JSON text that can sit inside an HTML {@code <script>} element as it is. The HTML parser ends a
 * script at the first {@code </script} whatever JSON thinks is a string, and names from a dump may
 * hold one, so {@code <}, {@code >} and {@code &} are written as {@code \u003c}-style escapes; so are
 * U+2028 and U+2029, which older JavaScript parsers take for line breaks inside a string.
 */
final class ScriptJson {
  private static final ObjectWriter WRITER = Json.MAPPER.writer()
      .without(SerializationFeature.INDENT_OUTPUT)
      .with(new Escapes());

  private ScriptJson() {}

  static String write(Object document) {
    try {
      return WRITER.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the report's own records did not serialize", e);
    }
  }

  private static final class Escapes extends CharacterEscapes {
    private static final SerializableString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializableString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");
    private final int[] ascii = standardAsciiEscapesForJSON();

    Escapes() {
      ascii['<'] = ESCAPE_STANDARD;
      ascii['>'] = ESCAPE_STANDARD;
      ascii['&'] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch == 0x2028 ? LINE_SEPARATOR : ch == 0x2029 ? PARAGRAPH_SEPARATOR : null;
    }
  }
}
