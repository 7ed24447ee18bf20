package io.memdiff.cli;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.HprofFile;
import io.memdiff.hprof.Layout;
import io.memdiff.hprof.RootKind;
import io.memdiff.hprof.ScanResult;
import io.memdiff.hprof.Tags;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "What a dump holds: format version, ID size, timestamp, counts of objects, classes and roots,",
      "total shallow bytes, the inferred object layout, and anomalies (dangling references,",
      "unknown records, duplicate objects, truncation)."
    },
    footer = {"", "Example:", "  memdiff summary app.hprof", "  memdiff summary app.hprof.gz --format json"})
final class SummaryCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOptions output;
  @Mixin DumpOptions dumpOptions;

  @Parameters(index = "0", paramLabel = "DUMP", description = "An HPROF dump (.hprof, or gzip-compressed).")
  Path dump;

  @Override
  public Integer call() throws Exception {
    try (HprofFile file = dumpOptions.open(dump); Progress progress = new Progress(spec.commandLine().getErr())) {
      progress.step("memdiff: reading " + dump);
      DumpCatalog catalog = dumpOptions.catalog(file, true);
      Warnings.print(spec.commandLine().getErr(), catalog);
      progress.step("memdiff: indexing objects of " + dump);
      HeapIndex index = dumpOptions.index(catalog);
      progress.step("memdiff: checking references of " + dump);
      Map<String, Object> facts = facts(catalog, index);
      if (output.json()) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema_version", Json.SCHEMA_VERSION);
        doc.put("dump", DumpInfo.of(catalog));
        doc.put("summary", facts);
        Json.write(spec.commandLine().getOut(), doc);
      } else {
        var out = spec.commandLine().getOut();
        for (Map.Entry<String, Object> e : facts.entrySet()) {
          Object v = e.getValue();
          if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> sub : m.entrySet()) {
              out.println(e.getKey() + "." + sub.getKey() + "\t" + sub.getValue());
            }
          } else {
            out.println(e.getKey() + "\t" + (e.getKey().endsWith("bytes") ? output.bytes((Long) v) : v));
          }
        }
      }
    }
    return ExitCodes.OK;
  }

  static Map<String, Object> facts(DumpCatalog c, HeapIndex index) {
    ScanResult s = c.scan();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("file", c.file().path().toString());
    f.put("compressed", c.file().wasCompressed());
    f.put("format_bytes", c.file().length());
    f.put("version", c.file().version());
    f.put("id_size", c.file().idSize());
    f.put("timestamp", Instant.ofEpochMilli(c.file().timestampMillis()).toString());
    f.put("heap_dumps", s.heapDumps());
    f.put("objects", index.objectCount());
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
    long dangling = 0;
    long[] counter = new long[1];
    for (int o = 0; o < index.objectCount(); o++) {
      index.forEachReference(o, (label, target) -> {
        if (index.indexOf(target) < 0) {
          counter[0]++;
        }
      });
    }
    dangling = counter[0];
    long danglingRoots = 0;
    for (int i = 0; i < c.roots().size(); i++) {
      if (index.indexOf(c.roots().objectId(i)) < 0) {
        danglingRoots++;
      }
    }
    Map<String, Object> anomalies = new LinkedHashMap<>();
    anomalies.put("dangling_references", dangling);
    anomalies.put("dangling_roots", danglingRoots);
    anomalies.put("duplicate_objects", index.duplicateAddresses());
    anomalies.put("unknown_records", s.unknownRecords());
    anomalies.put("unknown_sub_records", s.unknownSubRecords());
    anomalies.put("missing_superclasses", c.missingSuperclasses());
    anomalies.put("instance_size_mismatches", c.instanceSizeMismatches());
    anomalies.put("records_in_address_order", index.recordsWereInAddressOrder());
    anomalies.put("truncated", s.truncated());
    if (s.truncated()) {
      anomalies.put("lost_bytes", s.lostBytes());
    }
    anomalies.put("unload_class_records", s.recordCounts()[Tags.UNLOAD_CLASS]);
    f.put("anomalies", anomalies);
    return f;
  }
}
