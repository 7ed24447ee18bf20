package io.memdiff.cli;

import picocli.CommandLine.Option;

/** {@code --format} and {@code --human}, shared by every command. */
final class OutputOptions {
  enum Format { text, json, markdown, junit, html }

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); markdown, junit and html only for the diff.")
  Format format;

  @Option(names = "--human", description = "Sizes with units (KiB, MiB) in text output; raw bytes otherwise.")
  boolean human;

  boolean json() {
    return format == Format.json;
  }

  /**
   * Refuses the formats only the diff renders, so that {@code histo --format junit} is a usage error
   * rather than text where a CI job expects XML.
   */
  void requireTextOrJson(String command) {
    if (format != Format.text && format != Format.json) {
      throw new UsageException("memdiff " + command + " prints text or json; --format " + format
          + " is for the diff of dumps");
    }
  }

  String bytes(long n) {
    return human ? Sizes.human(n) : Long.toString(n);
  }
}
