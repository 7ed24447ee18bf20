package io.memdiff.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.memdiff.diff.AllocationStack;
import io.memdiff.diff.DiffReport;
import io.memdiff.diff.DumpMeta;
import io.memdiff.diff.Finding;
import io.memdiff.diff.PathStep;
import io.memdiff.diff.SiteDiff;
import io.memdiff.diff.SiteReachability;
import io.memdiff.engine.MemoryAccount;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Renders a {@link DiffReport}: one greppable line per finding with its sites below, or the JSON document. */
final class DiffRenderer {
  private final OutputOptions output;
  private final boolean paths;
  private final int examples;
  private final int frames;
  private final Baseline baseline;

  /**
   * @param frames how many frames of an allocation stack a text line shows
   * @param baseline the findings to mark as known; null when no {@code --baseline} was given
   */
  DiffRenderer(OutputOptions output, boolean paths, int examples, int frames, Baseline baseline) {
    this.output = output;
    this.paths = paths;
    this.examples = examples;
    this.frames = frames;
    this.baseline = baseline;
  }

  private String allocated(SiteDiff d) {
    return d == null ? "" : allocated(d.allocationStacks());
  }

  /** {@code  allocated at com.acme.Foo.bar(Foo.java:53) (12 samples)} for the most sampled stack, or nothing. */
  private String allocated(List<AllocationStack> stacks) {
    if (stacks.isEmpty() || frames == 0) {
      return "";
    }
    AllocationStack top = stacks.get(0);
    return "  allocated at " + Text.safe(String.join(" < ", top.programFrames(frames))) + " (" + top.samples()
        + (top.samples() == 1 ? " sample" : " samples") + (stacks.size() > 1
            ? ", " + (stacks.size() - 1) + " other stack" + (stacks.size() > 2 ? "s" : "") : "")
        + ")";
  }

  /**
   * {@code leak  com.acme.Session  +1000 objects  +190000 bytes  counts 1000,2000,3000  at static …  held by …},
   * then, indented, the owner's path and the finding's other sites; last, one line on the whole heap.
   */
  void text(PrintWriter out, DiffReport report, List<Finding> findings) {
    Map<String, SiteDiff> sites = new HashMap<>();
    for (SiteDiff d : report.sites()) {
      sites.put(d.key(), d);
    }
    for (Finding f : findings) {
      StringBuilder line = new StringBuilder();
      line.append(f.shape().label()).append("  ").append(Text.safe(f.className()))
          .append("  ").append(signed(f.growthObjects())).append(" objects")
          .append("  ").append(signedBytes(f.growthBytes()));
      if (f.growthOffHeapBytes() != 0) {
        line.append("  ").append(signedBytes(f.growthOffHeapBytes())).append(" off-heap");
      }
      if (f.growthMappedBytes() != 0) {
        line.append("  ").append(signedBytes(f.growthMappedBytes())).append(" mapped");
      }
      line.append("  counts ").append(join(f.counts()));
      if (f.growingSince() > 2) {
        line.append("  since dump ").append(f.growingSince());
      }
      line.append("  ").append(Text.safe(f.site())).append(allocated(f.allocationStacks()));
      SiteReachability r = f.reachability();
      if (r != SiteReachability.STRONG && r != SiteReachability.MIXED && !f.site().equals(r.label())) {
        line.append("  (").append(r.label()).append(")");
      }
      if (!f.ownerPath().isEmpty()) {
        line.append("  held by ").append(Text.safe(f.owner()));
      }
      if (examples > 0 && !f.examples().isEmpty()) {
        line.append("  examples ").append(String.join(",", f.examples().subList(0, Math.min(examples, f.examples().size()))));
      }
      if (baseline != null && baseline.knows(f)) {
        line.append("  (baseline)");
      }
      out.println(line);
      if (!paths) {
        continue;
      }
      for (PathStep s : f.ownerPath()) {
        out.println("    path  " + Text.safe(s.edge()) + "  " + Text.safe(s.className()));
      }
      for (String k : f.siteKeys().subList(1, f.siteKeys().size())) {
        SiteDiff d = sites.get(k);
        out.println("    site  " + Text.safe(d.className()) + "  " + signed(d.growthObjects()) + " objects  "
            + signedBytes(d.growthShallowBytes()) + " own  " + signedBytes(d.growthRetainedBytes()) + " retained  counts "
            + join(d.counts()) + "  " + Text.safe(d.site()) + allocated(d));
      }
    }
    DiffReport.Heap h = report.heap();
    long findingBytes = report.findings().stream().mapToLong(Finding::growthBytes).sum();
    out.println("heap  objects " + join(h.objects()) + "  bytes " + join(h.bytes()) + "  growth "
        + signed(h.growthObjects()) + " objects " + signedBytes(h.growthBytes()) + "  findings "
        + report.findings().size() + " " + signedBytes(findingBytes));
  }

  record DumpOut(String path, String timestamp, int idSize, long objects, long bytes, boolean truncated, String siteKind,
      String layout) {}

  record StepOut(String edge, @JsonProperty("class") String className) {}

  record SiteOut(@JsonProperty("class") String className, String site, String key, long[] counts, long[] shallowBytes,
      long[] retainedBytes, long growthObjects, long growthBytes, long growthRetainedBytes, String shape,
      double slopePerMinute, String reachability, List<StepOut> path, String finding, List<String> examples,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<StackOut> allocationStacks) {}

  record StackOut(List<String> frames, long samples) {}

  record FindingOut(@JsonProperty("class") String className, String shape, Integer growingSince, long growthObjects,
      long[] counts, long growthBytes, long[] bytes, long growthOffHeapBytes, long[] offHeapBytes,
      long growthMappedBytes, long[] mappedBytes, String site,
      String owner, @JsonProperty("owner_class") String ownerClass, List<StepOut> ownerPath, String reachability,
      String key, String headline, List<String> sites, List<String> examples,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<StackOut> allocationStacks,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean baseline) {}

  record HeapOut(long[] objects, long[] bytes, long growthObjects, long growthBytes, long findingsGrowthBytes) {}

  record Document(int schemaVersion, List<DumpOut> dumps, List<FindingOut> findings, List<SiteOut> sites, HeapOut heap,
      List<MemoryRenderer.ProcessOut> process, MemoryRenderer.VerdictOut memoryVerdict) {}

  Document json(DiffReport report, List<Finding> findings, MemoryAccount account, MemoryRenderer memory) {
    List<DumpOut> dumps = new ArrayList<>();
    for (DumpMeta m : report.dumps()) {
      dumps.add(new DumpOut(m.path(), Instant.ofEpochMilli(m.timestampMillis()).toString(), m.idSize(), m.objects(),
          m.shallowBytes(), m.truncated(), m.siteKind().label(), m.layout()));
    }
    Map<String, SiteDiff> byKey = new HashMap<>();
    for (SiteDiff d : report.sites()) {
      byKey.put(d.key(), d);
    }
    List<FindingOut> fs = new ArrayList<>();
    List<SiteOut> out = new ArrayList<>();
    for (Finding f : findings) {
      fs.add(new FindingOut(f.className(), f.shape().label(), f.growingSince() > 2 ? f.growingSince() : null,
          f.growthObjects(), f.counts(), f.growthBytes(), f.bytes(), f.growthOffHeapBytes(), f.offHeapBytes(),
          f.growthMappedBytes(), f.mappedBytes(), f.site(),
          f.owner(), f.ownerClass(), steps(paths ? f.ownerPath() : List.of()), f.reachability().label(), f.key(),
          f.headline(), f.siteKeys(), f.examples().subList(0, Math.min(examples, f.examples().size())),
          stacks(f.allocationStacks()), baseline == null ? null : baseline.knows(f)));
      for (String k : f.siteKeys()) {
        SiteDiff d = byKey.get(k);
        out.add(new SiteOut(d.className(), d.site(), d.key(), d.counts(), d.shallowBytes(), d.retainedBytes(),
            d.growthObjects(), d.growthShallowBytes(), d.growthRetainedBytes(), d.shape().label(),
            Math.round(d.slopePerMinute() * 1000) / 1000.0, d.reachability().label(), steps(paths ? d.path() : List.of()),
            d.finding(), d.examples().subList(0, Math.min(examples, d.examples().size())), stacks(d)));
      }
    }
    DiffReport.Heap h = report.heap();
    long findingBytes = report.findings().stream().mapToLong(Finding::growthBytes).sum();
    return new Document(Json.SCHEMA_VERSION, dumps, fs, out,
        new HeapOut(h.objects(), h.bytes(), h.growthObjects(), h.growthBytes(), findingBytes), memory.process(account),
        memory.verdict(account));
  }

  private static List<StackOut> stacks(SiteDiff d) {
    return d == null ? List.of() : stacks(d.allocationStacks());
  }

  static List<StackOut> stacks(List<AllocationStack> stacks) {
    return stacks.stream().map(a -> new StackOut(a.frames(), a.samples())).toList();
  }

  private static List<StepOut> steps(List<PathStep> path) {
    return path.stream().map(s -> new StepOut(s.edge(), s.className())).toList();
  }

  static String join(long[] values) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        s.append(',');
      }
      s.append(values[i]);
    }
    return s.toString();
  }

  static String signed(long v) {
    return (v >= 0 ? "+" : "") + v;
  }

  /** {@code +190000 bytes}, or with {@code --human} {@code +185.5 KiB}. */
  private String signedBytes(long v) {
    return output.human ? (v >= 0 ? "+" : "") + Sizes.human(v) : signed(v) + " bytes";
  }
}
