package io.memdiff.diff;

import java.util.List;

/** The diff of N site summaries: growing sites, biggest growth first, and their clusters. */
public record DiffReport(List<DumpMeta> dumps, List<SiteDiff> sites, List<Cluster> clusters) {}
