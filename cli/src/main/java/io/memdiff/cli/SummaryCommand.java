package io.memdiff.cli;

import io.memdiff.engine.Engine;
import io.memdiff.engine.OpenDump;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "summary", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "What a dump holds: format version, ID size, timestamp, counts of objects, classes and roots,"
          + " total shallow bytes, the inferred object layout, and anomalies (dangling references,"
          + " unknown records, duplicate objects, truncation)."
    },
    footer = {"", "Example:", "  memdiff summary app.hprof", "  memdiff summary app.hprof.gz --format json"})
final class SummaryCommand implements Callable<Integer>, AnalysesDumps {
  @Spec CommandSpec spec;
  @Mixin OutputOptions output;
  @Mixin DumpOptions dumpOptions;

  @Parameters(index = "0", paramLabel = "DUMP", description = "An HPROF dump (.hprof, or gzip-compressed).")
  Path dump;

  @Override
  public List<Path> analysedDumps() {
    return dump != null ? List.of(dump) : List.of();
  }

  @Override
  public DumpOptions dumpOptions() {
    return dumpOptions;
  }

  @Override
  public Integer call() throws Exception {
    output.requireTextOrJson("summary");
    try (Progress progress = new Progress(spec.commandLine().getErr());
        OpenDump dump = Engine.open(this.dump, dumpOptions.readOptions(1), progress::phase)) {
      Warnings.print(spec.commandLine().getErr(), dump.warnings());
      Map<String, Object> facts = dump.facts(progress::phase, Warnings.to(spec.commandLine().getErr()));
      if (output.json()) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema_version", Json.SCHEMA_VERSION);
        doc.put("dump", dump.info());
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
}
