package io.memdiff.cli;

import picocli.CommandLine.Option;

/** {@code --format} and {@code --human}, shared by every command. */
final class OutputOptions {
  enum Format { text, json }

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--human", description = "Sizes with units (KiB, MiB) in text output; raw bytes otherwise.")
  boolean human;

  boolean json() {
    return format == Format.json;
  }

  String bytes(long n) {
    return human ? Sizes.human(n) : Long.toString(n);
  }
}
