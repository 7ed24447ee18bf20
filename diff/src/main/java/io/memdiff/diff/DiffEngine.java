package io.memdiff.diff;

import io.memdiff.hprof.RubyDump;
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
    Map<String, String> frameOfSite = options.by() == Grouping.ALLOCATION ? allocatingFrames(summaries) : Map.of();
    for (SiteSummary s : summaries) {
      byKey.add(regroup(s.sites(), options.by(), frameOfSite));
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
      long[] offHeap = new long[n];
      long[] mapped = new long[n];
      Map<List<String>, Long> stacks = new HashMap<>();
      for (int i = 0; i < n; i++) {
        SiteStats s = byKey.get(i).get(e.getKey());
        if (s != null) {
          // A recording keeps sampling the objects it sampled before: the same object can be in each
          // dump's, so a stack counts the most samples one recording had, not their sum.
          for (AllocationStack a : s.allocationStacks()) {
            stacks.merge(a.frames(), a.samples(), Math::max);
          }
          counts[i] = s.count();
          shallow[i] = s.shallowBytes();
          retained[i] = s.retainedBytes();
          offHeap[i] = s.offHeapBytes();
          mapped[i] = s.mappedBytes();
        }
      }
      SiteStats latest = e.getValue();
      // A site whose count holds (or falls) can still grow in bytes (a buffer that keeps growing, fewer
      // but bigger arrays): shape it by its bytes then.
      long objectGrowth = growth(counts);
      boolean bytesTell = Shape.of(counts) == Shape.STABLE || (objectGrowth <= 0 && growth(shallow) > 0);
      long[] shaped = bytesTell ? shallow : counts;
      all.put(e.getKey(), new SiteDiff(e.getKey(), latest.className(), latest.site(), latest.path(), counts, shallow,
          retained, offHeap, mapped, objectGrowth, growth(shallow), growth(retained), Shape.of(shaped),
          Shape.growingSince(shaped), slope(minutes, counts), latest.reachability(), null, latest.examples(),
          sorted(stacks)));
    }
    List<SiteDiff> growing = new ArrayList<>();
    for (SiteDiff d : all.values()) {
      // Growth in count or in the site's own bytes. A container whose only growth is what it retains
      // is its owner's business, reported in the owner's finding, not as a site of its own.
      boolean grows = d.growthObjects() > 0 || d.growthShallowBytes() > 0;
      // A Ruby allocation tracer's table grows with every object the program keeps: its cost, no finding.
      if (grows && !d.className().equals(RubyDump.ALLOCATION_TRACING) && (options.unreachable() || d.reachability() != SiteReachability.UNREACHABLE)
          && !options.ignoredKeys().contains(d.key()) && !options.ignoredKeys().contains(d.className())
          && options.selected().test(d.className(), d.site())) {
        growing.add(d);
      }
    }
    growing.sort(Comparator.comparingLong(SiteDiff::growthShallowBytes).reversed()
        .thenComparing(Comparator.comparingLong(SiteDiff::growthObjects).reversed())
        .thenComparing(SiteDiff::key));
    List<DumpMeta> dumps = summaries.stream().map(SiteSummary::dump).toList();
    long[] objects = dumps.stream().mapToLong(DumpMeta::objects).toArray();
    long[] bytes = dumps.stream().mapToLong(DumpMeta::shallowBytes).toArray();
    DiffReport.Heap heap = new DiffReport.Heap(objects, bytes, growth(objects), growth(bytes));
    return Findings.group(dumps, growing, all, heap, options);
  }

  /** Heapy's growth: for 3+ dumps, what appeared after the first and is still there in the last two. */
  public static long growth(long[] series) {
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

  /**
   * Site stats keyed for the chosen grouping: by site (as is), by class, or by package. A class's or
   * package's retained bytes are its own bytes: summing its sites' retained bytes would count every
   * object that one of its objects holds once more for each holder of the same class.
   */
  private static Map<String, SiteStats> regroup(List<SiteStats> sites, Grouping by, Map<String, String> frameOfSite) {
    Map<String, SiteStats> out = new LinkedHashMap<>();
    for (SiteStats s : sites) {
      if (by == Grouping.SITE) {
        out.put(s.key(), s);
        continue;
      }
      String key = switch (by) {
        case CLASS -> s.className();
        case PACKAGE -> packageOf(s.className());
        default -> frameOfSite.getOrDefault(s.key(), NOT_SAMPLED);
      };
      String what = switch (by) {
        case CLASS -> "all sites";
        case PACKAGE -> "all classes";
        default -> "all classes allocated there";
      };
      SiteStats prev = out.get(key);
      if (prev == null) {
        out.put(key, new SiteStats(key, key, what, List.of(), s.count(),
            s.shallowBytes(), s.shallowBytes(), s.reachability(), s.examples(), s.offHeapBytes(), s.mappedBytes(),
            s.allocationStacks()));
      } else {
        SiteReachability reachability = prev.reachability() == s.reachability() ? prev.reachability() : SiteReachability.MIXED;
        out.put(key, new SiteStats(key, key, prev.site(), List.of(), prev.count() + s.count(),
            prev.shallowBytes() + s.shallowBytes(), prev.retainedBytes() + s.shallowBytes(), reachability,
            prev.examples(), prev.offHeapBytes() + s.offHeapBytes(), prev.mappedBytes() + s.mappedBytes(),
            together(prev.allocationStacks(), s.allocationStacks())));
      }
    }
    return out;
  }

  /** Most samples first, ties by frames, so the order does not depend on a map's. */
  static List<AllocationStack> sorted(Map<List<String>, Long> stacks) {
    List<AllocationStack> out = new ArrayList<>(stacks.size());
    stacks.forEach((frames, samples) -> out.add(new AllocationStack(frames, samples)));
    out.sort(Comparator.comparingLong(AllocationStack::samples).reversed()
        .thenComparing(a -> String.join("\n", a.frames())));
    return List.copyOf(out);
  }

  /** Two sites' stacks as one group's: a class's or package's samples are its sites' together. */
  private static List<AllocationStack> together(List<AllocationStack> a, List<AllocationStack> b) {
    if (b.isEmpty()) {
      return a;
    }
    Map<List<String>, Long> stacks = new HashMap<>();
    for (AllocationStack s : a) {
      stacks.merge(s.frames(), s.samples(), Long::sum);
    }
    for (AllocationStack s : b) {
      stacks.merge(s.frames(), s.samples(), Long::sum);
    }
    return sorted(stacks);
  }

  /** The row of {@code --by allocation} for sites no allocation stack was sampled for. */
  static final String NOT_SAMPLED = "(no allocation stack sampled)";

  /**
   * Each site's allocating frame for {@code --by allocation}: the first frame outside the JDK of its
   * most sampled stack over all dumps, so that a site is in one row in every dump.
   */
  private static Map<String, String> allocatingFrames(List<SiteSummary> summaries) {
    Map<String, Map<List<String>, Long>> stacksOfSite = new HashMap<>();
    for (SiteSummary summary : summaries) {
      for (SiteStats s : summary.sites()) {
        for (AllocationStack a : s.allocationStacks()) {
          stacksOfSite.computeIfAbsent(s.key(), k -> new HashMap<>()).merge(a.frames(), a.samples(), Math::max);
        }
      }
    }
    Map<String, String> frames = new HashMap<>();
    stacksOfSite.forEach((site, stacks) -> {
      List<String> top = sorted(stacks).get(0).programFrames(1);
      frames.put(site, top.isEmpty() ? NOT_SAMPLED : top.get(0));
    });
    return frames;
  }

  static String packageOf(String className) {
    String base = className.replace("[]", "");
    int dot = base.lastIndexOf('.');
    return dot < 0 ? "(default package)" : base.substring(0, dot);
  }
}
