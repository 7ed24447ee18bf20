package io.memdiff.diff;

import java.util.Set;
import java.util.function.Predicate;

/**
 * What to report.
 *
 * @param by {@code site}, {@code class} or {@code package}
 * @param minBytes report only sites whose retained growth is at least this; 0 reports every growing site
 * @param selected include/exclude on a site's class name or site description
 * @param ignoredKeys site keys (or class names) listed in an {@code --ignore} file
 */
public record DiffOptions(String by, long minBytes, Predicate<String> selected, Set<String> ignoredKeys) {
  public static final DiffOptions DEFAULTS = new DiffOptions("site", 0, s -> true, Set.of());
}
