package io.memdiff.paths;

import io.memdiff.hprof.HeapIndex;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import it.unimi.dsi.fastutil.longs.LongArrayList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shortest strong routes to a set of objects, merged by route: what {@code memdiff path} shows.
 * Routes here are the breadth-first ones (not re-keyed by owner), since a user asking for a path
 * wants the shortest one.
 */
public final class ClassRoutes {
  private ClassRoutes() {}

  /** Every instance of the classes {@code named} marks (by class index), grouped by route. */
  public static RouteReport ofClass(HeapAnalysis a, boolean[] named, boolean fold, int limit) {
    HeapIndex index = a.index();
    IntArrayList objects = new IntArrayList();
    for (int o = 0; o < index.objectCount(); o++) {
      if (named[index.classIndexOf(o)]) {
        objects.add(o);
      }
    }
    Groups groups = new Groups(fold ? new Folding(a.catalog(), index) : null);
    // Only the targets' routes, and those of the objects on their paths, are read. Each target's
    // group goes in the route table's own array, as -2 - group while the routes of the other targets
    // are still to be read there; a last pass leaves -1 for every other object.
    RouteTable table = RouteTable.computeFor(a.reachability(), objects);
    int[] groupOf = table.takeRoutes();
    group(objects, a.reachability(), table, groupOf, groups);
    groupsOnly(groupOf);
    return report(a, objects.size(), groups, groupOf, limit);
  }

  /**
   * The objects at {@code objects} (a finding's examples, say), merged by route, with array indexes
   * when {@code indexes}.
   */
  public static RouteReport ofObjects(HeapAnalysis a, int[] objects, boolean indexes, boolean fold, int limit) {
    Groups groups = new Groups(fold ? new Folding(a.catalog(), a.index()) : null);
    int[] groupOf = new int[a.index().objectCount()];
    Arrays.fill(groupOf, -1);
    PathDescriber describer = new PathDescriber(a.reachability());
    for (int object : objects) {
      byte label = a.reachability().label(object);
      if (label != Reachability.UNREACHABLE && groupOf[object] < 0) {
        groupOf[object] = groups.add(label, describer.steps(object, indexes));
      }
    }
    return report(a, objects.length, groups, groupOf, limit);
  }

  private static RouteReport report(HeapAnalysis a, long objects, Groups groups, int[] groupOf, int limit) {
    long unreachable = objects - groups.members();
    // The dominator tree has been computed on another thread meanwhile. A route's retained bytes
    // count each object once, even when members dominate each other.
    Dominators dom = a.dominators();
    long[] retainedByGroup = dom.retainedByGroup(groupOf, groups.size());
    IntArrayList stepObjects = new IntArrayList();
    for (List<Step> steps : groups.steps) {
      for (Step s : steps) {
        stepObjects.add(s.object());
      }
    }
    long[] retainedOfStep = dom.retained(stepObjects.toIntArray());
    int step = 0;
    List<RouteReport.Route> routes = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      List<RouteReport.RouteStep> out = new ArrayList<>();
      for (Step s : groups.steps.get(g)) {
        out.add(new RouteReport.RouteStep(s.edge(), s.className(), a.index().address(s.object()), dom.shallow(s.object()),
            retainedOfStep[step++]));
      }
      routes.add(new RouteReport.Route(groups.count.getLong(g), retainedByGroup[g],
          Reachability.labelName((byte) groups.label.getInt(g)), out));
    }
    routes.sort(Comparator.comparingLong(RouteReport.Route::instances).reversed()
        .thenComparing(Comparator.comparingLong(RouteReport.Route::retainedBytes).reversed())
        .thenComparing(r -> r.steps().toString()));
    if (routes.size() > limit) {
      routes = routes.subList(0, limit);
    }
    return new RouteReport(objects, unreachable, groups.size(), List.copyOf(routes));
  }

  /**
   * Puts each reachable target in the group of its route and reachability, writing -2 - group in its
   * place in {@code routeOf}. A route's group is looked up once per route, not once per target by its
   * key: there are few routes and often millions of targets. A loop of its own, so the compiler
   * compiles it alone.
   */
  private static void group(IntArrayList objects, Reachability reach, RouteTable table, int[] routeOf, Groups groups) {
    int[] groupOfRoute = new int[table.routeCount()];
    Arrays.fill(groupOfRoute, -1);
    for (int i = 0; i < objects.size(); i++) {
      int o = objects.getInt(i);
      byte label = reach.label(o);
      if (label == Reachability.UNREACHABLE) {
        continue;
      }
      int route = routeOf[o];
      int g = groupOfRoute[route];
      if (g < 0 || groups.label.getInt(g) != label) {
        // A route seen first, or seen with another reachability (then its group is found by key).
        g = groups.add(label, table.steps(route));
        if (groupOfRoute[route] < 0) {
          groupOfRoute[route] = g;
        }
      } else {
        groups.count.set(g, groups.count.getLong(g) + 1);
      }
      routeOf[o] = -2 - g;
    }
  }

  /** Leaves in {@code groupOf} the group of each target {@link #group} marked, -1 for every other object. */
  private static void groupsOnly(int[] groupOf) {
    for (int o = 0; o < groupOf.length; o++) {
      groupOf[o] = groupOf[o] <= -2 ? -2 - groupOf[o] : -1;
    }
  }

  /**
   * The distinct routes of the targets, each with its reachability, in the order first seen: a group
   * per text of the (folded) route and the reachability's name.
   */
  private static final class Groups {
    final Folding folding;
    final Map<String, Integer> groupOfKey = new HashMap<>();
    final List<List<Step>> steps = new ArrayList<>();
    final IntArrayList label = new IntArrayList();
    final LongArrayList count = new LongArrayList();

    Groups(Folding folding) {
      this.folding = folding;
    }

    /** Counts one more member of the group of these steps and this reachability; returns the group. */
    int add(byte reachability, List<Step> route) {
      List<Step> shown = folding != null ? folding.fold(route) : route;
      StringBuilder key = new StringBuilder(Reachability.labelName(reachability));
      for (Step s : shown) {
        key.append('\n').append(s.edge()).append('\t').append(s.className());
      }
      int g = groupOfKey.computeIfAbsent(key.toString(), k -> steps.size());
      if (g == steps.size()) {
        steps.add(shown);
        label.add(reachability);
        count.add(0);
      }
      count.set(g, count.getLong(g) + 1);
      return g;
    }

    int size() {
      return steps.size();
    }

    long members() {
      long m = 0;
      for (int g = 0; g < count.size(); g++) {
        m += count.getLong(g);
      }
      return m;
    }
  }
}
