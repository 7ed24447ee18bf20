package io.memdiff.diff;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Groups growing sites into findings: one per owner, headed by the class whose count grows, with the
 * owner's retained bytes from the dominator tree as its size. A site's path follows its objects'
 * dominators (see the paths module's owned routes), so an owner on it holds the site's objects, and
 * an owner on another owner's path holds that one's bytes too: those are taken out of the outer
 * finding, so that no byte is counted twice.
 */
final class Findings {
  private Findings() {}

  static DiffReport group(List<DumpMeta> dumps, List<SiteDiff> growing, Map<String, SiteDiff> all,
      DiffReport.Heap heap, DiffOptions options) {
    int n = dumps.size();
    Map<String, List<SiteDiff>> members = new LinkedHashMap<>();
    Map<String, List<PathStep>> ownerPaths = new HashMap<>();
    Map<String, SiteReachability> reachabilityOf = new HashMap<>();
    // Per finding, the owner sites its sites have: one, or for a thread, the thread and each of its
    // frames' locals (each a root of its own, so their retained bytes are disjoint).
    Map<String, Map<String, List<SiteDiff>>> ownerSites = new HashMap<>();
    List<SiteDiff> sites = new ArrayList<>(growing.size());
    for (SiteDiff d : growing) {
      int owner = options.by() == Grouping.SITE ? ownerStep(d, all) : -1;
      List<PathStep> ownerPath = owner < 0 ? List.of() : List.copyOf(d.path().subList(0, owner + 1));
      String ownerSite = owner < 0 ? d.key() : ownerKey(ownerPath, d.reachability());
      String thread = owner == 0 ? SiteKeys.threadOf(ownerPath.get(0).edge()) : null;
      String key = thread != null ? thread : ownerSite;
      if (thread != null) {
        ownerPath = List.of(new PathStep(thread, "java.lang.Thread"));
      }
      SiteDiff s = d.withFinding(key);
      sites.add(s);
      members.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      ownerSites.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(ownerSite, k -> new ArrayList<>()).add(s);
      ownerPaths.putIfAbsent(key, ownerPath);
      reachabilityOf.putIfAbsent(key, d.reachability());
    }
    Map<String, long[]> netBytes = netBytes(members.keySet(), ownerSites, ownerPaths, reachabilityOf, all, n);
    List<Finding> findings = new ArrayList<>();
    for (Map.Entry<String, List<SiteDiff>> e : members.entrySet()) {
      List<SiteDiff> m = new ArrayList<>(e.getValue());
      m.sort(Comparator.comparingInt(Findings::headlineRank)
          .thenComparing(Comparator.comparingLong(SiteDiff::growthObjects).reversed())
          .thenComparingInt(d -> d.path().size())
          .thenComparing(Comparator.comparingLong(SiteDiff::growthRetainedBytes).reversed())
          .thenComparing(Comparator.comparingLong(SiteDiff::growthShallowBytes).reversed())
          .thenComparing(SiteDiff::key));
      SiteDiff head = m.get(0);
      long[] bytes = netBytes.get(e.getKey());
      long[] native_ = new long[n];
      long[] mapped = new long[n];
      for (SiteDiff d : m) {
        for (int i = 0; i < n; i++) {
          native_[i] += d.offHeapBytes()[i];
          mapped[i] += d.mappedBytes()[i];
        }
      }
      long growthBytes = DiffEngine.growth(bytes);
      long growthOffHeap = DiffEngine.growth(native_);
      // A direct-buffer leak is 64 heap bytes per buffer: its native memory counts towards the floor.
      if (options.minBytes() > 0 && growthBytes + Math.max(0, growthOffHeap) < options.minBytes()) {
        continue;
      }
      List<PathStep> p = ownerPaths.get(e.getKey());
      String owner = p.isEmpty() ? head.site() : SiteKeys.describePath(p).substring("at ".length());
      String ownerClass = p.isEmpty() ? head.className() : p.get(p.size() - 1).className();
      findings.add(new Finding(e.getKey(), head.key(), head.className(), head.shape(), head.growingSince(),
          head.counts(), head.growthObjects(), head.site(), owner, ownerClass, p, bytes, growthBytes, native_,
          growthOffHeap, mapped, DiffEngine.growth(mapped), head.reachability(), m.stream().map(SiteDiff::key).toList(),
          head.examples(), allocationStacks(head.className(), m)));
    }
    findings.sort(Comparator.comparingLong(Finding::growthBytes).reversed()
        .thenComparing(Comparator.comparingLong(Finding::growthObjects).reversed())
        .thenComparing(Finding::key));
    // Sites in the order of their findings, each finding's headline first.
    Map<String, SiteDiff> byKey = new HashMap<>();
    for (SiteDiff s : sites) {
      byKey.put(s.key(), s);
    }
    List<SiteDiff> ordered = new ArrayList<>();
    for (Finding f : findings) {
      for (String k : f.siteKeys()) {
        ordered.add(byKey.get(k));
      }
    }
    return new DiffReport(dumps, findings, ordered, heap);
  }

  /**
   * Each finding's bytes per dump: its owners' retained bytes (or, for an owner that is no site, its
   * sites' own bytes), less those of the findings whose owners it holds.
   */
  private static Map<String, long[]> netBytes(Iterable<String> keys, Map<String, Map<String, List<SiteDiff>>> ownerSites,
      Map<String, List<PathStep>> ownerPaths, Map<String, SiteReachability> reachabilityOf, Map<String, SiteDiff> all, int n) {
    Map<String, long[]> own = new LinkedHashMap<>();
    for (String key : keys) {
      long[] bytes = new long[n];
      for (Map.Entry<String, List<SiteDiff>> o : ownerSites.get(key).entrySet()) {
        SiteDiff ownerSite = all.get(o.getKey());
        for (int i = 0; i < n; i++) {
          if (ownerSite != null) {
            bytes[i] += ownerSite.retainedBytes()[i];
          } else {
            for (SiteDiff d : o.getValue()) {
              bytes[i] += d.shallowBytes()[i];
            }
          }
        }
      }
      own.put(key, bytes);
    }
    Map<String, long[]> net = new HashMap<>();
    for (Map.Entry<String, long[]> e : own.entrySet()) {
      net.put(e.getKey(), e.getValue().clone());
    }
    for (String inner : own.keySet()) {
      String outer = nearestHolder(inner, ownerPaths, reachabilityOf);
      if (outer != null) {
        long[] outerBytes = net.get(outer);
        long[] held = own.get(inner);
        for (int i = 0; i < n; i++) {
          outerBytes[i] = Math.max(0, outerBytes[i] - held[i]);
        }
      }
    }
    return net;
  }

  /**
   * Where a finding's objects were allocated: the stacks of the samples of all its sites (a sampler
   * favours big objects, so the arrays a leaking object holds are sampled more often than the object),
   * each from its first frame that is not a constructor of the headline class, the frame that made
   * the leaking object, then merged.
   */
  static List<AllocationStack> allocationStacks(String headlineClass, List<SiteDiff> sites) {
    Map<List<String>, Long> stacks = new HashMap<>();
    String constructor = headlineClass + ".<init>(";
    for (SiteDiff d : sites) {
      for (AllocationStack a : d.allocationStacks()) {
        int first = 0;
        while (first < a.frames().size() - 1 && a.frames().get(first).startsWith(constructor)) {
          first++;
        }
        stacks.merge(a.frames().subList(first, a.frames().size()), a.samples(), Long::sum);
      }
    }
    return DiffEngine.sorted(stacks);
  }

  /**
   * The key of the owner's site: the retention site of its path, or, where its objects carry
   * allocation sites, the one its step names.
   */
  private static String ownerKey(List<PathStep> ownerPath, SiteReachability reachability) {
    PathStep owner = ownerPath.get(ownerPath.size() - 1);
    return owner.site() != null ? owner.site() : SiteKeys.retentionKey(owner.className(), ownerPath, reachability);
  }

  /**
   * The finding whose owner is the nearest step above this finding's owner on its path, if any: its
   * owner holds this one's, so its bytes include this one's.
   */
  private static String nearestHolder(String inner, Map<String, List<PathStep>> ownerPaths,
      Map<String, SiteReachability> reachabilityOf) {
    List<PathStep> p = ownerPaths.get(inner);
    if (p.isEmpty()) {
      return null;
    }
    for (int len = p.size() - 1; len >= 1; len--) {
      String candidate = ownerKey(p.subList(0, len), reachabilityOf.get(inner));
      if (!candidate.equals(inner) && ownerPaths.containsKey(candidate)) {
        return candidate;
      }
      String thread = len == 1 ? SiteKeys.threadOf(p.get(0).edge()) : null;
      if (thread != null && !thread.equals(inner) && ownerPaths.containsKey(thread)) {
        return thread;
      }
    }
    // A static field's path starts at the field, but the class's mirror holds what the field holds.
    String root = p.get(0).edge();
    if (root.startsWith("static ") && root.lastIndexOf('.') > "static ".length()) {
      String cls = root.substring("static ".length(), root.lastIndexOf('.'));
      String mirror = ownerKey(List.of(new PathStep("class " + cls, "java.lang.Class")), reachabilityOf.get(inner));
      if (!mirror.equals(inner) && ownerPaths.containsKey(mirror)) {
        return mirror;
      }
    }
    // Likewise what a Ruby class holds ("module Registry", a Hash) and the class itself ("module
    // Registry", Module Registry), whose site may be an allocation site: found by its path.
    String rubyClass = rubyClassObject(root);
    if (rubyClass != null && !rubyClass.equals(p.get(0).className())) {
      for (Map.Entry<String, List<PathStep>> e : ownerPaths.entrySet()) {
        List<PathStep> q = e.getValue();
        if (q.size() == 1 && q.get(0).edge().equals(root) && q.get(0).className().equals(rubyClass)
            && !e.getKey().equals(inner)) {
          return e.getKey();
        }
      }
    }
    return null;
  }

  /** The class of a Ruby class root's own object, {@code Module Registry} for {@code module Registry}; else null. */
  private static String rubyClassObject(String rootEdge) {
    if (rootEdge.startsWith("class ") || rootEdge.startsWith("module ")) {
      return Character.toUpperCase(rootEdge.charAt(0)) + rootEdge.substring(1);
    }
    return null;
  }

  /**
   * Which site heads a finding: a class whose count grows, the program's own before the JDK's, an
   * element before a collection's internals, anything before an array.
   */
  private static int headlineRank(SiteDiff d) {
    String c = d.className();
    boolean grows = d.growthObjects() > 0;
    boolean array = c.endsWith("[]");
    boolean jdk = c.startsWith("java.") || c.startsWith("javax.") || c.startsWith("jdk.") || c.startsWith("sun.")
        || c.startsWith("com.sun.");
    // A Ruby object the VM gives no class (T_IMEMO(env), T_ICLASS) is its internals, as a lambda's class is the JVM's.
    boolean generated = c.contains("$$Lambda") || c.contains("+*") || c.startsWith("T_");
    // An array or a JDK internal class heads a finding when it is what grows (the chunks a ThreadLocal
    // buffer gains); an array that only gets bigger (elementData) is a container, below every grower.
    int rank = !jdk && !array && !generated ? 0 : jdk && !array && !c.contains("$") ? 1 : 2;
    return grows ? rank : 3 + rank;
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
      SiteDiff prefix = all.get(ownerKey(path.subList(0, j + 1), d.reachability()));
      if (prefix != null && prefix.growthObjects() > 0) {
        continue;
      }
      return j;
    }
    return 0;
  }

  private static boolean isContainer(String cls) {
    return cls.endsWith("[]") || cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.")
        || RUBY_CONTAINERS.contains(cls);
  }

  /** Ruby's collections, which own nothing they hold as a registry does: the owner is what holds them. */
  private static final Set<String> RUBY_CONTAINERS = Set.of("Hash", "Array", "Set", "Thread::Queue",
      "Thread::SizedQueue");
}
