package io.memdiff.diff;

import java.util.List;

/**
 * A dump reduced to its sites: kilobytes that can be kept and diffed instead of the gigabytes of the
 * dump. Sites are sorted by key.
 */
public record SiteSummary(int schemaVersion, DumpMeta dump, List<SiteStats> sites) {
  public static final int SCHEMA_VERSION = 2;
}
