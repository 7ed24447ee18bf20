package io.memdiff.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.memdiff.diff.SiteSummary;
import io.memdiff.hprof.EmptyFileException;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.HprofFormatException;
import java.io.CharConversionException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Site-summary files: versioned JSON, written compact (programs read them), read tolerantly (a
 * field a later version adds is skipped), and refused in memdiff's own words when unreadable.
 */
final class SummaryFiles {
  /** Made when a summary is first read or written: telling a dump from a summary needs no Jackson. */
  private static final class Mapper {
    static final ObjectMapper MAPPER = new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    static final ObjectWriter COMPACT = MAPPER.writer();
  }

  private SummaryFiles() {}

  /**
   * Whether a file is a summary rather than a dump: its first non-blank byte opens a JSON object, and
   * it is not a Ruby heap dump (whose lines are JSON objects too).
   */
  static boolean isSummaryFile(Path input) throws IOException {
    if (!Files.isRegularFile(input)) {
      return false;
    }
    try (InputStream in = Files.newInputStream(input)) {
      int b;
      do {
        b = in.read();
      } while (b == ' ' || b == '\n' || b == '\r' || b == '\t');
      if (b != '{') {
        return false;
      }
    }
    return !HprofFile.isRubyDump(input);
  }

  static SiteSummary read(Path file) throws IOException {
    if (Files.size(file) == 0) {
      throw new EmptyFileException(file);
    }
    SummaryFileFormat s;
    try {
      s = Mapper.MAPPER.readValue(file.toFile(), SummaryFileFormat.class);
    } catch (JsonProcessingException e) {
      throw new HprofFormatException(file, offsetOf(e), unreadable(e));
    } catch (CharConversionException e) {
      // The JSON library guesses UTF-16 or UTF-32 from the first bytes and fails on what follows.
      throw new HprofFormatException(file, 0, "not a memdiff site summary: not UTF-8 text");
    }
    if (s.schemaVersion() != SummaryFileFormat.VERSION || s.dump() == null || s.sites() == null) {
      throw new HprofFormatException(file, 0, "site summary schema version " + s.schemaVersion()
          + " is not supported (expected " + SummaryFileFormat.VERSION + ")");
    }
    return s.toSummary();
  }

  /** Writes the summary to {@code out}, which stays open. */
  static void write(SiteSummary summary, OutputStream out) throws IOException {
    Mapper.COMPACT.writeValue(new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    }, SummaryFileFormat.of(summary));
  }

  private static long offsetOf(JsonProcessingException e) {
    if (e.getLocation() == null) {
      return 0;
    }
    long bytes = e.getLocation().getByteOffset();
    return Math.max(0, bytes >= 0 ? bytes : e.getLocation().getCharOffset());
  }

  /**
   * What is wrong with a summary that does not parse, in memdiff's words: the JSON library's own
   * messages name its classes and options, which say nothing to a user.
   */
  static String unreadable(JsonProcessingException e) {
    String where = e.getLocation() == null ? ""
        : ", line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ",";
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    if (e instanceof JsonEOFException || original.contains("end-of-input")) {
      return "truncated site summary (cut short when written? summarize the dump again): it ends in the middle"
          + " of its data" + where;
    }
    if (e instanceof MismatchedInputException) {
      return "not a memdiff site summary: a field has an unexpected type" + where;
    }
    return "not a memdiff site summary: not well-formed JSON" + where;
  }
}
