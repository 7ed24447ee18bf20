package io.memdiff.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The committed bytes per category of {@code VM.native_memory summary}: one line per category,
 * {@code -  Other (reserved=262144KB, committed=262144KB)}, the same on JDK 17 and 25.
 */
final class NmtSummary {
  private static final Pattern CATEGORY = Pattern.compile(
      "^-\\s+(\\S.*?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)", Pattern.MULTILINE);

  private NmtSummary() {}

  /** Committed bytes per category, in the summary's order; null when tracking is off or the text is no summary. */
  static Map<String, Long> parse(String summary) {
    Map<String, Long> out = new LinkedHashMap<>();
    Matcher m = CATEGORY.matcher(summary);
    while (m.find()) {
      out.merge(m.group(1), Long.parseLong(m.group(3)) * 1024, Long::sum);
    }
    return out.isEmpty() ? null : out;
  }
}
