package io.memdiff.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.memdiff.diff.Cluster;
import io.memdiff.diff.DiffReport;
import io.memdiff.diff.DumpMeta;
import io.memdiff.diff.PathStep;
import io.memdiff.diff.SiteDiff;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Renders a {@link DiffReport}: one greppable line per site, or the JSON document. */
final class DiffRenderer {
  private final OutputOptions output;
  private final boolean paths;
  private final int examples;

  DiffRenderer(OutputOptions output, boolean paths, int examples) {
    this.output = output;
    this.paths = paths;
    this.examples = examples;
  }

  /**
   * {@code leak  com.acme.Session  +10000 objects  +4800000 bytes  counts 5000,15000,15000  at static …},
   * then, under the first site of each cluster, the owner's path indented.
   */
  void text(PrintWriter out, DiffReport report, List<SiteDiff> sites) {
    Set<String> shownClusters = new HashSet<>();
    for (SiteDiff d : sites) {
      StringBuilder line = new StringBuilder();
      line.append(d.shape().label()).append("  ").append(d.className())
          .append("  ").append(signed(d.growthObjects())).append(" objects")
          .append("  ").append(signedBytes(d.growthBytes())).append(" bytes")
          .append("  counts ").append(join(d.counts()))
          .append("  ").append(d.site());
      if (!d.reachability().equals("strong") && !d.reachability().equals("mixed") && !d.site().equals(d.reachability())) {
        line.append("  (").append(d.reachability()).append(")");
      }
      if (examples > 0 && !d.examples().isEmpty()) {
        line.append("  examples ").append(String.join(",", d.examples().subList(0, Math.min(examples, d.examples().size()))));
      }
      out.println(line);
      if (paths && shownClusters.add(d.cluster())) {
        Cluster c = report.clusters().stream().filter(x -> x.key().equals(d.cluster())).findFirst().orElse(null);
        if (c != null && !c.path().isEmpty()) {
          out.println("    cluster  " + c.siteKeys().size() + " site(s)  " + signed(c.growthObjects()) + " objects  "
              + signedBytes(c.growthBytes()) + " bytes  held by " + c.owner());
          for (PathStep s : c.path()) {
            out.println("      " + s.edge() + "  " + s.className());
          }
        }
      }
    }
  }

  record DumpOut(String path, String timestamp, int idSize, long objects, long bytes, boolean truncated, String siteKind) {}

  record StepOut(String edge, @JsonProperty("class") String className) {}

  record SiteOut(@JsonProperty("class") String className, String site, String key, long[] counts, long[] shallowBytes, long[] retainedBytes,
      long growthObjects, long growthBytes, String shape, double slopePerMinute, String reachability,
      List<StepOut> path, String cluster, List<String> examples) {}

  record ClusterOut(String key, String owner, List<StepOut> path, long growthObjects, long growthBytes,
      List<String> sites) {}

  record Document(int schemaVersion, List<DumpOut> dumps, List<SiteOut> sites, List<ClusterOut> clusters) {}

  Document json(DiffReport report, List<SiteDiff> sites) {
    List<DumpOut> dumps = new ArrayList<>();
    for (DumpMeta m : report.dumps()) {
      dumps.add(new DumpOut(m.path(), Instant.ofEpochMilli(m.timestampMillis()).toString(), m.idSize(), m.objects(),
          m.shallowBytes(), m.truncated(), m.siteKind()));
    }
    Set<String> clusterKeys = new HashSet<>();
    List<SiteOut> out = new ArrayList<>();
    for (SiteDiff d : sites) {
      clusterKeys.add(d.cluster());
      out.add(new SiteOut(d.className(), d.site(), d.key(), d.counts(), d.shallowBytes(), d.retainedBytes(),
          d.growthObjects(), d.growthBytes(), d.shape().label(), Math.round(d.slopePerMinute() * 1000) / 1000.0,
          d.reachability(), steps(paths ? d.path() : List.of()), d.cluster(),
          d.examples().subList(0, Math.min(examples, d.examples().size()))));
    }
    List<ClusterOut> clusters = new ArrayList<>();
    for (Cluster c : report.clusters()) {
      if (clusterKeys.contains(c.key())) {
        List<String> members = c.siteKeys().stream().filter(k -> sites.stream().anyMatch(s -> s.key().equals(k))).toList();
        clusters.add(new ClusterOut(c.key(), c.owner(), steps(c.path()), c.growthObjects(), c.growthBytes(), members));
      }
    }
    return new Document(Json.SCHEMA_VERSION, dumps, out, clusters);
  }

  private static List<StepOut> steps(List<PathStep> path) {
    return path.stream().map(s -> new StepOut(s.edge(), s.className())).toList();
  }

  private static String join(long[] values) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        s.append(',');
      }
      s.append(values[i]);
    }
    return s.toString();
  }

  private static String signed(long v) {
    return (v >= 0 ? "+" : "") + v;
  }

  private String signedBytes(long v) {
    return output.human ? (v >= 0 ? "+" : "") + Sizes.human(v) : signed(v);
  }

}
