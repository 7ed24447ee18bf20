package io.memdiff.cli;

import io.memdiff.hprof.DumpCatalog;
import java.time.Instant;

/** The {@code dump} object of JSON output: which file, and what it is. */
record DumpInfo(String path, String version, int idSize, String timestamp, long objects, long shallowBytes,
    boolean truncated) {

  static DumpInfo of(DumpCatalog c) {
    return new DumpInfo(
        c.file().path().toString(),
        c.file().version(),
        c.file().idSize(),
        Instant.ofEpochMilli(c.file().timestampMillis()).toString(),
        c.objects(),
        c.totalShallowBytes(),
        c.scan().truncated());
  }
}
