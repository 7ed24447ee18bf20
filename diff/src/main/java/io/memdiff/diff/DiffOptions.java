package io.memdiff.diff;

import java.util.Set;

/**
 * What to report.
 *
 * @param by sites, classes or packages
 * @param minBytes report only findings whose bytes grew by at least this; 0 reports every growing one
 * @param selected include/exclude on a site's class name and site description
 * @param ignoredKeys site keys (or class names) listed in an {@code --ignore} file
 * @param unreachable report objects no root reaches too (never a leak: the next collection frees them)
 */
public record DiffOptions(Grouping by, long minBytes, Selection selected, Set<String> ignoredKeys,
    boolean unreachable) {
  public static final DiffOptions DEFAULTS = new DiffOptions(Grouping.SITE, 0, (c, s) -> true, Set.of(), false);

  /** Whether a site is wanted, from its class name and its description. */
  @FunctionalInterface
  public interface Selection {
    boolean test(String className, String site);
  }
}
