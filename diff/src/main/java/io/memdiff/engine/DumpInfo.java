package io.memdiff.engine;

import io.memdiff.hprof.DumpCatalog;
import java.time.Instant;

/** Which file a dump is, and what it holds in brief. */
public record DumpInfo(String path, String version, int idSize, String timestamp, long objects, long shallowBytes,
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
