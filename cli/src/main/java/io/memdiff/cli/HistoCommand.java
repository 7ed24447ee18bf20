package io.memdiff.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.memdiff.diff.DiffOptions;
import io.memdiff.engine.ClassRow;
import io.memdiff.engine.DumpInfo;
import io.memdiff.engine.Engine;
import io.memdiff.engine.OpenDump;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "histo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Class histogram of one dump: instances and shallow bytes per class, biggest first."
          + " Shallow sizes are estimates for the JVM that wrote the dump (layout inferred, see 'memdiff summary')."
    },
    footer = {"", "Example:", "  memdiff histo app.hprof --top 20 --include 'com.acme.*'",
        "  memdiff histo app.hprof --retained --top 10",
        "  memdiff histo app.hprof --format json | jq '.classes[0]'"})
final class HistoCommand implements Callable<Integer>, AnalysesDumps {
  @Spec CommandSpec spec;
  @Mixin OutputOptions output;
  @Mixin DumpOptions dumpOptions;

  @Parameters(index = "0", paramLabel = "DUMP", description = "An HPROF dump (.hprof, or gzip-compressed).")
  Path dump;

  @Option(names = "--top", paramLabel = "N", description = "Only the N biggest classes.")
  Integer top;

  @Option(names = "--include", paramLabel = "GLOB", description = "Only classes matching (repeatable), e.g. 'com.acme.*'.")
  List<String> includes;

  @Option(names = "--exclude", paramLabel = "GLOB", description = "Leave out classes matching (repeatable).")
  List<String> excludes;

  @Option(names = "--retained", description = "Add retained bytes per class (builds the reference graph and dominator tree).")
  boolean retained;

  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Row(String name, long count, long shallowBytes, Long retainedBytes, Long unreachableBytes) {}

  record Document(int schemaVersion, DumpInfo dump, List<Row> classes) {}

  @Override
  public List<Path> analysedDumps() {
    // Without --retained, histo keeps per-class counts only.
    return retained && dump != null ? List.of(dump) : List.of();
  }

  @Override
  public DumpOptions dumpOptions() {
    return dumpOptions;
  }

  @Override
  public Integer call() throws Exception {
    output.requireTextOrJson("histo");
    if (top != null && top < 0) {
      throw new UsageException("--top must be 0 or more, got " + top);
    }
    PrintWriter err = spec.commandLine().getErr();
    DiffOptions.Selection selected = Glob.filter(includes, excludes);
    Predicate<String> filter = name -> selected.test(name, name);
    try (Progress progress = new Progress(err);
        OpenDump dump = retained ? Engine.open(this.dump, dumpOptions.readOptions(1), progress::phase)
            : Engine.openForHistogram(this.dump, dumpOptions.readOptions(1), progress::phase)) {
      Warnings.print(err, dump.warnings());
      List<ClassRow> classes = retained ? dump.analyse(progress::phase, Warnings.to(err)).classesRetained(filter) : dump.classes(filter);
      List<Row> rows = new ArrayList<>(classes.size());
      for (ClassRow c : classes) {
        rows.add(new Row(c.name(), c.count(), c.shallowBytes(), c.retainedBytes(), c.unreachableBytes()));
      }
      if (top != null && rows.size() > top) {
        rows = rows.subList(0, top);
      }
      if (output.json()) {
        Json.write(spec.commandLine().getOut(), new Document(Json.SCHEMA_VERSION, dump.info(), rows));
      } else {
        PrintWriter out = spec.commandLine().getOut();
        out.println("# class\tcount\tshallow_bytes" + (retained ? "\tretained_bytes\tunreachable_bytes" : ""));
        for (Row r : rows) {
          out.println(Text.safe(r.name()) + "\t" + r.count() + "\t" + output.bytes(r.shallowBytes())
              + (r.retainedBytes() != null
                  ? "\t" + output.bytes(r.retainedBytes()) + "\t" + output.bytes(r.unreachableBytes()) : ""));
        }
      }
    }
    return ExitCodes.OK;
  }
}
