package io.memdiff.diff;

import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HeapIndex;
import io.memdiff.hprof.Layout;
import io.memdiff.paths.Folding;
import io.memdiff.paths.HeapAnalysis;
import io.memdiff.paths.ObjectGraph;
import io.memdiff.paths.PathDescriber;
import io.memdiff.paths.Reachability;
import io.memdiff.paths.RouteTable;
import io.memdiff.paths.Step;
import it.unimi.dsi.fastutil.ints.Int2LongOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.Long2IntOpenHashMap;
import it.unimi.dsi.fastutil.objects.Object2IntOpenHashMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Reduces one analysed dump to its {@link SiteSummary}: per site, count, shallow and retained bytes. */
public final class SiteSummarizer {
  /** Example addresses kept per site. */
  public static final int MAX_EXAMPLES = 5;

  private final HeapAnalysis analysis;
  private final HeapIndex index;
  private final DumpCatalog catalog;
  private final Object2IntOpenHashMap<String> siteByKey = new Object2IntOpenHashMap<>();
  private final List<String> keys = new ArrayList<>();
  private final List<String> classNames = new ArrayList<>();
  private final List<String> descriptions = new ArrayList<>();
  private final List<List<PathStep>> paths = new ArrayList<>();
  private final List<SiteReachability> labels = new ArrayList<>();
  /**
   * Each distinct step once: sites' paths share most of their steps, and the summary outlives the
   * dump's analysis, held beside the next dumps'.
   */
  private final Map<PathStep, PathStep> steps = new HashMap<>();
  /** Sites of frameless objects by parent, edge, class and reachability (see {@link #frameless}). */
  private final Object2IntOpenHashMap<FramelessStep> siteOfFrameless = new Object2IntOpenHashMap<>();

  private SiteSummarizer(HeapAnalysis analysis) {
    this.analysis = analysis;
    this.index = analysis.index();
    this.catalog = analysis.catalog();
    siteByKey.defaultReturnValue(-1);
    siteOfFrameless.defaultReturnValue(-1);
  }

  /** Whether sites are routes ({@link HeapAnalysis#routes()}): unless objects carry allocation traces. */
  private static boolean needsRoutes(DumpCatalog catalog) {
    return !catalog.objectsHaveAllocationTraces();
  }

  /** @param displayPath the dump's path as the user named it */
  public static SiteSummary summarize(HeapAnalysis analysis, String displayPath) {
    return summarize(analysis, displayPath, null, note -> {});
  }

  /**
   * @param samples a JFR recording's old-object samples, dumped right after this heap dump, whose
   *     allocation stacks go to the sites of the objects they join; null for none
   * @param notes one sentence when samples did not join (or there were none)
   */
  public static SiteSummary summarize(HeapAnalysis analysis, String displayPath, OldObjectSamples samples,
      Consumer<String> notes) {
    SiteSummarizer s = new SiteSummarizer(analysis);
    s.samples = samples;
    s.notes = notes;
    return s.run(displayPath);
  }

  /**
   * A dump that records allocation traces (the hprof agent's) gives every object's stack: each
   * site's distinct traces, with their objects counted as samples, as a recording's samples are.
   */
  private List<List<AllocationStack>> traceStacks(List<Int2LongOpenHashMap> tracesOfSite, int sites) {
    List<List<AllocationStack>> out = new ArrayList<>(sites);
    for (int s = 0; s < sites; s++) {
      Map<List<String>, Long> stacks = new HashMap<>();
      if (s < tracesOfSite.size()) {
        for (Int2LongOpenHashMap.Entry e : tracesOfSite.get(s).int2LongEntrySet()) {
          int trace = e.getIntKey();
          List<String> frames = new ArrayList<>();
          for (int f = 0; f < catalog.stacks().traceLength(trace); f++) {
            String frame = catalog.stacks().describeTraceFrame(trace, f, catalog.strings(),
                id -> catalog.classById(id) == null ? "?" : catalog.classById(id).name());
            if (frame != null) {
              frames.add(frame);
            }
          }
          if (!frames.isEmpty()) {
            stacks.merge(frames, e.getLongValue(), Long::sum);
          }
        }
      }
      out.add(DiffEngine.sorted(stacks));
    }
    return out;
  }

  private OldObjectSamples samples;
  private Consumer<String> notes;

  private SiteSummary run(String displayPath) {
    int n = index.objectCount();
    Reachability reach = analysis.reachability();
    PathDescriber describer = new PathDescriber(reach);
    Folding folding = new Folding(catalog, index);
    int[] siteOf;
    // Known from the first pass: sampling records here would bring the released dump's pages back.
    boolean allocation = !needsRoutes(catalog);
    List<Int2LongOpenHashMap> tracesOfSite = new ArrayList<>();
    if (allocation) {
      siteOf = new int[n];
      IntArrayList firstObject = new IntArrayList();
      allocationSites(siteOf, tracesOfSite, firstObject, reach, describer, folding);
      nameAllocationSites(siteOf, firstObject, reach, describer, folding);
    } else {
      // Objects on one route share a site (a route fixes the class and the reachability): name each
      // route's once, from its representative, before the objects are walked. The shortest-path
      // routes are named while the dominator tree is completed on the other core; then each object's
      // route follows its owner instead (see RouteTable.followOwners), so that a site does not depend
      // on which of several equal routes the search met first, and the few routes that adds are named.
      RouteTable routes = analysis.routes();
      int[] siteOfRoute = nameRoutes(routes, new int[0], reach, describer, folding);
      routes.followOwners(analysis.heldTwice());
      siteOfRoute = nameRoutes(routes, siteOfRoute, reach, describer, folding);
      // Each object's route is replaced by its site, in the route table's own array.
      siteOf = routes.takeRoutes();
      routesToSites(siteOf, siteOfRoute, reach, describer, folding);
    }
    int sites = keys.size();
    long[] counts = new long[sites];
    long[] shallow = new long[sites];
    int[] exampleObjects = new int[sites * MAX_EXAMPLES];
    count(siteOf, analysis.graph(), counts, shallow, exampleObjects);
    List<List<String>> examples = new ArrayList<>(sites);
    for (int s = 0; s < sites; s++) {
      List<String> e = new ArrayList<>((int) Math.min(MAX_EXAMPLES, counts[s]));
      for (int k = 0; k < counts[s] && k < MAX_EXAMPLES; k++) {
        e.add("0x" + Long.toHexString(index.address(exampleObjects[s * MAX_EXAMPLES + k])));
      }
      examples.add(e);
    }
    long[] retained = analysis.dominators().retainedByGroup(siteOf, sites);
    long[][] outside = OffHeap.bySite(index, siteOf, sites);
    List<List<AllocationStack>> stacks = allocation ? traceStacks(tracesOfSite, sites) : AllocationJoin.stacksBySite(samples, index, siteOf, sites, displayPath,
        catalog.file().timestampMillis(), notes);
    List<SiteStats> stats = new ArrayList<>(sites);
    for (int s = 0; s < sites; s++) {
      if (counts[s] == 0) {
        continue; // a shortest-path route whose objects all follow their owners now
      }
      stats.add(new SiteStats(keys.get(s), classNames.get(s), descriptions.get(s), paths.get(s), counts[s], shallow[s],
          retained[s], labels.get(s), examples.get(s), outside[0][s], outside[1][s], stacks.get(s)));
    }
    stats.sort(Comparator.comparing(SiteStats::key));
    DumpMeta meta = new DumpMeta(displayPath, catalog.file().timestampMillis(), catalog.file().idSize(), n,
        catalog.totalShallowBytes(), catalog.scan().truncated(), allocation ? SiteKind.ALLOCATION : SiteKind.RETENTION,
        layoutName(catalog.layout()));
    return new SiteSummary(SiteSummary.SCHEMA_VERSION, meta, stats);
  }

  /** The sites of the routes numbered from {@code named.length} on, appended to those of the others. */
  private int[] nameRoutes(RouteTable routes, int[] named, Reachability reach, PathDescriber describer,
      Folding folding) {
    int[] siteOfRoute = Arrays.copyOf(named, routes.routeCount());
    for (int r = named.length; r < siteOfRoute.length; r++) {
      siteOfRoute[r] = retentionSite(routes.representative(r), reach, describer, folding, routes, r);
    }
    return siteOfRoute;
  }

  /*
   * The two walks over every object are methods of their own, with what is rare (a class's first
   * unreachable object) behind a call: compiled alone, they are small, where compiled inside run()
   * they took its string building and path folding along, and every profile change recompiled all.
   */

  /** Replaces each object's route by its route's site; unreachable objects get their class's. */
  private void routesToSites(int[] siteOf, int[] siteOfRoute, Reachability reach, PathDescriber describer,
      Folding folding) {
    int[] unreachableSiteOfClass = null;
    for (int o = 0; o < siteOf.length; o++) {
      int r = siteOf[o];
      if (r >= 0) {
        siteOf[o] = siteOfRoute[r];
      } else {
        if (unreachableSiteOfClass == null) {
          unreachableSiteOfClass = new int[catalog.classCount()];
          Arrays.fill(unreachableSiteOfClass, -1);
        }
        siteOf[o] = unreachableSite(o, unreachableSiteOfClass, reach, describer, folding);
      }
    }
  }

  private int unreachableSite(int o, int[] siteOfClass, Reachability reach, PathDescriber describer,
      Folding folding) {
    int c = index.classIndexOf(o);
    if (siteOfClass[c] < 0) {
      siteOfClass[c] = retentionSite(o, reach, describer, folding, null, null);
    }
    return siteOfClass[c];
  }

  /** What sizes depend on, comparable between dumps: {@code header 12, reference 4, align 8}. */
  private static String layoutName(Layout l) {
    return "header " + l.header() + ", reference " + l.refSize() + ", align " + l.align();
  }

  /** Objects and shallow bytes per site, and the first objects of each, in index order. */
  private static void count(int[] siteOf, ObjectGraph graph, long[] counts, long[] shallow, int[] exampleObjects) {
    for (int o = 0; o < siteOf.length; o++) {
      int s = siteOf[o];
      long c = counts[s]++;
      shallow[s] += graph.shallowSize(o);
      if (c < MAX_EXAMPLES) {
        exampleObjects[s * MAX_EXAMPLES + (int) c] = o;
      }
    }
  }

  private int retentionSite(int o, Reachability reach, PathDescriber describer, Folding folding, RouteTable routes,
      Integer route) {
    String cls = index.classOf(o).name();
    byte label = reach.label(o);
    if (label == Reachability.UNREACHABLE) {
      String key = SiteKeys.unreachableKey(cls);
      int s = siteByKey.getInt(key);
      return s >= 0 ? s : newSite(key, cls, "unreachable", List.of(), SiteReachability.UNREACHABLE);
    }
    List<Step> raw = routes != null && route != null && route >= 0 ? routes.steps(route) : describer.steps(o, false);
    List<Step> folded = folding.fold(raw);
    List<PathStep> path = needsRoutes(catalog) ? toPathSteps(folded) : withAllocationSites(folded);
    SiteReachability reachability = reachabilityOf(label);
    String key = SiteKeys.retentionKey(cls, path, reachability);
    int s = siteByKey.getInt(key);
    if (s >= 0) {
      return s;
    }
    String description = SiteKeys.describePath(path);
    if (!path.isEmpty() && !path.get(0).edge().equals(folded.get(0).edge())) {
      // The root's thread name was folded: one real name shows which threads the pattern stands for.
      description += " (e.g. \"" + SiteKeys.threadNameOf(folded.get(0).edge()) + "\")";
    }
    return newSite(key, cls, description, path, reachability);
  }

  private int newSite(String key, String cls, String description, List<PathStep> path,
      SiteReachability reachability) {
    int s = keys.size();
    siteByKey.put(key, s);
    keys.add(key);
    classNames.add(SiteKeys.normalize(cls));
    descriptions.add(description);
    paths.add(path);
    labels.add(reachability);
    return s;
  }

  /** The path analysis's label of an object, as sites record it. */
  private static SiteReachability reachabilityOf(byte label) {
    return switch (label) {
      case Reachability.STRONG -> SiteReachability.STRONG;
      case Reachability.SOFT -> SiteReachability.SOFT;
      case Reachability.WEAK -> SiteReachability.WEAK;
      case Reachability.FINALIZER -> SiteReachability.FINALIZER;
      case Reachability.PHANTOM -> SiteReachability.PHANTOM;
      case Reachability.UNREACHABLE -> SiteReachability.UNREACHABLE;
      default -> throw new IllegalStateException("no reachability label " + label);
    };
  }

  /**
   * Each object's allocation site, in {@code siteOf}: a function of its class and its trace, found
   * once per pair; the first object of each new site in {@code firstObject}.
   */
  private void allocationSites(int[] siteOf, List<Int2LongOpenHashMap> tracesOfSite, IntArrayList firstObject,
      Reachability reach, PathDescriber describer, Folding folding) {
    Long2IntOpenHashMap siteOfClassAndTrace = new Long2IntOpenHashMap();
    siteOfClassAndTrace.defaultReturnValue(-1);
    for (int o = 0; o < siteOf.length; o++) {
      int trace = index.traceSerial(o);
      long pair = ((long) index.classIndexOf(o) << 32) | (trace & 0xFFFFFFFFL);
      int known = siteOfClassAndTrace.get(pair);
      if (known < 0) {
        known = newAllocationSite(o, trace, firstObject, tracesOfSite, reach, describer, folding);
        if (known < 0) {
          siteOf[o] = -1 - known; // a retention site: the trace names no frame, so not cached by pair
          continue;
        }
        siteOfClassAndTrace.put(pair, known);
      }
      siteOf[o] = known;
      tracesOfSite.get(known).addTo(trace, 1);
    }
  }

  /**
   * The site of the first object of a class and trace: an allocation site (its number), or, where the
   * trace names no frame, the object's retention site as {@code -1 - site}.
   */
  private int newAllocationSite(int o, int trace, IntArrayList firstObject, List<Int2LongOpenHashMap> tracesOfSite,
      Reachability reach, PathDescriber describer, Folding folding) {
    String frame = catalog.stacks().describeTraceFrame(trace, 0, catalog.strings(),
        id -> catalog.classById(id) == null ? "?" : catalog.classById(id).name());
    if (frame == null) {
      return -1 - frameless(o, reach, describer, folding);
    }
    String cls = index.classOf(o).name();
    String key = SiteKeys.allocationKey(cls, frame);
    int s = siteByKey.getInt(key);
    if (s < 0) {
      s = newSite(key, cls, "at " + frame, null, null); // named once every object is counted
      while (firstObject.size() < s) {
        firstObject.add(-1);
      }
      firstObject.add(o);
    }
    while (tracesOfSite.size() <= s) {
      tracesOfSite.add(new Int2LongOpenHashMap());
    }
    return s;
  }

  /**
   * The retention site of an object whose trace names no frame. Such objects are often many (what a
   * Ruby program made before tracing began), and a site's key is a function of the object's parent
   * on its shortest path, the reference between them, its class and its reachability: objects that
   * share those share the site, whose path is described once instead of once per object.
   */
  private int frameless(int o, Reachability reach, PathDescriber describer, Folding folding) {
    int parent = reach.parent(o);
    if (parent < 0) {
      return retentionSite(o, reach, describer, folding, null, null); // a root, or unreachable
    }
    FramelessStep step = new FramelessStep(parent, describer.labelBetween(parent, o, false),
        describer.className(o), reach.label(o));
    int s = siteOfFrameless.getInt(step);
    if (s < 0) {
      s = retentionSite(o, reach, describer, folding, null, null);
      siteOfFrameless.put(step, s);
    }
    return s;
  }

  /** What the retention site of a frameless, reachable object depends on (see {@link #frameless}). */
  private record FramelessStep(int parent, int edgeLabel, String className, byte reachability) {}

  /**
   * Names each allocation site by the path of the first of its objects the shortest-paths search
   * reached, or by its first object where none is reachable. Not by the lowest address, which the
   * collector chooses: a site held from two places is then named the same way in every dump.
   *
   * @param firstObject per site, its first object by index; -1 for a retention site, named already
   */
  private void nameAllocationSites(int[] siteOf, IntArrayList firstObject, Reachability reach,
      PathDescriber describer, Folding folding) {
    int unnamed = 0;
    for (int s = 0; s < firstObject.size(); s++) {
      unnamed += firstObject.getInt(s) >= 0 ? 1 : 0;
    }
    for (int i = 0, reached = reach.reachedCount(); i < reached && unnamed > 0; i++) {
      int o = reach.reachedAt(i);
      int s = siteOf[o];
      if (paths.get(s) == null) {
        nameAllocationSite(s, o, reach, describer, folding);
        unnamed--;
      }
    }
    for (int s = 0; s < firstObject.size(); s++) {
      if (paths.get(s) == null) {
        paths.set(s, List.of());
        labels.set(s, reachabilityOf(reach.label(firstObject.getInt(s))));
      }
    }
  }

  /** A site's path and reachability, from its first object the search reached; apart, so the walk compiles small. */
  private void nameAllocationSite(int s, int o, Reachability reach, PathDescriber describer, Folding folding) {
    paths.set(s, withAllocationSites(folding.fold(describer.steps(o, false))));
    labels.set(s, reachabilityOf(reach.label(o)));
  }

  /**
   * Steps as {@link #toPathSteps} names them, each with the allocation site of its object where it
   * has one: the key an owner's site has in a dump whose sites are allocation sites.
   */
  private List<PathStep> withAllocationSites(List<Step> steps) {
    List<PathStep> named = toPathSteps(steps);
    List<PathStep> out = new ArrayList<>(named.size());
    for (int k = 0; k < named.size(); k++) {
      int object = steps.get(k).object();
      String frame = catalog.stacks().describeTraceFrame(index.traceSerial(object), 0, catalog.strings(),
          id -> catalog.classById(id) == null ? "?" : catalog.classById(id).name());
      PathStep p = named.get(k);
      out.add(frame == null ? p
          : shared(new PathStep(p.edge(), p.className(), SiteKeys.allocationKey(index.classOf(object).name(), frame))));
    }
    return out;
  }

  /** Steps as sites name them: hidden-class names normalised, the root's thread numbers folded. */
  private List<PathStep> toPathSteps(List<Step> steps) {
    List<PathStep> out = new ArrayList<>(steps.size());
    for (Step s : steps) {
      String edge = SiteKeys.normalize(s.edge());
      out.add(shared(new PathStep(out.isEmpty() ? SiteKeys.foldThreadName(edge) : edge,
          SiteKeys.normalize(s.className()))));
    }
    return out;
  }

  /** The one instance of an equal step. */
  private PathStep shared(PathStep step) {
    PathStep known = steps.putIfAbsent(step, step);
    return known != null ? known : step;
  }
}
