package io.memdiff.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.memdiff.engine.AnalysedDump;
import io.memdiff.engine.DumpInfo;
import io.memdiff.engine.Engine;
import io.memdiff.engine.OpenDump;
import io.memdiff.paths.RouteReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
      "Shortest strong paths from GC roots to one object, or to every instance of a class merged by route"
          + " (one line per distinct route with the instances behind it, most first), with shallow and retained"
          + " bytes on each step. Weak, soft, phantom and finalizer referents are not strong."
    },
    footer = {"", "Examples:", "  memdiff path app.hprof --class com.acme.Session --fold",
        "  memdiff path app.hprof --id 0x7ff6a1b20"})
final class PathCommand implements Callable<Integer>, AnalysesDumps {
  @Spec CommandSpec spec;
  @Mixin OutputOptions output;
  @Mixin DumpOptions dumpOptions;

  @Parameters(index = "0", paramLabel = "DUMP", description = "An HPROF dump (.hprof, or gzip-compressed).")
  Path dump;

  static final class Target {
    @Option(names = "--class", paramLabel = "NAME", required = true,
        description = "Every instance of this class (Java name, e.g. java.util.HashMap$Node or byte[]).")
    String className;

    @Option(names = "--id", paramLabel = "0xADDR[,0xADDR…]", required = true,
        description = "Objects by address, comma-separated: one, or the examples a diff line prints.")
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

  record StepOut(String edge, String className, String address, long shallowBytes, long retainedBytes) {
    static List<StepOut> of(List<RouteReport.RouteStep> steps) {
      List<StepOut> out = new ArrayList<>(steps.size());
      for (RouteReport.RouteStep s : steps) {
        out.add(new StepOut(s.edge(), s.className(), Addresses.hex(s.address()), s.shallowBytes(), s.retainedBytes()));
      }
      return out;
    }
  }

  record Route(long instances, long retainedBytes, String reachability, List<StepOut> steps) {}

  record Document(int schemaVersion, DumpInfo dump, String target, long instances, long unreachable, List<Route> routes,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<DiffRenderer.StackOut> allocationStacks) {}

  @Override
  public List<Path> analysedDumps() {
    return dump != null ? List.of(dump) : List.of();
  }

  @Override
  public DumpOptions dumpOptions() {
    return dumpOptions;
  }

  @Override
  public Integer call() throws Exception {
    output.requireTextOrJson("path");
    if (limit < 1) {
      throw new UsageException("--limit must be at least 1, got " + limit);
    }
    PrintWriter err = spec.commandLine().getErr();
    long[] addresses = target.id == null ? new long[0]
        : Arrays.stream(target.id.split(",")).map(String::strip).filter(t -> !t.isEmpty())
            .mapToLong(Addresses::parse).toArray();
    if (target.id != null && addresses.length == 0) {
      throw new UsageException("--id needs at least one address");
    }
    try (Progress progress = new Progress(err);
        OpenDump dump = Engine.open(this.dump, dumpOptions.readOptions(1), progress::phase)) {
      Warnings.print(err, dump.warnings());
      if (target.className != null) {
        dump.requireClass(target.className); // before the analysis, which a typo would otherwise wait for
      }
      AnalysedDump analysed = dump.analyse(progress::phase, Warnings.to(err));
      progress.phase("grouping paths");
      RouteReport report = target.className != null
          ? analysed.routesOfClass(target.className, fold, limit)
          : analysed.routesOfObjects(addresses, indexes, fold, limit);
      List<Route> routes = new ArrayList<>();
      for (RouteReport.Route r : report.routes()) {
        routes.add(new Route(r.instances(), r.retainedBytes(), r.reachability(), StepOut.of(r.steps())));
      }
      String what = target.className != null ? target.className : target.id;
      List<DiffRenderer.StackOut> stacks = DiffRenderer.stacks(target.className != null
          ? analysed.allocationStacksOfClass(target.className) : analysed.allocationStacksOf(addresses));
      if (output.json()) {
        Json.write(spec.commandLine().getOut(), new Document(Json.SCHEMA_VERSION, dump.info(), what, report.objects(),
            report.unreachable(), routes, stacks));
      } else {
        print(spec.commandLine().getOut(), what, report, routes, stacks);
      }
    }
    return ExitCodes.OK;
  }

  private void print(PrintWriter out, String what, RouteReport report, List<Route> routes,
      List<DiffRenderer.StackOut> stacks) {
    out.println("# " + report.objects() + " object(s) of " + what + ", " + report.distinct() + " distinct route(s), "
        + report.unreachable() + " unreachable");
    for (DiffRenderer.StackOut s : stacks) {
      out.println("# allocated at " + Text.safe(String.join(" < ", s.frames().subList(0, Math.min(3, s.frames().size()))))
          + " (" + s.samples() + (s.samples() == 1 ? " sample)" : " samples)"));
    }
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
