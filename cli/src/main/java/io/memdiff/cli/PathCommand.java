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
import java.util.LinkedHashMap;
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
      HeapAnalysis a = HeapAnalysis.analyse(catalog, dumpOptions.scanOptions(), true, target.className != null,
          phase -> progress.step("memdiff: " + phase));
      progress.step("memdiff: grouping paths");
      IntArrayList objects = targets(a, catalog);
      PathDescriber describer = new PathDescriber(a.reachability());
      Folding folding = fold ? new Folding(catalog, a.index()) : null;
      RouteTable table = target.id != null ? null : a.routes();
      Map<String, List<Step>> routes = new LinkedHashMap<>();
      Map<String, Byte> labelOfKey = new HashMap<>();
      Map<String, long[]> tallies = new LinkedHashMap<>();
      Map<Integer, String> keyOfRoute = new HashMap<>();
      Map<String, Integer> groupOfKey = new HashMap<>();
      // Each target's group goes in the route table's own array, as −2 − group while the routes of the
      // other targets are still to be read there; a last pass leaves −1 for every other object.
      int[] routeOf = table == null ? null : table.takeRoutes();
      int[] groupOf = routeOf;
      if (groupOf == null) {
        groupOf = new int[a.index().objectCount()];
        java.util.Arrays.fill(groupOf, -1);
      }
      long unreachable = 0;
      for (int i = 0; i < objects.size(); i++) {
        int o = objects.getInt(i);
        byte label = a.reachability().label(o);
        if (label == Reachability.UNREACHABLE) {
          unreachable++;
          continue;
        }
        int route = routeOf == null ? -1 : routeOf[o];
        String k = table == null ? null : keyOfRoute.get(route);
        if (k == null) {
          List<Step> steps = table == null ? describer.steps(o, indexes) : table.steps(route);
          if (folding != null) {
            steps = folding.fold(steps);
          }
          StringBuilder key = new StringBuilder(Reachability.labelName(label));
          for (Step s : steps) {
            key.append('\n').append(s.edge()).append('\t').append(s.className());
          }
          k = key.toString();
          if (table != null) {
            keyOfRoute.put(route, k);
          }
          routes.putIfAbsent(k, steps);
          labelOfKey.putIfAbsent(k, label);
        }
        long[] tally = tallies.computeIfAbsent(k, x -> new long[2]);
        tally[0]++;
        int group = groupOfKey.computeIfAbsent(k, x -> groupOfKey.size());
        groupOf[o] = routeOf == null ? group : -2 - group;
      }
      if (routeOf != null) {
        for (int o = 0; o < groupOf.length; o++) {
          groupOf[o] = groupOf[o] <= -2 ? -2 - groupOf[o] : -1;
        }
      }
      // The dominator tree has been computed on another thread meanwhile. A route's retained bytes
      // count each object once, even when members dominate each other.
      Dominators dom = a.dominators();
      long[] retainedByGroup = dom.retainedByGroup(groupOf, groupOfKey.size());
      IntArrayList stepObjects = new IntArrayList();
      for (List<Step> steps : routes.values()) {
        for (Step s : steps) {
          stepObjects.add(s.object());
        }
      }
      long[] retainedOfStep = dom.retained(stepObjects.toIntArray());
      int step = 0;
      List<Route> result = new ArrayList<>();
      for (Map.Entry<String, List<Step>> e : routes.entrySet()) {
        long[] t = tallies.get(e.getKey());
        t[1] = retainedByGroup[groupOfKey.get(e.getKey())];
        List<StepOut> out = new ArrayList<>();
        for (Step s : e.getValue()) {
          out.add(new StepOut(s.edge(), s.className(), Addresses.hex(a.index().address(s.object())),
              dom.shallow(s.object()), retainedOfStep[step++]));
        }
        result.add(new Route(t[0], t[1], Reachability.labelName(labelOfKey.get(e.getKey())), out));
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
        print(spec.commandLine().getOut(), what, objects.size(), unreachable, result, tallies.size());
      }
    }
    return ExitCodes.OK;
  }

  private IntArrayList targets(HeapAnalysis a, DumpCatalog catalog) {
    IntArrayList objects = new IntArrayList();
    if (target.id != null) {
      long address = Addresses.parse(target.id);
      int o = a.index().indexOf(address);
      if (o < 0) {
        throw new UsageException(dump + ": no object at " + Addresses.hex(address));
      }
      objects.add(o);
      return objects;
    }
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
    for (int o = 0; o < a.index().objectCount(); o++) {
      if (named[a.index().classIndexOf(o)]) {
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
        out.println("  " + s.edge() + "\t" + s.className() + "\tshallow " + output.bytes(s.shallowBytes())
            + "\tretained " + output.bytes(s.retainedBytes()) + "\t" + s.address());
      }
    }
  }
}
