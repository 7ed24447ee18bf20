package io.memdiff.cli;

import io.memdiff.diff.DiffOptions;
import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.paths.HeapAnalysis;
import io.memdiff.paths.Reachability;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
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
      "Class histogram of one dump: instances and shallow bytes per class, biggest first.",
      "Shallow sizes are estimates for the JVM that wrote the dump (layout inferred, see 'memdiff summary')."
    },
    footer = {"", "Example:", "  memdiff histo app.hprof --top 20 --include 'com.acme.*'",
        "  memdiff histo app.hprof --retained --top 10",
        "  memdiff histo app.hprof --format json | jq '.classes[0]'"})
final class HistoCommand implements Callable<Integer> {
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
  public Integer call() throws Exception {
    if (top != null && top < 0) {
      throw new UsageException("--top must be 0 or more, got " + top);
    }
    try (HprofFile file = dumpOptions.open(dump); Progress progress = new Progress(spec.commandLine().getErr())) {
      progress.step("memdiff: reading " + dump);
      DumpCatalog catalog = dumpOptions.catalog(file, retained);
      Warnings.print(spec.commandLine().getErr(), catalog);
      long[] retainedByClass = null;
      long[] unreachableByClass = null;
      if (retained) {
        HeapAnalysis a = HeapAnalysis.analyse(catalog, dumpOptions.scanOptions(), true,
            p -> progress.step("memdiff: " + p));
        // Objects no root reaches are garbage the next collection frees: they retain nothing for a
        // class, and their bytes get a column of their own instead of heading the list.
        int[] classOf = new int[a.index().objectCount()];
        unreachableByClass = new long[catalog.classCount()];
        for (int o = 0; o < classOf.length; o++) {
          if (a.reachability().label(o) == Reachability.UNREACHABLE) {
            classOf[o] = -1;
            unreachableByClass[a.index().classIndexOf(o)] += a.graph().shallowSize(o);
          } else {
            classOf[o] = a.index().classIndexOf(o);
          }
        }
        retainedByClass = a.dominators().retainedByGroup(classOf, catalog.classCount());
      }
      DiffOptions.Selection selected = Glob.filter(includes, excludes);
      List<Row> rows = rows(catalog, name -> selected.test(name, name), retainedByClass, unreachableByClass);
      if (top != null && rows.size() > top) {
        rows = rows.subList(0, top);
      }
      if (output.json()) {
        Json.write(spec.commandLine().getOut(), new Document(Json.SCHEMA_VERSION, DumpInfo.of(catalog), rows));
      } else {
        var out = spec.commandLine().getOut();
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

  /**
   * Classes with at least one instance, biggest shallow size first (biggest retained size first when
   * retained sizes are given), ties by count then name.
   */
  static List<Row> rows(DumpCatalog catalog, Predicate<String> filter, long[] retainedByClass,
      long[] unreachableByClass) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < catalog.classCount(); i++) {
      ClassInfo c = catalog.classAt(i);
      long n = catalog.countOf(i);
      if (n > 0 && filter.test(c.name())) {
        rows.add(new Row(c.name(), n, catalog.shallowBytesOf(i), retainedByClass == null ? null : retainedByClass[i],
            unreachableByClass == null ? null : unreachableByClass[i]));
      }
    }
    Comparator<Row> bySize = retainedByClass != null
        ? Comparator.comparingLong(Row::retainedBytes).reversed()
        : Comparator.comparingLong(Row::shallowBytes).reversed();
    rows.sort(bySize.thenComparing(Comparator.comparingLong(Row::shallowBytes).reversed())
        .thenComparing(Comparator.comparingLong(Row::count).reversed())
        .thenComparing(Row::name));
    return rows;
  }
}
