package io.memdiff.cli;

import io.memdiff.diff.DiffReport;
import io.memdiff.diff.Finding;
import java.io.PrintWriter;
import java.util.List;

/**
 * GitHub Actions workflow commands for the diff: {@code ::error} for each finding that crosses a gate
 * (and for the heap, when it crosses {@code --fail-on-total-growth}), {@code ::warning} for every
 * other finding listed. The runner reads workflow commands from a step's stderr as from its stdout,
 * so they go to stderr, and stdout keeps only the chosen format, fit to redirect into a file.
 */
final class GithubAnnotations {
  private final Gates gates;

  GithubAnnotations(Gates gates) {
    this.gates = gates;
  }

  void write(PrintWriter err, DiffReport report, List<Finding> findings) {
    for (Finding f : findings) {
      String crossed = gates.crossed(f);
      String message = f.shape().label() + " " + Text.safe(f.className()) + " " + DiffRenderer.signed(f.growthObjects())
          + " objects " + DiffRenderer.signed(f.growthBytes()) + " bytes, counts " + DiffRenderer.join(f.counts())
          + (f.ownerPath().isEmpty() ? "" : ", held by " + Text.safe(f.owner())) + ", " + Text.safe(f.site())
          + (crossed != null ? " (threshold crossed: " + crossed + ")" : "");
      err.println(command(crossed != null ? "error" : "warning", "memdiff " + f.shape().label(), message));
    }
    String heap = gates.crossed(report.heap());
    if (heap != null) {
      err.println(command("error", "memdiff heap", "threshold crossed: " + heap));
    }
  }

  /**
   * {@code ::NAME title=TITLE::MESSAGE}, escaped as the runner unescapes it (actions/toolkit's
   * {@code command.ts}): in the message {@code %}, CR and LF; in a property also {@code :} and
   * {@code ,}, which would end the property. An unescaped line break would let a name from the dump
   * start a workflow command of its own.
   */
  static String command(String name, String title, String message) {
    return "::" + name + " title=" + escapeProperty(title) + "::" + escapeData(message);
  }

  static String escapeData(String s) {
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
  }

  static String escapeProperty(String s) {
    return escapeData(s).replace(":", "%3A").replace(",", "%2C");
  }
}
