package io.memdiff.diff;

import java.util.List;

/**
 * The diff of N site summaries: findings, biggest growth first; every growing site (each in one
 * finding); and what the dumps' heaps did as a whole.
 */
public record DiffReport(List<DumpMeta> dumps, List<Finding> findings, List<SiteDiff> sites, Heap heap) {
  /** The dumps' totals: objects and shallow bytes per dump, and their growth, diffed as a site's are. */
  public record Heap(long[] objects, long[] bytes, long growthObjects, long growthBytes) {}
}
