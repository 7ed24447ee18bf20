package io.memdiff.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.memdiff.diff.AllocationStack;
import io.memdiff.diff.DumpMeta;
import io.memdiff.diff.PathStep;
import io.memdiff.diff.SiteKind;
import io.memdiff.diff.SiteReachability;
import io.memdiff.diff.SiteStats;
import io.memdiff.diff.SiteSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * A site-summary file as it is written, version {@link #VERSION}: records of their own, so that the
 * in-memory summary may change without changing the files CI keeps, and a file's version says which
 * shape it has. Field names are the JSON's, in snake case.
 */
record SummaryFileFormat(int schemaVersion, Dump dump, List<Site> sites) {
  static final int VERSION = SiteSummary.SCHEMA_VERSION;

  record Dump(String path, long timestampMillis, int idSize, long objects, long shallowBytes, boolean truncated,
      SiteKind siteKind, String layout) {}

  record Site(String key, String className, String site, List<Step> path, long count, long shallowBytes,
      long retainedBytes, SiteReachability reachability, List<String> examples, long offHeapBytes, long mappedBytes,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Stack> allocationStacks) {}

  /** {@code site} is absent where the step's site is its path's (see {@link PathStep#site}). */
  record Step(String edge, String className, @JsonInclude(JsonInclude.Include.NON_NULL) String site) {}

  /** Absent in files of dumps that had no recording beside them. */
  record Stack(List<String> frames, long samples) {}

  static SummaryFileFormat of(SiteSummary s) {
    DumpMeta d = s.dump();
    List<Site> sites = new ArrayList<>(s.sites().size());
    for (SiteStats t : s.sites()) {
      List<Step> path = new ArrayList<>(t.path().size());
      for (PathStep p : t.path()) {
        path.add(new Step(p.edge(), p.className(), p.site()));
      }
      List<Stack> stacks = new ArrayList<>(t.allocationStacks().size());
      for (AllocationStack a : t.allocationStacks()) {
        stacks.add(new Stack(a.frames(), a.samples()));
      }
      sites.add(new Site(t.key(), t.className(), t.site(), path, t.count(), t.shallowBytes(), t.retainedBytes(),
          t.reachability(), t.examples(), t.offHeapBytes(), t.mappedBytes(), stacks));
    }
    return new SummaryFileFormat(VERSION, new Dump(d.path(), d.timestampMillis(), d.idSize(), d.objects(),
        d.shallowBytes(), d.truncated(), d.siteKind(), d.layout()), sites);
  }

  /** The summary this file holds; the caller has checked the version and that dump and sites are present. */
  SiteSummary toSummary() {
    List<SiteStats> stats = new ArrayList<>(sites.size());
    for (Site t : sites) {
      List<PathStep> steps = new ArrayList<>(t.path() == null ? 0 : t.path().size());
      if (t.path() != null) {
        for (Step p : t.path()) {
          steps.add(new PathStep(p.edge(), p.className(), p.site()));
        }
      }
      List<AllocationStack> stacks = new ArrayList<>();
      if (t.allocationStacks() != null) {
        for (Stack a : t.allocationStacks()) {
          stacks.add(new AllocationStack(a.frames() == null ? List.of() : a.frames(), a.samples()));
        }
      }
      stats.add(new SiteStats(t.key(), t.className(), t.site(), steps, t.count(), t.shallowBytes(), t.retainedBytes(),
          t.reachability(), t.examples() == null ? List.of() : t.examples(), t.offHeapBytes(), t.mappedBytes(),
          stacks));
    }
    return new SiteSummary(schemaVersion, new DumpMeta(dump.path(), dump.timestampMillis(), dump.idSize(),
        dump.objects(), dump.shallowBytes(), dump.truncated(), dump.siteKind(), dump.layout()), stats);
  }
}
