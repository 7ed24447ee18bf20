package io.memdiff.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Process-record files ({@code k.proc.json}): versioned JSON, written indented (people read them),
 * read tolerantly (a field a later version adds is skipped) and refused in one line when they are
 * not a record of this version.
 */
public final class ProcessRecords {
  /** Made when a record is first read or written: a diff that finds none beside its dumps never starts Jackson. */
  private static final class Mapper {
    static final ObjectMapper MAPPER = new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  private static final long MAX_BYTES = 1 << 20;

  private ProcessRecords() {}

  /**
   * The record beside a dump or summary: {@code k.proc.json} for {@code k.hprof}, {@code k.hprof.gz},
   * {@code k.sites.json}, or a Ruby dump's {@code k.dump}, {@code k.json} (either gzipped too).
   */
  public static Path besideDump(Path dump) {
    String name = dump.getFileName().toString();
    if (name.endsWith(".proc.json")) {
      return null;
    }
    for (String suffix : new String[] {".hprof.gz", ".hprof", ".sites.json", ".dump.gz", ".dump", ".json.gz", ".json"}) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        Path proc = dump.resolveSibling(name.substring(0, name.length() - suffix.length()) + ".proc.json");
        return Files.isRegularFile(proc) ? proc : null;
      }
    }
    return null;
  }

  /** Writes the record to {@code out}, which stays open. */
  public static void write(ProcessRecord record, OutputStream out) throws IOException {
    out.write(Mapper.MAPPER.writeValueAsBytes(record));
    out.write('\n');
  }

  /**
   * Reads a record.
   *
   * @throws IOException whose message says, in one line without the file's name, why the file is not
   *     a process record of this version
   */
  public static ProcessRecord read(Path file) throws IOException {
    if (Files.size(file) == 0) {
      throw new IOException("empty (0 bytes), not a memdiff process record");
    }
    if (Files.size(file) > MAX_BYTES) {
      throw new IOException("not a memdiff process record: " + Files.size(file) + " bytes, a record is a few hundred");
    }
    ProcessRecord r;
    try {
      r = Mapper.MAPPER.readValue(file.toFile(), ProcessRecord.class);
    } catch (JsonProcessingException e) {
      // Where, not what: the parser's message quotes the file's text, which may be anything.
      throw new IOException("not a memdiff process record: " + (e.getLocation() == null ? "unreadable JSON"
          : "unreadable at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()));
    } catch (CharConversionException e) {
      throw new IOException("not a memdiff process record: not UTF-8 text");
    }
    if (r == null) {
      throw new IOException("not a memdiff process record: empty");
    }
    if (r.schemaVersion() != ProcessRecord.SCHEMA_VERSION) {
      throw new IOException("process record schema version " + r.schemaVersion() + " is not supported (expected "
          + ProcessRecord.SCHEMA_VERSION + ")");
    }
    if (r.rssBytes() == null || r.rssBytes() < 0 || r.time() == null) {
      throw new IOException("not a memdiff process record: no rss_bytes or time");
    }
    return r;
  }
}
