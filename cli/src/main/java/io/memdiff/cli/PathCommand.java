package io.memdiff.cli;

import io.memdiff.hprof.ClassInfo;
import io.memdiff.hprof.DumpCatalog;
import io.memdiff.hprof.HprofFile;
import io.memdiff.paths.Dominators;
import io.memdiff.paths.Folding;
import io.memdiff.paths.HeapAnalysis;
import io.memdiff.paths.PathDescriber;
import io.memdiff.paths.Reachability;
import io.memdiff.paths.RouteTable;
import io.memdiff.paths.Step;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "path", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
      "Shortest strong paths from GC roots to one object, or to every instance of a class merged by route",
      "(one line per distinct route with the instances behind it, most first), with shallow and retained",
      "bytes on each step. Weak, soft, phantom and finalizer referents are not strong."
    },
    footer = {"", "Examples:", "  memdiff path app.hprof --class com.acme.Session --fold",
        "  memdiff path app.hprof --id 0x7ff6a1b20"})
final class PathCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin OutputOptions output;
  @Mixin DumpOptions dumpOptions;

  @Parameters(index = "0", paramLabel = "DUMP", description = "An HPROF dump (.hprof, or gzip-compressed).")
  Path dump;

  static final class Target {
    @Option(names = "--class", paramLabel = "NAME", required = true,
        description = "Every instance of this class (Java name, e.g. java.util.HashMap$Node or byte[]).")
    String className;

    @Option(names = "--id", paramLabel = "0xADDR", required = true, description = "One object, by address.")
    String id;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "10", description = "At most N routes (default: ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--fold", description = "Fold JDK collection internals (HashMap{values}, ArrayList{elements}, next*).")
  boolean fold;

  @Option(names = "--indexes", description = "Show array indexes ([17]) instead of [] (with --id).")
  boolean indexes;

  record StepOut(String edge, String className, String address, long shallowBytes, long retainedBytes) {}

  record Route(long instances, long retainedBytes, String reachability, List<StepOut> steps) {}

  record Document(int schemaVersion, DumpInfo dump, String target, long instances, long unreachable, List<Route> routes) {}

  @Override
  public Integer call() throws Exception {
    if (limit < 1) {
      throw new UsageException("--limit must be at least 1, got " + limit);
    }
    PrintWriter err = spec.commandLine().getErr();
    try (HprofFile file = dumpOptions.open(dump); Progress progress = new Progress(err)) {
      progress.step("memdiff: reading " + dump);
      DumpCatalog catalog = dumpOptions.catalog(file, true);
      Warnings.print(err, catalog);
      // A class name is checked before the analysis, which a typo would otherwise wait for.
      boolean[] named = target.className != null ? namedClasses(catalog) : null;
      long address = target.id != null ? Addresses.parse(target.id) : 0;
      // The route table is made after the search, for the instances only (below), on this thread
      // while the other core completes the dominator tree.
      HeapAnalysis a = HeapAnalysis.analyse(catalog, dumpOptions.scanOptions(), true,
          phase -> progress.step("memdiff: " + phase));
      progress.step("memdiff: grouping paths");
      IntArrayList objects = named != null ? objectsOf(a.index(), named) : objectAt(a, address);
      PathDescriber describer = new PathDescriber(a.reachability());
      Folding folding = fold ? new Folding(catalog, a.index()) : null;
      // Only the targets' routes, and those of the objects on their paths, are read.
      RouteTable table = target.id != null ? null : RouteTable.computeFor(a.reachability(), objects);
      Groups groups = new Groups(folding);
      // Each target's group goes in the route table's own array, as −2 − group while the routes of the
      // other targets are still to be read there; a last pass leaves −1 for every other object.
      int[] routeOf = table == null ? null : table.takeRoutes();
      int[] groupOf = routeOf;
      if (groupOf == null) {
        groupOf = new int[a.index().objectCount()];
        java.util.Arrays.fill(groupOf, -1);
        for (int i = 0; i < objects.size(); i++) {
          int o = objects.getInt(i);
          byte label = a.reachability().label(o);
          if (label != Reachability.UNREACHABLE) {
            groupOf[o] = groups.add(label, describer.steps(o, indexes));
          }
        }
      } else {
        group(objects, a.reachability(), table, routeOf, groups);
        groupsOnly(groupOf);
      }
      long unreachable = objects.size() - groups.members();
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
      List<Route> result = new ArrayList<>();
      for (int g = 0; g < groups.size(); g++) {
        List<StepOut> out = new ArrayList<>();
        for (Step s : groups.steps.get(g)) {
          out.add(new StepOut(s.edge(), s.className(), Addresses.hex(a.index().address(s.object())),
              dom.shallow(s.object()), retainedOfStep[step++]));
        }
        result.add(new Route(groups.count.getLong(g), retainedByGroup[g], Reachability.labelName((byte) groups.label.getInt(g)),
            out));
      }
      result.sort(Comparator.comparingLong(Route::instances).reversed()
          .thenComparing(Comparator.comparingLong(Route::retainedBytes).reversed())
          .thenComparing(r -> r.steps().toString()));
      if (result.size() > limit) {
        result = result.subList(0, limit);
      }
      String what = target.className != null ? target.className : target.id;
      if (output.json()) {
        Json.write(spec.commandLine().getOut(),
            new Document(Json.SCHEMA_VERSION, DumpInfo.of(catalog), what, objects.size(), unreachable, result));
      } else {
        print(spec.commandLine().getOut(), what, objects.size(), unreachable, result, groups.size());
      }
    }
    return ExitCodes.OK;
  }

  /**
   * Puts each reachable target in the group of its route and reachability, writing −2 − group in its
   * place in {@code routeOf}. A route's group is looked up once per route, not once per target by
   * its key: there are few routes and often millions of targets. A loop of its own, so the compiler
   * compiles it alone and not all of {@link #call} around it (110 ms of C2 on the benchmark dump).
   */
  private static void group(IntArrayList objects, Reachability reach, RouteTable table, int[] routeOf, Groups groups) {
    int[] groupOfRoute = new int[table.routeCount()];
    java.util.Arrays.fill(groupOfRoute, -1);
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

  /**
   * Leaves in {@code groupOf} the group of each target that {@link #group} marked, −1 for every other
   * object. A loop of its own for the reason given there (36 ms of C2 for all of {@link #call}).
   */
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
    final it.unimi.dsi.fastutil.longs.LongArrayList count = new it.unimi.dsi.fastutil.longs.LongArrayList();

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

  /** The one object of {@code --id}. */
  private IntArrayList objectAt(HeapAnalysis a, long address) {
    int o = a.index().indexOf(address);
    if (o < 0) {
      throw new UsageException(dump + ": no object at " + Addresses.hex(address));
    }
    IntArrayList objects = new IntArrayList();
    objects.add(o);
    return objects;
  }

  /** Which class indexes bear the {@code --class} name; fails when none does. */
  private boolean[] namedClasses(DumpCatalog catalog) {
    boolean known = false;
    boolean[] named = new boolean[catalog.classCount()];
    for (int i = 0; i < catalog.classCount(); i++) {
      ClassInfo c = catalog.classAt(i);
      named[i] = c.name().equals(target.className);
      known |= named[i];
    }
    if (!known) {
      throw new UsageException(dump + ": no class named " + target.className);
    }
    return named;
  }

  private static IntArrayList objectsOf(io.memdiff.hprof.HeapIndex index, boolean[] named) {
    IntArrayList objects = new IntArrayList();
    for (int o = 0; o < index.objectCount(); o++) {
      if (named[index.classIndexOf(o)]) {
        objects.add(o);
      }
    }
    return objects;
  }

  private void print(PrintWriter out, String what, long instances, long unreachable, List<Route> routes, int distinct) {
    out.println("# " + instances + " object(s) of " + what + ", " + distinct + " distinct route(s), "
        + unreachable + " unreachable");
    int n = 1;
    for (Route r : routes) {
      out.println("route " + n++ + "\t" + r.instances() + " object(s)\tretained " + output.bytes(r.retainedBytes())
          + "\t" + r.reachability());
      for (StepOut s : r.steps()) {
        out.println("  " + Text.safe(s.edge()) + "\t" + Text.safe(s.className()) + "\tshallow " + output.bytes(s.shallowBytes())
            + "\tretained " + output.bytes(s.retainedBytes()) + "\t" + s.address());
      }
    }
  }
}
