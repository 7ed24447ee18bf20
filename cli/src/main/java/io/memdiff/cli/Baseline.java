package io.memdiff.cli;

import io.memdiff.diff.Finding;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A baseline file: the keys of the findings a team has accepted, each under a comment saying what it
 * was, so that CI fails only on findings that are new since it was written.
 */
final class Baseline {
  private final Set<String> entries;

  private Baseline(Set<String> entries) {
    this.entries = entries;
  }

  /** No baseline: every finding is new. */
  static final Baseline NONE = new Baseline(Set.of());

  static Baseline read(Path file) {
    return new Baseline(KeyFile.read("--baseline", file));
  }

  /** Whether {@code f} was recorded in the baseline. */
  boolean knows(Finding f) {
    return entries.contains(entry(f));
  }

  /** The entries no finding of {@code findings} matched, in file order. */
  List<String> stale(List<Finding> findings) {
    Set<String> matched = new HashSet<>();
    for (Finding f : findings) {
      matched.add(entry(f));
    }
    List<String> stale = new ArrayList<>();
    for (String e : entries) {
      if (!matched.contains(e)) {
        stale.add(e);
      }
    }
    return stale;
  }

  /**
   * A finding's key as one line of the file: a key holds names from the dump, so its control
   * characters are escaped (one key, one line), and a leading {@code #} too, or it would read as a
   * comment; the file's lines are stripped when read, so the entry is too.
   */
  static String entry(Finding f) {
    String e = Text.safe(f.key()).strip();
    return e.startsWith("#") ? "\\u0023" + e.substring(1) : e;
  }

  /** Writes the findings' entries to {@code file}, whole or not at all. */
  static void write(Path file, List<Finding> findings) throws OutputFile.WriteFailure {
    OutputFile.write(file, out -> {
      // A Writer, not a PrintWriter: a full disk must fail the write, not be swallowed.
      Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
      w.write("# memdiff baseline: findings listed here cross no --fail-* gate (memdiff ... --baseline FILE).\n");
      w.write("# One finding key a line, under a comment saying what it was; delete a key to gate it again.\n");
      for (Finding f : findings) {
        w.write("\n# " + f.shape().label() + "  " + Text.safe(f.className()) + "  "
            + DiffRenderer.signed(f.growthBytes()) + " bytes  " + Text.safe(f.site()) + "\n");
        w.write(entry(f) + "\n");
      }
      w.flush();
    });
  }
}
