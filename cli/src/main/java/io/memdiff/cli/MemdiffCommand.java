package io.memdiff.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "memdiff", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
      "Diff JVM heap dumps (HPROF) by what is retained: which sites grow between dumps, where they are",
      "held from a GC root, and whether the growth is a leak, bloat or transient.",
      "",
      "Heap dumps hold secrets: memdiff never prints string contents or field values unless asked (--show-values)."
    },
    subcommands = {HistoCommand.class, SummaryCommand.class, PathCommand.class, CommandLine.HelpCommand.class},
    footer = {"", "Exit codes: 0 ok, 1 a --fail-* threshold was crossed, 2 bad usage, 3 a dump could not be read,",
        "4 internal error.", "", "Example:", "  memdiff summary app.hprof", "  memdiff histo app.hprof --top 20"})
final class MemdiffCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin GlobalOptions global;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }
}
