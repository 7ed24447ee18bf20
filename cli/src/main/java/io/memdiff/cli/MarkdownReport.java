package io.memdiff.cli;

import io.memdiff.diff.DiffReport;
import io.memdiff.diff.Finding;
import io.memdiff.engine.MemoryAccount;
import java.io.PrintWriter;
import java.util.List;

/**
 * The diff as GitHub-flavoured Markdown, for {@code $GITHUB_STEP_SUMMARY} or a merge-request comment:
 * a heading, one table row per finding, and the heap line. Names come from the dump and may hold
 * anything, so every cell is escaped to stay one cell of one row and to render as the text it is.
 */
final class MarkdownReport {
  static final String HEADER = "| shape | class | objects | bytes | counts | owner | path |";

  private final OutputOptions output;

  MarkdownReport(OutputOptions output) {
    this.output = output;
  }

  /** @param memory the process's memory and its verdict, as the text's last line gives it */
  void write(PrintWriter out, DiffReport report, List<Finding> findings, MemoryAccount memory, MemoryRenderer words) {
    DiffReport.Heap h = report.heap();
    long findingBytes = report.findings().stream().mapToLong(Finding::growthBytes).sum();
    out.println("## memdiff: " + report.findings().size() + (report.findings().size() == 1 ? " finding" : " findings")
        + ", heap " + bytes(h.growthBytes()));
    out.println();
    if (findings.isEmpty()) {
      out.println("No site grew by `--min-bytes` or more.");
    } else {
      out.println(HEADER);
      out.println("|---|---|--:|--:|---|---|---|");
      for (Finding f : findings) {
        String growth = bytes(f.growthBytes());
        if (f.growthOffHeapBytes() != 0) {
          growth += " (" + bytes(f.growthOffHeapBytes()) + " off-heap)";
        }
        if (f.growthMappedBytes() != 0) {
          growth += " (" + bytes(f.growthMappedBytes()) + " mapped)";
        }
        String shape = f.shape().label() + (f.growingSince() > 2 ? " since dump " + f.growingSince() : "");
        out.println("| " + String.join(" | ", shape, cell(f.className()), DiffRenderer.signed(f.growthObjects()), growth,
            DiffRenderer.join(f.counts()), f.ownerPath().isEmpty() ? "" : cell(f.owner()), cell(f.site())) + " |");
      }
    }
    out.println();
    out.println("heap: objects " + DiffRenderer.join(h.objects()) + ", bytes " + DiffRenderer.join(h.bytes())
        + ", growth " + DiffRenderer.signed(h.growthObjects()) + " objects " + bytes(h.growthBytes()) + ", findings "
        + report.findings().size() + " " + bytes(findingBytes));
    out.println();
    out.println("verdict: **" + memory.verdict().kind().label() + "** — " + cell(words.sentence(memory.verdict())));
  }

  /** {@code +4096 bytes}, or with {@code --human} {@code +4.0 KiB}. */
  private String bytes(long v) {
    return (v >= 0 ? "+" : "") + (output.human ? Sizes.human(v) : v + " bytes");
  }

  /**
   * A name as one table cell that renders as itself: control characters shown escaped (so no
   * newline ends the row), a pipe escaped so it splits no cell, Markdown's inline punctuation escaped
   * so it starts no code span, emphasis or link, and HTML's {@code < > &} as entities so no tag is
   * written. A backslash is escaped too, or one before a pipe would undo the pipe's escape.
   */
  static String cell(String name) {
    String s = Text.safe(name);
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '\\', '|', '`', '*', '_', '[', ']', '~' -> out.append('\\').append(c);
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
