package io.memdiff.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** JSON output: snake_case fields from records, pretty-printed, one document per command. */
final class Json {
  static final int SCHEMA_VERSION = 2;
  static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private Json() {}

  static void write(PrintWriter out, Object document) {
    try {
      out.println(MAPPER.writeValueAsString(document));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
