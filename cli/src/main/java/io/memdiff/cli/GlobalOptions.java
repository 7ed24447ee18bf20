package io.memdiff.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every command accepts. */
final class GlobalOptions {
  @Option(names = "--debug", description = "Print stack traces on errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  @Option(names = "--progress", scope = CommandLine.ScopeType.INHERIT,
      description = "Show progress on stderr even when it is not a terminal (then one line per phase).")
  boolean progress;

  static boolean debugRequested(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }
}
