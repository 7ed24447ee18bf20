package io.memdiff.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs memdiff in-process with captured streams, as picocli recommends for testing commands. */
record Cli(int exitCode, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Cli(code, out.toString(), err.toString());
  }

  /** The lines of stderr. */
  String[] errLines() {
    return err.isEmpty() ? new String[0] : err.split("\\R");
  }
}
