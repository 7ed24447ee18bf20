package io.memdiff.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every command accepts. */
final class GlobalOptions {
  @Option(names = "--debug", description = "Print stack traces on errors.", scope = CommandLine.ScopeType.INHERIT)
  boolean debug;

  static boolean debugRequested(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }
}
