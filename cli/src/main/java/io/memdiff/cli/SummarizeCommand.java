package io.memdiff.cli;

import io.memdiff.diff.SiteSummary;
import io.memdiff.engine.Engine;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "summarize", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Reduce a dump to its site summary (JSON, versioned): per site, count, shallow and retained bytes,"
          + " path and example addresses. 'memdiff A B C' accepts summary files wherever it accepts dumps, so CI"
          + " can keep kilobytes instead of gigabytes. Holds no string or field values."
    },
    footer = {"", "Example:", "  memdiff summarize monday.hprof -o monday.sites.json",
        "  memdiff monday.sites.json tuesday.hprof"})
final class SummarizeCommand implements Callable<Integer>, AnalysesDumps {
  @Spec CommandSpec spec;
  @Mixin DumpOptions dumpOptions;

  @Parameters(index = "0", paramLabel = "DUMP", description = "An HPROF dump (.hprof, or gzip-compressed).")
  Path dump;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true,
      description = "Where to write the summary ('-' for standard output).")
  Path output;

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
    if (Engine.isSummaryFile(dump)) {
      throw new UsageException(dump + " is already a site summary");
    }
    try (Progress progress = new Progress(spec.commandLine().getErr())) {
      SiteSummary s = Engine.summarize(dump, dumpOptions.readOptions(1), progress::phase,
          Warnings.to(spec.commandLine().getErr()));
      if (output.toString().equals("-")) {
        Json.write(spec.commandLine().getOut(), s);
      } else {
        OutputFile.write(output, out -> Engine.writeSummary(s, out));
      }
    }
    return ExitCodes.OK;
  }
}
