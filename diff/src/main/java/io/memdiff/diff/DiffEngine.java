package io.memdiff.diff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Diffs N site summaries of one program, oldest first. Reads no bytes: summaries are all it needs. */
public final class DiffEngine {
  private DiffEngine() {}

  public static DiffReport diff(List<SiteSummary> summaries, DiffOptions options) {
    if (summaries.size() < 2) {
      throw new IllegalArgumentException("a diff needs at least two dumps");
    }
    int n = summaries.size();
    List<Map<String, SiteStats>> byKey = new ArrayList<>(n);
    for (SiteSummary s : summaries) {
      byKey.add(regroup(s.sites(), options.by()));
    }
    TreeMap<String, SiteStats> union = new TreeMap<>();
    for (int i = n - 1; i >= 0; i--) {
      for (Map.Entry<String, SiteStats> e : byKey.get(i).entrySet()) {
        union.putIfAbsent(e.getKey(), e.getValue()); // the latest dump's path and examples win
      }
    }
    double[] minutes = new double[n];
    for (int i = 0; i < n; i++) {
      minutes[i] = (summaries.get(i).dump().timestampMillis() - summaries.get(0).dump().timestampMillis()) / 60_000.0;
    }
    Map<String, SiteDiff> all = new HashMap<>();
    for (Map.Entry<String, SiteStats> e : union.entrySet()) {
      long[] counts = new long[n];
      long[] shallow = new long[n];
      long[] retained = new long[n];
      for (int i = 0; i < n; i++) {
        SiteStats s = byKey.get(i).get(e.getKey());
        if (s != null) {
          counts[i] = s.count();
          shallow[i] = s.shallowBytes();
          retained[i] = s.retainedBytes();
        }
      }
      SiteStats latest = e.getValue();
      // A site whose count holds (or falls) can still grow in bytes (a buffer that keeps growing, fewer
      // but bigger arrays): shape it by its bytes then.
      long objectGrowth = growth(counts);
      boolean bytesTell = Shape.of(counts) == Shape.STABLE || (objectGrowth <= 0 && growth(shallow) > 0);
      Shape shape = bytesTell ? Shape.of(shallow) : Shape.of(counts);
      all.put(e.getKey(), new SiteDiff(e.getKey(), latest.className(), latest.site(), latest.path(), counts, shallow,
          retained, growth(counts), growth(retained), shape, slope(minutes, counts),
          latest.reachability(), null, latest.examples()));
    }
    List<SiteDiff> growing = new ArrayList<>();
    for (SiteDiff d : all.values()) {
      // Growth in count or in the site's own bytes; a container whose only growth is what it retains is
      // reported as the owner of a cluster, not as a site of its own.
      boolean grows = d.growthObjects() > 0 || growth(d.shallowBytes()) > 0;
      if (grows && (options.minBytes() <= 0 || d.growthBytes() >= options.minBytes())
          && !options.ignoredKeys().contains(d.key()) && !options.ignoredKeys().contains(d.className())
          && (options.selected().test(d.className()) || options.selected().test(d.site()))) {
        growing.add(d);
      }
    }
    growing.sort(Comparator.comparingLong(SiteDiff::growthBytes).reversed()
        .thenComparing(Comparator.comparingLong(SiteDiff::growthObjects).reversed())
        .thenComparing(SiteDiff::key));
    return cluster(summaries, growing, all);
  }

  /** Heapy's growth: for 3+ dumps, what appeared after the first and is still there in the last two. */
  static long growth(long[] series) {
    int n = series.length;
    return n == 2 ? series[1] - series[0] : Math.min(series[n - 2], series[n - 1]) - series[0];
  }

  static double slope(double[] x, long[] y) {
    int n = x.length;
    double mx = 0;
    double my = 0;
    for (int i = 0; i < n; i++) {
      mx += x[i] / n;
      my += (double) y[i] / n;
    }
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      num += (x[i] - mx) * (y[i] - my);
      den += (x[i] - mx) * (x[i] - mx);
    }
    return den == 0 ? 0 : num / den;
  }

  /** Site stats keyed for the chosen grouping: by site (as is), by class, or by package. */
  private static Map<String, SiteStats> regroup(List<SiteStats> sites, String by) {
    Map<String, SiteStats> out = new LinkedHashMap<>();
    for (SiteStats s : sites) {
      String key = switch (by) {
        case "class" -> s.className();
        case "package" -> packageOf(s.className());
        default -> s.key();
      };
      if (by.equals("site")) {
        out.put(key, s);
        continue;
      }
      SiteStats prev = out.get(key);
      if (prev == null) {
        out.put(key, new SiteStats(key, key, by.equals("class") ? "all sites" : "all classes", List.of(), s.count(),
            s.shallowBytes(), s.retainedBytes(), s.reachability(), s.examples()));
      } else if (!prev.reachability().equals(s.reachability())) {
        out.put(key, new SiteStats(key, key, prev.site(), List.of(), prev.count() + s.count(),
            prev.shallowBytes() + s.shallowBytes(), prev.retainedBytes() + s.retainedBytes(), "mixed", prev.examples()));
      } else {
        out.put(key, new SiteStats(key, key, prev.site(), List.of(), prev.count() + s.count(),
            prev.shallowBytes() + s.shallowBytes(), prev.retainedBytes() + s.retainedBytes(), prev.reachability(),
            prev.examples()));
      }
    }
    return out;
  }

  static String packageOf(String className) {
    String base = className.replace("[]", "");
    int dot = base.lastIndexOf('.');
    return dot < 0 ? "(default package)" : base.substring(0, dot);
  }

  /** Groups growing sites under their owners; each site gets its cluster key. */
  private static DiffReport cluster(List<SiteSummary> summaries, List<SiteDiff> growing, Map<String, SiteDiff> all) {
    Map<String, List<SiteDiff>> members = new LinkedHashMap<>();
    Map<String, List<PathStep>> ownerPaths = new HashMap<>();
    List<SiteDiff> withClusters = new ArrayList<>(growing.size());
    for (SiteDiff d : growing) {
      List<PathStep> path = d.path();
      int owner = ownerStep(d, all);
      List<PathStep> ownerPath = owner < 0 ? List.of() : List.copyOf(path.subList(0, owner + 1));
      String key = owner < 0 ? d.site() : SiteKeys.describePath(ownerPath) + " (" + ownerPath.get(owner).className() + ")";
      SiteDiff c = new SiteDiff(d.key(), d.className(), d.site(), d.path(), d.counts(), d.shallowBytes(),
          d.retainedBytes(), d.growthObjects(), d.growthBytes(), d.shape(), d.slopePerMinute(), d.reachability(), key,
          d.examples());
      withClusters.add(c);
      members.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
      ownerPaths.putIfAbsent(key, ownerPath);
    }
    List<Cluster> clusters = new ArrayList<>();
    for (Map.Entry<String, List<SiteDiff>> e : members.entrySet()) {
      long objects = 0;
      long bytes = 0;
      List<String> keys = new ArrayList<>();
      for (SiteDiff d : e.getValue()) {
        objects += Math.max(0, d.growthObjects());
        bytes += Math.max(0, d.growthBytes());
        keys.add(d.key());
      }
      List<PathStep> p = ownerPaths.get(e.getKey());
      String owner = p.isEmpty() ? e.getKey() : SiteKeys.describePath(p).substring("at ".length());
      clusters.add(new Cluster(e.getKey(), owner, p, objects, bytes, keys));
    }
    List<DumpMeta> dumps = summaries.stream().map(SiteSummary::dump).toList();
    return new DiffReport(dumps, withClusters, clusters);
  }

  /**
   * The index of the owner step in a site's path: the nearest step before the site's own that holds
   * neither a JDK collection, an array, nor a growing site; the root step when there is none; −1 for
   * paths without steps.
   */
  private static int ownerStep(SiteDiff d, Map<String, SiteDiff> all) {
    List<PathStep> path = d.path();
    if (path.isEmpty()) {
      return -1;
    }
    for (int j = path.size() - 2; j > 0; j--) {
      String cls = path.get(j).className();
      if (isContainer(cls)) {
        continue;
      }
      SiteDiff prefix = all.get(SiteKeys.retentionKey(cls, path.subList(0, j + 1), d.reachability()));
      if (prefix != null && prefix.growthObjects() > 0) {
        continue;
      }
      return j;
    }
    return 0;
  }

  private static boolean isContainer(String cls) {
    return cls.endsWith("[]") || cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.");
  }
}
