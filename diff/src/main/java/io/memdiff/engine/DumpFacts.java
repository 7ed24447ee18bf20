package io.memdiff.engine;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.Layout;
import io.memdiff.hprof.RootKind;
import io.memdiff.hprof.ScanResult;
import io.memdiff.hprof.Tags;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What {@code memdiff summary} says of a dump: its format, counts, layout and anomalies, in order. */
final class DumpFacts {
  private DumpFacts() {}

  /** @param index the dump's index, or null where it was not built: the checks that need it are left out */
  static Map<String, Object> of(DumpCatalog c, HeapIndex index) {
    ScanResult s = c.scan();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("file", c.file().path().toString());
    f.put("compressed", c.file().wasCompressed());
    f.put("format_bytes", c.file().length());
    f.put("version", c.file().version());
    f.put("id_size", c.file().idSize());
    f.put("timestamp", Instant.ofEpochMilli(c.file().timestampMillis()).toString());
    f.put("heap_dumps", s.heapDumps());
    f.put("objects", index != null ? index.objectCount() : c.objects());
    f.put("instances", c.instances());
    f.put("object_arrays", c.objectArrays());
    f.put("primitive_arrays", c.primitiveArrays());
    f.put("classes", c.classDumps());
    f.put("shallow_bytes", c.totalShallowBytes());
    Layout l = c.layout();
    f.put("layout", String.format(Locale.ROOT, "header=%d ref=%d align=%d (%s)", l.header(), l.refSize(), l.align(),
        l.description()));
    f.put("roots", (long) c.roots().size());
    Map<String, Long> byKind = new LinkedHashMap<>();
    long[] counts = c.roots().countsByKind();
    for (RootKind k : RootKind.values()) {
      if (counts[k.ordinal()] > 0) {
        byKind.put(k.name().toLowerCase(Locale.ROOT), counts[k.ordinal()]);
      }
    }
    f.put("roots_by_kind", byKind);
    f.put("threads", c.stacks().threadCount());
    f.put("stack_traces", c.stacks().traceCount());
    f.put("strings", c.strings().size());
    Map<String, Object> anomalies = new LinkedHashMap<>();
    if (index != null) {
      long[] dangling = new long[1];
      for (int o = 0; o < index.objectCount(); o++) {
        index.forEachReference(o, (label, target) -> {
          if (index.indexOf(target) < 0) {
            dangling[0]++;
          }
        });
      }
      long danglingRoots = 0;
      for (int i = 0; i < c.roots().size(); i++) {
        if (index.indexOf(c.roots().objectId(i)) < 0) {
          danglingRoots++;
        }
      }
      anomalies.put("dangling_references", dangling[0]);
      anomalies.put("dangling_roots", danglingRoots);
      anomalies.put("duplicate_objects", index.duplicateAddresses());
    }
    anomalies.put("unknown_records", s.unknownRecords());
    anomalies.put("unknown_sub_records", s.unknownSubRecords());
    anomalies.put("missing_superclasses", c.missingSuperclasses());
    anomalies.put("instance_size_mismatches", c.instanceSizeMismatches());
    if (index != null) {
      anomalies.put("records_in_address_order", index.recordsWereInAddressOrder());
    }
    anomalies.put("truncated", s.truncated());
    if (s.truncated()) {
      anomalies.put("lost_bytes", s.lostBytes());
    }
    anomalies.put("unload_class_records", s.recordCounts()[Tags.UNLOAD_CLASS]);
    f.put("anomalies", anomalies);
    return f;
  }
}
